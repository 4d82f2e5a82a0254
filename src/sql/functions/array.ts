/**
 * Array functions (Feldera's reference, "Array Operations", and SEQUENCE); kernels in
 * engine/functions/array.ts. An element argument and the array's elements are brought to their
 * least restrictive common type (`ARRAY_CONTAINS(int_array, bigint_value)` compares as BIGINT);
 * incompatible types are compile-time errors. Array elements are always nullable, as in Feldera.
 */
import {
  arrayOf,
  type ColumnType,
  isCompoundType,
  isIntegerType,
  isNumericType,
  isStringType,
  typeToSql,
} from '../../engine/values/types.js';
import type * as ast from '../ast.js';
import { bindArray } from '../bind-compound.js';
import { BIGINT, BOOLEAN, call, coerce, fail, lit, refuseTimestampTzCast } from '../coercion.js';
import type { Expr } from '../plan.js';
import { leastRestrictive } from '../typing.js';
import { arity, type CallSite, type FunctionBinder, type FunctionFamily } from './signature.js';

const INTEGER: ColumnType = { type: 'INTEGER', nullable: false };
const VARCHAR: ColumnType = { type: 'VARCHAR', nullable: false, precision: -1 };

/** The located error for arguments an array function does not accept, in Calcite's words. */
function illegal(site: CallSite, forms: string[][]): never {
  const label = (t: ColumnType) => typeToSql({ ...t, nullable: true });
  const given = `${site.name}(${site.args.map((a) => `<${label(a.type)}>`).join(', ')})`;
  const supported = forms.map((f) => `'${site.name}(${f.map((p) => `<${p}>`).join(', ')})'`).join(', ');
  return fail(
    site.span,
    `Cannot apply '${site.name}' to arguments of type '${given}'. Supported form(s): ${supported}`,
  );
}

const isArray = (e: Expr) => e.type.type === 'ARRAY';

/**
 * Arguments `arrays` (indexes of ARRAY arguments) and `elements` (indexes of element arguments)
 * converted to one element type; `forms` is what the error lists.
 */
function unifyElements(site: CallSite, arrays: number[], elements: number[], forms: string[][]): Expr[] {
  const args = [...site.args];
  if (!arrays.every((i) => isArray(args[i]!))) illegal(site, forms);
  const element = leastRestrictive([
    ...arrays.map((i) => args[i]!.type.component!),
    ...elements.map((i) => args[i]!.type),
  ]);
  if (element === null && elements.length > 0) {
    // Calcite's words for an element that does not match the array's elements.
    const [a, v] = [args[arrays[0]!]!.type.component!, args[elements[0]!]!.type];
    fail(
      site.span,
      `${typeToSql({ ...a, nullable: true })} is not comparable to ${typeToSql({ ...v, nullable: true })}`,
    );
  }
  if (element === null) illegal(site, forms);
  for (const i of arrays)
    args[i] = coerce(args[i]!, arrayOf(element, args[i]!.type.nullable), site.argSpan(i));
  for (const i of elements)
    args[i] = coerce(args[i]!, { ...element, nullable: args[i]!.type.nullable }, site.argSpan(i));
  return args;
}

const anyNullable = (args: Expr[]) => args.some((a) => a.type.nullable);

/** One ARRAY argument; the result type from it. */
function unary(fn: string, result: (array: Expr) => ColumnType): FunctionBinder {
  return (site) => {
    arity(site, 1);
    const [a] = site.args;
    if (!isArray(a!)) illegal(site, [['ARRAY']]);
    return call(fn, [a!], result(a!));
  };
}

/** ARRAY and element; `result` gives the type from the unified arguments. */
function arrayAndElement(
  fn: string,
  result: (args: Expr[]) => ColumnType,
  strictElement = true,
): FunctionBinder {
  return (site) => {
    arity(site, 2);
    const args = unifyElements(site, [0], [1], [['ARRAY', 'ANY']]);
    const nullable = args[0]!.type.nullable || (strictElement && args[1]!.type.nullable);
    return call(fn, args, { ...result(args), nullable });
  };
}

/** Two ARRAYs of compatible elements. */
function twoArrays(fn: string, result: (args: Expr[]) => ColumnType): FunctionBinder {
  return (site) => {
    arity(site, 2);
    const args = unifyElements(site, [0, 1], [], [['ARRAY', 'ARRAY']]);
    const type = result(args);
    return call(fn, args, { ...type, nullable: type.nullable || anyNullable(args) });
  };
}

