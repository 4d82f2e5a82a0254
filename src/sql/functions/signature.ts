/**
 * The binding side of the scalar function library: what a function family declares for each
 * SQL function name (argument checks, implicit conversions, the result type and the kernel id
 * the engine runs), and the helpers that make the common shapes one line.
 *
 * Illegal argument types are compile-time errors located at the call, worded as Feldera's
 * (Calcite's): `Cannot apply 'UPPER' to arguments of type 'UPPER(<INTEGER>)'. Supported
 * form(s): 'UPPER(<STRING>)'`.
 */
import {
  type ColumnType,
  isBinaryType,
  isDateTimeType,
  isIntegerType,
  isNumericType,
  isStringType,
  typeToSql,
} from '../../engine/values/types.js';
import { call, coerce, fail } from '../coercion.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';

/** One call of a function, its arguments already bound. */
export interface CallSite {
  /** The name as called, upper-cased. */
  readonly name: string;
  readonly args: Expr[];
  readonly span: Span;
  /** Where argument `i` is in the source (the call's span when it has no text of its own). */
  argSpan(i: number): Span;
  /** The time unit keyword of calls such as `TIMESTAMPADD(DAY, ...)`, upper-cased (not in `args`). */
  readonly unit?: { name: string; span: Span };
}

/** Checks a call and returns its bound expression (usually a `call` of a kernel id). */
export type FunctionBinder = (site: CallSite) => Expr;

/** A family's functions by upper-case SQL name. */
export type FunctionFamily = Readonly<Record<string, FunctionBinder>>;

/** Kinds of parameters the helpers check and convert. */
export type Param = 'string' | 'integer' | 'numeric' | 'double' | 'boolean' | 'binary' | 'datetime' | 'any';

const LABEL: Record<Param, string> = {
  string: 'STRING',
  integer: 'INTEGER',
  numeric: 'NUMERIC',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BINARY',
  datetime: 'DATETIME',
  any: 'ANY',
};

const INTEGER: ColumnType = { type: 'INTEGER', nullable: false };
const DOUBLE: ColumnType = { type: 'DOUBLE', nullable: false };
const VARCHAR: ColumnType = { type: 'VARCHAR', nullable: false, precision: -1 };

/** The type name Calcite prints in signatures: `VARCHAR`, `DECIMAL(10, 2)`, `INTEGER ARRAY`. */
function label(t: ColumnType): string {
  return typeToSql({ ...t, nullable: true });
}

/** The located error for arguments a function does not accept; `forms` lists what it does. */
export function illegalArguments(site: CallSite, forms: Param[][]): never {
  const given = `${site.name}(${site.args.map((a) => `<${label(a.type)}>`).join(', ')})`;
  const supported = forms
    .map((f) => `'${site.name}(${f.map((p) => `<${LABEL[p]}>`).join(', ')})'`)
    .join(', ');
  return fail(
    site.span,
    `Cannot apply '${site.name}' to arguments of type '${given}'. Supported form(s): ${supported}`,
  );
}

/** Checks the number of arguments. */
export function arity(site: CallSite, min: number, max = min): void {
  const n = site.args.length;
  if (n < min || n > max)
    fail(
      site.span,
      `Invalid number of arguments to function '${site.name}'. Was expecting ${min === max ? min : `${min} to ${max}`} arguments`,
    );
}

/** True when `t` can be passed for a parameter of kind `p` (NULL fits every kind). */
export function accepts(p: Param, t: ColumnType): boolean {
  if (t.type === 'NULL') return true;
  switch (p) {
    case 'string':
      return isStringType(t);
    case 'integer':
      return isIntegerType(t);
    case 'numeric':
    case 'double':
      return isNumericType(t);
    case 'boolean':
      return t.type === 'BOOLEAN';
    case 'binary':
      return isBinaryType(t);
    case 'datetime':
      return isDateTimeType(t);
    case 'any':
      return true;
  }
}

/** Converts an accepted argument to the representation its kernel expects. */
export function convert(p: Param, e: Expr, span: Span): Expr {
  const nullable = e.type.nullable;
  switch (p) {
    case 'string':
      return isStringType(e.type) ? e : coerce(e, { ...VARCHAR, nullable }, span);
    case 'integer':
      return e.type.type === 'INTEGER' ? e : coerce(e, { ...INTEGER, nullable }, span);
    case 'double':
      return coerce(e, { ...DOUBLE, nullable }, span);
    case 'numeric':
      return e.type.type === 'NULL' ? coerce(e, { ...INTEGER, nullable: true }, span) : e;
    case 'boolean':
      return coerce(e, { type: 'BOOLEAN', nullable }, span);
    default:
      return e;
  }
}

/**
 * A function with fixed parameters (the last `optional` of them may be omitted) calling kernel
 * `fn`; `result` gives its type from the converted arguments (nullable when any argument is,
 * the strict-function rule, unless `result` says otherwise).
 */
export function simple(
  fn: string,
  params: Param[],
  result: (args: Expr[]) => ColumnType,
  optional = 0,
): FunctionBinder {
  return (site) => {
    arity(site, params.length - optional, params.length);
    const forms = Array.from({ length: optional + 1 }, (_, i) =>
      params.slice(0, params.length - optional + i),
    );
    site.args.forEach((a, i) => {
      if (!accepts(params[i]!, a.type)) illegalArguments(site, forms);
    });
    const args = site.args.map((a, i) => convert(params[i]!, a, site.argSpan(i)));
    const nullable = args.some((a) => a.type.nullable);
    return call(fn, args, { ...result(args), nullable });
  };
}

/** Result-type helpers for `simple`. */
export const returns = {
  varchar: () => VARCHAR,
  integer: () => INTEGER,
  bigint: (): ColumnType => ({ type: 'BIGINT', nullable: false }),
  double: () => DOUBLE,
  boolean: (): ColumnType => ({ type: 'BOOLEAN', nullable: false }),
  /** The type of argument `i`. */
  arg:
    (i: number) =>
    (args: Expr[]): ColumnType =>
      args[i]!.type,
};
