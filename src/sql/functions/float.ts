/**
 * DOUBLE-valued math functions (Feldera's reference, "Floating point operations"): roots,
 * powers, logarithms, the trigonometric and hyperbolic functions, DEGREES/RADIANS, and the
 * IS_INF / IS_NAN / FINITE_OR_NULL tests. Feldera converts every argument to DOUBLE ("only
 * supports arguments of type double, so all other types are cast to double"), strings
 * included; BOOLEAN, date, binary and compound arguments are compile-time errors. Kernels in
 * engine/functions/float.ts. PI is a bare name, bound with the column references.
 */
import type { ColumnType } from '../../engine/values/types.js';
import { call } from '../coercion.js';
import { doubleArg, numericArg } from './numeric.js';
import { arity, type FunctionBinder, type FunctionFamily, type Param } from './signature.js';

const DOUBLE: ColumnType = { type: 'DOUBLE', nullable: false };
const BOOLEAN: ColumnType = { type: 'BOOLEAN', nullable: false };

/** A function of DOUBLE arguments (the last `optional` may be omitted) returning DOUBLE. */
function doubles(fn: string, count: number, optional = 0): FunctionBinder {
  const all: Param[] = Array.from({ length: count }, () => 'numeric');
  const forms = Array.from({ length: optional + 1 }, (_, i) => all.slice(0, count - optional + i));
  return (site) => {
    arity(site, count - optional, count);
    const args = site.args.map((_, i) => doubleArg(site, i, forms));
    return call(fn, args, { ...DOUBLE, nullable: args.some((a) => a.type.nullable) });
  };
}

/** IS_INF / IS_NAN: a BOOLEAN test of a floating-point value. */
function floatTest(fn: string): FunctionBinder {
  return (site) => {
    arity(site, 1);
    const x = doubleArg(site, 0, [['double']]);
    return call(fn, [x], { ...BOOLEAN, nullable: x.type.nullable });
  };
}

/** FINITE_OR_NULL keeps a REAL or DOUBLE argument's type; other numbers become DOUBLE. */
const finiteOrNull: FunctionBinder = (site) => {
  arity(site, 1);
  const n = numericArg(site, 0, [['double']]);
  const x = n.type.type === 'REAL' ? n : doubleArg(site, 0, [['double']]);
  return call('finite_or_null', [x], { ...x.type, nullable: true });
};

const UNARY = `SQRT CBRT EXP LN LOG10 SIN COS TAN COT SEC CSC ASIN ACOS ATAN SINH COSH TANH COTH SECH CSCH
  ASINH ACOSH ATANH DEGREES RADIANS`.split(/\s+/);

const power = doubles('power', 2);

export const FLOAT_FUNCTIONS: FunctionFamily = {
  ...Object.fromEntries(UNARY.map((name) => [name, doubles(name.toLowerCase(), 1)])),
  POWER: power,
  POW: power,
  ATAN2: doubles('atan2', 2),
  LOG: doubles('log', 2, 1),
  IS_INF: floatTest('is_inf'),
  IS_NAN: floatTest('is_nan'),
  FINITE_OR_NULL: finiteOrNull,
};