const sameArray = (args: Expr[]) => args[0]!.type;
const elementOf = (a: Expr): ColumnType => ({ ...a.type.component!, nullable: true });

/** CARDINALITY of an ARRAY or a MAP (Feldera's reference lists both). */
const cardinality: FunctionBinder = (site) => {
  arity(site, 1);
  const [a] = site.args;
  if (a!.type.type === 'NULL') return lit(null, { ...INTEGER, nullable: true });
  if (!isArray(a!) && a!.type.type !== 'MAP') illegal(site, [['ARRAY'], ['MAP']]);
  return call('cardinality', [a!], { ...INTEGER, nullable: a!.type.nullable });
};

/** ELEMENT(array); ELEMENT(NULL) is NULL, as in Feldera (its ArrayTests). */
const elementFn: FunctionBinder = (site) => {
  if (site.args.length === 1 && site.args[0]!.type.type === 'NULL') return lit(null, site.args[0]!.type);
  return unary('element', elementOf)(site);
};

/** ARRAY_CONCAT(a, b, ...): NULL if any argument is. */
const arrayConcat: FunctionBinder = (site) => {
  if (site.args.length === 0) arity(site, 1, Number.POSITIVE_INFINITY);
  const all = site.args.map((_, i) => i);
  const args = unifyElements(site, all, [], [['ARRAY', 'ARRAY']]);
  return args.reduce((acc, a) =>
    call('array_concat', [acc, a], { ...acc.type, nullable: acc.type.nullable || a.type.nullable }),
  );
};

/** ARRAY_TO_STRING(array, separator [, null_text]). */
const arrayToString: FunctionBinder = (site) => {
  arity(site, 2, 3);
  const [a, ...texts] = site.args;
  const text = (e: Expr) => isStringType(e.type) || e.type.type === 'NULL';
  // Elements are written as CAST(e AS VARCHAR), which Feldera has for scalar elements only.
  if (!isArray(a!) || isCompoundType(a!.type.component!) || !texts.every(text))
    illegal(site, [
      ['ARRAY', 'STRING'],
      ['ARRAY', 'STRING', 'STRING'],
    ]);
  refuseTimestampTzCast(site.argSpan(0), a!.type.component!, VARCHAR);
  const args = [
    a!,
    ...texts.map((t, i) => coerce(t, { ...VARCHAR, nullable: t.type.nullable }, site.argSpan(i + 1))),
  ];
  return call('array_to_string', args, { ...VARCHAR, nullable: a!.type.nullable || args[1]!.type.nullable });
};

/** ARRAY_REPEAT(element, count): NULL only when count is. */
const arrayRepeat: FunctionBinder = (site) => {
  arity(site, 2);
  const [v, n] = site.args;
  if (!isIntegerType(n!.type) && n!.type.type !== 'NULL') illegal(site, [['ANY', 'INTEGER']]);
  const count = coerce(n!, { ...INTEGER, nullable: n!.type.nullable }, site.argSpan(1));
  return call('array_repeat', [v!, count], arrayOf(v!.type, count.type.nullable));
};

/** ARRAY_INSERT(array, position, element): NULL when the array or the position is. */
const arrayInsert: FunctionBinder = (site) => {
  arity(site, 3);
  const pos = site.args[1]!;
  if (!isIntegerType(pos.type) && pos.type.type !== 'NULL') illegal(site, [['ARRAY', 'INTEGER', 'ANY']]);
  const [a, , v] = unifyElements(site, [0], [2], [['ARRAY', 'INTEGER', 'ANY']]);
  const p = coerce(pos, { ...INTEGER, nullable: pos.type.nullable }, site.argSpan(1));
  return call('array_insert', [a!, p, v!], { ...a!.type, nullable: a!.type.nullable || p.type.nullable });
};

/** SORT_ARRAY(array [, ascending]). */
const sortArray: FunctionBinder = (site) => {
  arity(site, 1, 2);
  const [a, asc] = site.args;
  if (!isArray(a!) || (asc && asc.type.type !== 'BOOLEAN' && asc.type.type !== 'NULL'))
    illegal(site, [['ARRAY'], ['ARRAY', 'BOOLEAN']]);
  const order = asc ? coerce(asc, { ...BOOLEAN, nullable: asc.type.nullable }) : lit(true, BOOLEAN);
  return call('sort_array', [a!, order], { ...a!.type, nullable: a!.type.nullable || order.type.nullable });
};

