/**
 * Conditional functions (Feldera's reference, "Comparison Operations" and "Other conditional
 * operators"): COALESCE, IFNULL, NULLIF, IF, GREATEST, LEAST and their _IGNORE_NULLS forms.
 *
 * Types as Calcite infers them for Feldera: COALESCE, IFNULL and IF take the least restrictive
 * type of their values, a string meeting a number, date or BOOLEAN making it VARCHAR (Calcite's
 * string promotion: `COALESCE(s, -1)` is a VARCHAR); GREATEST and LEAST take the least
 * restrictive type without that promotion (`GREATEST(s, FALSE)` is an error); NULLIF has the
 * type of its first argument. COALESCE and IF are core operators of the engine; GREATEST and
 * LEAST have kernels in engine/functions/conditional.ts.
 */
import { type ColumnType, typeToSql } from '../../engine/values/types.js';
import { BOOLEAN, call, coerce, fail, lit, promoteToVarchar, toBoolean, unify } from '../coercion.js';
import type { Expr } from '../plan.js';
import { leastRestrictive } from '../typing.js';
import { arity, type CallSite, type FunctionBinder, type FunctionFamily } from './signature.js';

function typeList(args: Expr[]): string {
  return args.map((a) => typeToSql(a.type)).join(', ');
}

/** The type holding every argument, or Feldera's error ("Parameters must be of the same type"). */
function resultType(site: CallSite, args: Expr[], promote: boolean): ColumnType {
  const types = args.map((a) => a.type);
  const t = leastRestrictive(types) ?? (promote ? promoteToVarchar(types) : null);
  if (t === null)
    return fail(
      site.span,
      `Parameters must be of the same type: ${site.name}(${typeList(args)}) has no common type`,
    );
  // All NULL: Calcite's type for a bare NULL where a value is wanted.
  return t.type === 'NULL' ? { type: 'BOOLEAN', nullable: true } : t;
}

/** `args` converted to `t` (keeping each one's nullability). */
function convertAll(args: Expr[], t: ColumnType, site: CallSite): Expr[] {
  return args.map((a, i) => coerce(a, { ...t, nullable: a.type.nullable }, site.argSpan(i)));
}

const coalesce: FunctionBinder = (site) => {
  if (site.args.length === 0) arity(site, 1, Number.POSITIVE_INFINITY);
  const t = resultType(site, site.args, true);
  const args = convertAll(site.args, t, site);
  return call('coalesce', args, { ...t, nullable: args.every((a) => a.type.nullable) });
};

/** IFNULL(a, b) is COALESCE(a, b). */
const ifnull: FunctionBinder = (site) => {
  arity(site, 2);
  return coalesce(site);
};

/** NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END, of a's type. */
const nullif: FunctionBinder = (site) => {
  arity(site, 2);
  const [a, b] = site.args as [Expr, Expr];
  if (leastRestrictive([a.type, b.type], true) === null)
    fail(
      site.span,
      `Cannot apply 'NULLIF' to arguments of type 'NULLIF(<${typeToSql({ ...a.type, nullable: true })}>, <${typeToSql({ ...b.type, nullable: true })}>)'`,
    );
  const [ca, cb] = unify([a, b], site.span, "'NULLIF'");
  const nullType = { ...a.type, nullable: true };
  return {
    kind: 'case',
    whens: [
      {
        when: call('eq', [ca!, cb!], { ...BOOLEAN, nullable: ca!.type.nullable || cb!.type.nullable }),
        result: lit(null, nullType),
      },
    ],
    else: a,
    type: nullType,
  };
};

/** IF(condition, a, b) is CASE WHEN condition THEN a ELSE b END. */
const ifFunction: FunctionBinder = (site) => {
  arity(site, 3);
  const condition = toBoolean(site.args[0]!, site.argSpan(0));
  const values = site.args.slice(1);
  const t = resultType({ ...site, argSpan: (i) => site.argSpan(i + 1) }, values, true);
  const [a, b] = values.map((v, i) => coerce(v, { ...t, nullable: v.type.nullable }, site.argSpan(i + 1)));
  return {
    kind: 'case',
    whens: [{ when: condition, result: a! }],
    else: b!,
    type: { ...t, nullable: a!.type.nullable || b!.type.nullable },
  };
};

/**
 * GREATEST / LEAST, and their _IGNORE_NULLS forms: NULL if any argument is NULL (the plain
 * forms), or only if all are (the _IGNORE_NULLS forms).
 */
function extremum(fn: string, ignoreNulls: boolean): FunctionBinder {
  return (site) => {
    if (site.args.length === 0) arity(site, 1, Number.POSITIVE_INFINITY);
    const types = site.args.map((a) => a.type);
    if (leastRestrictive(types) === null)
      fail(
        site.span,
        `Parameters must be of the same type: cannot infer the return type of ${site.name} for operand types [${typeList(site.args)}]`,
      );
    const t = resultType(site, site.args, false);
    const args = convertAll(site.args, t, site);
    const nullable = ignoreNulls ? args.every((a) => a.type.nullable) : args.some((a) => a.type.nullable);
    return call(fn, args, { ...t, nullable });
  };
}

export const CONDITIONAL_FUNCTIONS: FunctionFamily = {
  COALESCE: coalesce,
  IFNULL: ifnull,
  NULLIF: nullif,
  IF: ifFunction,
  GREATEST: extremum('greatest', false),
  LEAST: extremum('least', false),
  GREATEST_IGNORE_NULLS: extremum('greatest_ignore_nulls', true),
  LEAST_IGNORE_NULLS: extremum('least_ignore_nulls', true),
};
