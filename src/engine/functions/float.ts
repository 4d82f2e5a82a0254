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
 * Errors as Feldera's runtime (its sqllib `float.rs`): LN, LOG10 and LOG of a negative number
 * or -0 (or LOG to such a base) fail the step, LOG to base 0 is 0; ACOSH below 1 and ATANH
 * outside [-1, 1] fail the step; SQRT of a negative number and ASIN/ACOS outside [-1, 1] are
 * NaN.
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

/** Rust's `is_sign_negative` for a non-NaN number: true for -0 as well. */
function signNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** A logarithm that fails on negative arguments, as Feldera's do (0 gives -Infinity). */
function logarithm(fn: string, f: (x: number) => number): Kernel {
  return unary((x) => (signNegative(x) ? negativeLogarithm(fn, x) : f(x)));
}

function outOfRange(x: number, range: string): never {
  throw new SqlRuntimeError(`input (${x}) out of range ${range}`);
}

/** Rust's `f64::asinh`. */
function asinh(x: number): number {
  const ax = Math.abs(x);
  const ix = 1 / ax;
  const r = Math.log1p(ax + ax / (Math.hypot(1, ix) + ix));
  return x < 0 || Object.is(x, -0) ? -r : r;
}

/** Rust's `f64::acosh`; below 1 an error, as Feldera's `acosh_d`. */
function acosh(x: number): number {
  if (x < 1) outOfRange(x, '[1, Infinity]');
  return Math.log(x + Math.sqrt(x - 1) * Math.sqrt(x + 1));
}

/** Rust's `f64::atanh`; outside [-1, 1] an error, as Feldera's `atanh_d`. */
function atanh(x: number): number {
  if (x < -1 || x > 1) outOfRange(x, '[-1, 1]');
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
    if (signNegative(v)) negativeLogarithm('LOG', v);
    if (base === undefined) return Math.log(v);
    const b = base as number;
    if (signNegative(b)) negativeLogarithm('LOG', b);
    return b === 0 ? 0 : Math.log(v) / Math.log(b);
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