/**
 * SEQUENCE(start, end): the INTEGERs from start to end, empty when end < start. Its parameters
 * are Calcite's INTEGER family, so a character argument is converted implicitly (Calcite's
 * TypeCoercionImpl.implicitCast: a string meeting a numeric family becomes the family's default
 * type, INTEGER), and a string that is not an integer fails the step as that CAST does; other
 * numeric types are not converted ("we do not cast from NUMERIC to NUMERIC") and are illegal.
 */
const sequence: FunctionBinder = (site) => {
  arity(site, 2);
  if (!site.args.every((a) => isIntegerType(a.type) || isStringType(a.type) || a.type.type === 'NULL'))
    illegal(site, [['INTEGER', 'INTEGER']]);
  const args = site.args.map((a, i) => coerce(a, { ...INTEGER, nullable: a.type.nullable }, site.argSpan(i)));
  return call('sequence', args, arrayOf(INTEGER, anyNullable(args)));
};

/**
 * The `ARRAY(a, b, ...)` constructor function (Calcite's Spark-library ARRAY): like ARRAY[...],
 * except that numbers mixed with strings (and nothing else but NULL) make an array of strings,
 * each number converted as CAST(x AS VARCHAR).
 */
const arrayConstructor: FunctionBinder = (site) => {
  const types = site.args.map((a) => a.type).filter((t) => t.type !== 'NULL');
  const mixed =
    types.some(isNumericType) &&
    types.some(isStringType) &&
    types.every((t) => isNumericType(t) || isStringType(t));
  const args = mixed
    ? site.args.map((a, i) =>
        isNumericType(a.type) ? coerce(a, { ...VARCHAR, nullable: a.type.nullable }, site.argSpan(i)) : a,
      )
    : site.args;
  if (site.args.length > 0 && leastRestrictive(args.map((a) => a.type)) === null)
    fail(site.span, 'Parameters must be of the same type');
  return bindArray(args, site.span);
};

/** TRANSFORM and ARRAY_EXISTS take a lambda, so they are bound by bindHigherOrder, not here. */
const needsLambda: FunctionBinder = (site) =>
  fail(site.span, `${site.name} needs an ARRAY and a lambda expression, such as ${site.name}(a, x -> x > 0)`);

/** SAFE_OFFSET only exists inside a subscript, `a[SAFE_OFFSET(i)]` (see bindOffsetSubscript). */
const safeOffset: FunctionBinder = (site) =>
  fail(site.span, 'SAFE_OFFSET is only allowed as an array subscript: array[SAFE_OFFSET(index)]');

export const ARRAY_FUNCTIONS: FunctionFamily = {
  ARRAY: arrayConstructor,
  CARDINALITY: cardinality,
  ARRAY_LENGTH: cardinality,
  ARRAY_SIZE: cardinality,
  ELEMENT: elementFn,
  ARRAY_APPEND: arrayAndElement('array_append', sameArray, false),
  ARRAY_PREPEND: arrayAndElement('array_prepend', sameArray, false),
  ARRAY_CONCAT: arrayConcat,
  ARRAY_CONTAINS: arrayAndElement('array_contains', () => BOOLEAN),
  ARRAY_POSITION: arrayAndElement('array_position', () => BIGINT),
  ARRAY_REMOVE: arrayAndElement('array_remove', sameArray),
  ARRAY_DISTINCT: unary('array_distinct', (a) => a.type),
  ARRAY_REVERSE: unary('array_reverse', (a) => a.type),
  ARRAY_COMPACT: unary('array_compact', (a) => a.type),
  ARRAY_MAX: unary('array_max', elementOf),
  ARRAY_MIN: unary('array_min', elementOf),
  ARRAY_EXCEPT: twoArrays('array_except', sameArray),
  ARRAY_INTERSECT: twoArrays('array_intersect', sameArray),
  ARRAY_UNION: twoArrays('array_union', sameArray),
  // NULL when no element is common and some element is NULL, so nullable with nullable elements.
  ARRAYS_OVERLAP: twoArrays('arrays_overlap', (args) => ({
    ...BOOLEAN,
    nullable: args.some((a) => a.type.component!.nullable),
  })),
  ARRAY_TO_STRING: arrayToString,
  ARRAY_JOIN: arrayToString,
  ARRAY_REPEAT: arrayRepeat,
  ARRAY_INSERT: arrayInsert,
  SORT_ARRAY: sortArray,
  SEQUENCE: sequence,
  SAFE_OFFSET: safeOffset,
  TRANSFORM: needsLambda,
  ARRAY_EXISTS: needsLambda,
};

