/**
 * Numeric functions that keep their argument's type (Feldera's reference, "Integer", "Decimal"
 * and "Floating point"): ABS, ROUND, BROUND, TRUNCATE/TRUNC, FLOOR/CEIL, SIGN, MOD, DIV_NULL.
 * Kernels in engine/functions/numeric.ts; the DOUBLE-valued math functions are in float.ts.
 *
 * A string argument is converted to DOUBLE, as Feldera's implicit casts do (`ABS('-0.14')` is
 * 0.14); a BOOLEAN, date, binary or compound argument is a compile-time error.
 */
import { type ColumnType, isIntegerType, isIntervalType, isStringType } from '../../engine/values/types.js';
import { bindArithmetic, call, coerce, lit } from '../coercion.js';
import type { Expr } from '../plan.js';
import {
  accepts,
  arity,
  type CallSite,
  convert,
  type FunctionBinder,
  type FunctionFamily,
  illegalArguments,
  type Param,
} from './signature.js';

const DOUBLE: ColumnType = { type: 'DOUBLE', nullable: false };

/**
 * Argument `i` as a number: numbers as they are, strings as DOUBLE, NULL as a NULL INTEGER; any
 * other type fails with the error listing `forms`.
 */
export function numericArg(site: CallSite, i: number, forms: Param[][]): Expr {
  const a = site.args[i]!;
  if (isStringType(a.type)) return coerce(a, { ...DOUBLE, nullable: a.type.nullable }, site.argSpan(i));
  if (!accepts('numeric', a.type)) illegalArguments(site, forms);
  return convert('numeric', a, site.argSpan(i));
}

/** Argument `i` as a DOUBLE (numbers and strings convert; anything else fails with `forms`). */
export function doubleArg(site: CallSite, i: number, forms: Param[][]): Expr {
  const a = numericArg(site, i, forms);
  return coerce(a, { ...DOUBLE, nullable: a.type.nullable }, site.argSpan(i));
}

/** The optional integer `digits` argument at position 1 (0 when absent). */
function digitsArg(site: CallSite, forms: Param[][]): Expr {
  const d = site.args[1];
  if (!d) return lit(0, { type: 'INTEGER', nullable: false });
  if (!accepts('integer', d.type)) illegalArguments(site, forms);
  return convert('integer', d, site.argSpan(1));
}

/** ABS keeps its argument's type; it also takes intervals. */
const abs: FunctionBinder = (site) => {
  arity(site, 1);
  const x = site.args[0]!;
  if (isIntervalType(x.type)) return call('abs', [x], x.type);
  const n = numericArg(site, 0, [['numeric']]);
  return call('abs', [n], n.type);
};

/**
 * ROUND / TRUNCATE / BROUND (value [, digits]): the value's type, rounded or cut at `digits`.
 * ROUND of a DECIMAL(p, s) without digits is DECIMAL(p, 0), rounded half to even: Feldera's
 * runtime has its own kernel for that form (`round_SqlDecimal`, `convert_round_even` to scale
 * 0), and its tests show ROUND(-1111.52) as -1112 where TRUNCATE gives -1111.00.
 */
function digitsFunction(fn: 'round' | 'truncate' | 'bround', optional: boolean): FunctionBinder {
  const forms: Param[][] = optional ? [['numeric'], ['numeric', 'integer']] : [['numeric', 'integer']];
  return (site) => {
    arity(site, optional ? 1 : 2, 2);
    const x0 = site.args[0]!;
    // BROUND is DECIMAL rounding: Feldera takes exact numbers only.
    if (fn === 'bround' && !isIntegerType(x0.type) && x0.type.type !== 'DECIMAL' && x0.type.type !== 'NULL')
      illegalArguments(site, forms);
    if (fn === 'round' && site.args.length === 1 && x0.type.type === 'DECIMAL')
      return call('round_whole', [x0], { ...x0.type, scale: 0 });
    const x = numericArg(site, 0, forms);
    const digits = digitsArg(site, forms);
    return call(fn, [x, digits], { ...x.type, nullable: x.type.nullable || digits.type.nullable });
  };
}

/** FLOOR / CEIL: integers and floats keep their type, DECIMAL(p, s) becomes DECIMAL(p, 0). */
function floorCeil(fn: 'floor' | 'ceil'): FunctionBinder {
  return (site) => {
    arity(site, 1);
    const x = numericArg(site, 0, [['numeric']]);
    const t: ColumnType =
      x.type.type === 'DECIMAL'
        ? { type: 'DECIMAL', nullable: x.type.nullable, precision: x.type.precision ?? 38, scale: 0 }
        : x.type;
    return call(fn, [x], t);
  };
}

/** SIGN: -1, 0 or 1 in the argument's type (a DECIMAL gains a whole digit if it has none). */
const sign: FunctionBinder = (site) => {
  arity(site, 1);
  const x = numericArg(site, 0, [['numeric']]);
  const t = x.type;
  if (t.type !== 'DECIMAL') return call('sign', [x], t);
  const scale = t.scale ?? 0;
  return call('sign', [x], { ...t, precision: Math.max(t.precision ?? 38, scale + 1) });
};

/** MOD(a, b) is `a % b`. */
const mod: FunctionBinder = (site) => {
  arity(site, 2);
  const forms: Param[][] = [['numeric', 'numeric']];
  return bindArithmetic('%', numericArg(site, 0, forms), numericArg(site, 1, forms), site.span);
};

/**
 * DIV_NULL(a, b): `a / b`, but NULL where the division has no value: a zero divisor for exact
 * numbers, an infinite or NaN quotient for floating point (Feldera's reference).
 */
const divNull: FunctionBinder = (site) => {
  arity(site, 2);
  const forms: Param[][] = [['numeric', 'numeric']];
  const division = bindArithmetic('/', numericArg(site, 0, forms), numericArg(site, 1, forms), site.span);
  if (division.kind !== 'call') return division;
  return call('div_null', division.args, { ...division.type, nullable: true });
};

export const NUMERIC_FUNCTIONS: FunctionFamily = {
  ABS: abs,
  ROUND: digitsFunction('round', true),
  TRUNCATE: digitsFunction('truncate', true),
  TRUNC: digitsFunction('truncate', true),
  BROUND: digitsFunction('bround', false),
  FLOOR: floorCeil('floor'),
  CEIL: floorCeil('ceil'),
  CEILING: floorCeil('ceil'),
  SIGN: sign,
  MOD: mod,
  DIV_NULL: divNull,
};
