/**
 * DOUBLE-valued math functions (Feldera's reference, "Floating point operations"), on JS
 * numbers, which are IEEE doubles like Feldera's `f64`.
 *
 * Where Rust's standard library defines a function by a formula (asinh, acosh, to_degrees,
 * to_radians, log with a base), the same formula is used, so results agree bit for bit with
 * Feldera's; the reciprocal functions (COT, SEC, CSC, COTH, SECH, CSCH) are 1 / the function,
 * as Feldera computes them. The elementary functions themselves (sin, exp, ...) come from V8,
 * which can differ from the C library Feldera links in the last binary digit for very large
 * arguments.
 *
 * Errors as Feldera: LN, LOG10 and LOG of a negative number (or LOG to a negative base) fail
 * the step; SQRT of a negative number is NaN; out-of-domain ASIN/ACOS/ACOSH/ATANH are NaN.
 */
import { SqlRuntimeError } from '../errors.js';
import type { Value } from '../values/value.js';
import { type Kernel, type KernelFamily, strict } from './kernel.js';

/** A strict kernel of one DOUBLE. */
function unary(f: (x: number) => number): Kernel {
  return strict(([x]) => f(x as number));
}

function negativeLogarithm(fn: string, x: number): never {
  throw new SqlRuntimeError(`Unable to calculate ${fn}(${x}): the argument is negative`);
}

/** A logarithm that fails on negative arguments, as Feldera's do (0 gives -Infinity). */
function logarithm(fn: string, f: (x: number) => number): Kernel {
  return unary((x) => (x < 0 ? negativeLogarithm(fn, x) : f(x)));
}

/** Rust's `f64::asinh`. */
function asinh(x: number): number {
  const ax = Math.abs(x);
  const ix = 1 / ax;
  const r = Math.log1p(ax + ax / (Math.hypot(1, ix) + ix));
  return x < 0 || Object.is(x, -0) ? -r : r;
}

/** Rust's `f64::acosh`. */
function acosh(x: number): number {
  return x < 1 ? Number.NaN : Math.log(x + Math.sqrt(x - 1) * Math.sqrt(x + 1));
}

/** Rust's `f64::atanh`. */
function atanh(x: number): number {
  return 0.5 * Math.log1p((2 * x) / (1 - x));
}

const TO_DEGREES = 180 / Math.PI;
const TO_RADIANS = Math.PI / 180;

export const FLOAT_KERNELS: KernelFamily = {
  sqrt: unary(Math.sqrt),
  cbrt: unary(Math.cbrt),
  exp: unary(Math.exp),
  ln: logarithm('LN', Math.log),
  log10: logarithm('LOG10', Math.log10),
  log: strict(([x, base]: Value[]) => {
    const v = x as number;
    if (v < 0) negativeLogarithm('LOG', v);
    if (base === undefined) return Math.log(v);
    const b = base as number;
    if (b < 0) negativeLogarithm('LOG', b);
    return Math.log(v) / Math.log(b);
  }),
  power: strict(([x, y]) => (x as number) ** (y as number)),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  cot: unary((x) => 1 / Math.tan(x)),
  sec: unary((x) => 1 / Math.cos(x)),
  csc: unary((x) => 1 / Math.sin(x)),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
  atan2: strict(([y, x]) => Math.atan2(y as number, x as number)),
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  tanh: unary(Math.tanh),
  coth: unary((x) => 1 / Math.tanh(x)),
  sech: unary((x) => 1 / Math.cosh(x)),
  csch: unary((x) => 1 / Math.sinh(x)),
  asinh: unary(asinh),
  acosh: unary(acosh),
  atanh: unary(atanh),
  degrees: unary((x) => x * TO_DEGREES),
  radians: unary((x) => x * TO_RADIANS),
  is_inf: strict(([x]) => x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY),
  is_nan: strict(([x]) => Number.isNaN(x)),
  finite_or_null: strict(([x]) => (Number.isFinite(x) ? (x as number) : null)),
};