/**
 * `array[SAFE_OFFSET(i)]`: the element at 0-based position i, NULL when out of range (Feldera's
 * reference). BigQuery's OFFSET, ORDINAL and SAFE_ORDINAL forms are refused.
 */
export function bindOffsetSubscript(operand: Expr, form: string, index: Expr, site: CallSite): Expr {
  if (form !== 'SAFE_OFFSET')
    fail(site.span, `Array subscripts with ${form} are not supported`, 'Not yet implemented');
  if (!isArray(operand) || (!isIntegerType(index.type) && index.type.type !== 'NULL'))
    fail(
      site.span,
      `SAFE_OFFSET needs an ARRAY and an integer index, got ${typeToSql(operand.type)} and ${typeToSql(index.type)}`,
    );
  const i = coerce(index, { ...INTEGER, nullable: index.type.nullable }, site.argSpan(0));
  return call('safe_offset', [operand, i], elementOf(operand));
}

/** The functions whose arguments include a lambda; bind-expr hands their calls to bindHigherOrder. */
export const HIGHER_ORDER_FUNCTIONS: ReadonlySet<string> = new Set(['TRANSFORM', 'ARRAY_EXISTS']);

/** Lambda variables in scope, by name, and how many lambdas enclose the current expression. */
export interface LambdaScope {
  vars: ReadonlyMap<string, Expr>;
  depth: number;
}

/**
 * `TRANSFORM(array, x -> expr)` (a new array of expr for each element; NULL for a NULL array) and
 * `ARRAY_EXISTS(array, x -> predicate)` (TRUE when the predicate is TRUE for some element, else
 * NULL when it is NULL for some, else FALSE; FALSE for an empty array). The lambda's variable is
 * `lambda_var(depth)`, a read of the element its enclosing call is at (engine/expr/lambda.ts);
 * `bind` binds an expression with extra lambda variables in scope.
 */
export function bindHigherOrder(
  e: Extract<ast.Expr, { kind: 'call' }>,
  scope: LambdaScope | undefined,
  bind: (x: ast.Expr, scope?: LambdaScope) => Expr,
): Expr {
  const site: CallSite = { name: e.name, args: [], span: e.span, argSpan: (i) => e.args[i]?.span ?? e.span };
  if (e.args.length !== 2)
    arity({ ...site, args: e.args.map(() => lit(null, { type: 'NULL', nullable: true })) }, 2);
  const array = bind(e.args[0]!);
  const fn = e.args[1]!;
  if (!isArray(array) || fn.kind !== 'lambda' || fn.params.length !== 1) {
    const given = fn.kind === 'lambda' ? `FUNCTION(${fn.params.length})` : 'NOT A FUNCTION';
    return fail(
      e.span,
      `Cannot apply '${e.name}' to arguments of type '${e.name}(<${typeToSql({ ...array.type, nullable: true })}>, <${given}>)'. Supported form(s): '${e.name}(<ARRAY>, <FUNCTION(1)>)'`,
    );
  }
  const depth = scope?.depth ?? 0;
  const element = call('lambda_var', [lit(depth, INTEGER)], elementOf(array));
  const vars = new Map(scope?.vars ?? []);
  vars.set(fn.params[0]!.name, element);
  const body = bind(fn.body, { vars, depth: depth + 1 });
  const args = [array, body, lit(depth, INTEGER)];
  if (e.name === 'TRANSFORM') return call('transform', args, arrayOf(body.type, array.type.nullable));
  if (body.type.type !== 'BOOLEAN' && body.type.type !== 'NULL')
    fail(fn.body.span, `The lambda of ARRAY_EXISTS must be a BOOLEAN predicate, got ${typeToSql(body.type)}`);
  return call('array_exists', args, { ...BOOLEAN, nullable: array.type.nullable || body.type.nullable });
}
