/**
 * Numeric functions that keep their argument's type (Feldera's reference, "Integer", "Decimal"
 * and "Floating point" operations): ABS, ROUND, BROUND, TRUNCATE, FLOOR, CEIL, SIGN, DIV_NULL.
 * Integer results that leave their type's range fail the step, as arithmetic does.
 *
 * Rounding: ROUND is half away from zero for every type. For REAL and DOUBLE that is Feldera's
 * runtime (`round_d_i32`: Rust's `f64::round` of the value times 10^digits, divided back, -0
 * made 0), although its reference speaks of "Bankers Rounding"; REAL works in float32 steps as
 * `f32` does. BROUND is half to even on exact numbers; TRUNCATE cuts toward zero. A negative
 * `digits` works left of the point (ROUND(1250, -2) is 1300). ROUND of a DECIMAL without
 * digits (`round_whole`) is half to even, to scale 0, as Feldera's `round_SqlDecimal`.
 */
import { makeArithmetic, makeNegate, overflow } from '../expr/arithmetic.js';
import { Decimal } from '../values/decimal.js';
import {
  bigIntRange,
  type ColumnType,
  isBigIntType,
  isFloatType,
  isShortIntervalType,
  SMALL_INT_RANGES,
  type SmallIntName,
} from '../values/types.js';
import type { Value } from '../values/value.js';
import type { KernelFamily } from './kernel.js';

/** ABS, with the same overflow rule as negation. */
function makeAbs(t: ColumnType): (a: Value) => Value {
  const neg = makeNegate(t);
  if (t.type === 'DECIMAL') return (a) => (a as Decimal).abs();
  if (isBigIntType(t) || isShortIntervalType(t)) return (a) => ((a as bigint) < 0n ? neg(a) : a);
  return (a) => ((a as number) < 0 ? neg(a) : a);
}

type Mode = 'round' | 'bround' | 'truncate';

/** Rounds half away from zero, as Rust's `f64::round` (Math.round rounds half up). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** The Decimal operation of a mode, at `digits` places. */
function decimalStep(mode: Mode): (d: Decimal, digits: number) => Decimal {
  switch (mode) {
    case 'round':
      return (d, digits) => d.round(digits);
    case 'bround':
      return (d, digits) => d.roundHalfEven(digits);
    case 'truncate':
      return (d, digits) => d.truncate(digits);
  }
}

/** ROUND / BROUND / TRUNCATE (x, digits) keeping x's type. */
function makeDigits(mode: Mode, t: ColumnType): (x: Value, digits: Value) => Value {
  const step = decimalStep(mode);
  if (t.type === 'DECIMAL') return (x, d) => step(x as Decimal, d as number);
  if (isFloatType(t)) {
    const whole = mode === 'truncate' ? Math.trunc : roundHalfAway;
    const fit = t.type === 'REAL' ? Math.fround : (v: number) => v;
    return (x, d) => {
      const tens = fit(10 ** (d as number));
      const r = fit(whole(fit((x as number) * tens)) / tens);
      return r === 0 ? 0 : r;
    };
  }
  const label = mode.toUpperCase();
  if (isBigIntType(t)) {
    const [min, max] = bigIntRange(t);
    return (x, d) => {
      if ((d as number) >= 0) return x;
      const r = step(Decimal.fromBigInt(x as bigint), d as number).unscaled;
      return r >= min && r <= max ? r : overflow(t, x, label, d);
    };
  }
  const [min, max] = SMALL_INT_RANGES[t.type as SmallIntName];
  return (x, d) => {
    if ((d as number) >= 0) return x;
    const r = Number(step(Decimal.fromBigInt(BigInt(x as number)), d as number).unscaled);
    return r >= min && r <= max ? r : overflow(t, x, label, d);
  };
}

/** FLOOR / CEIL: integers unchanged, DECIMAL to scale 0, floats as in Math. */
function makeFloorCeil(t: ColumnType, ceil: boolean): (x: Value) => Value {
  if (t.type === 'DECIMAL') return ceil ? (x) => (x as Decimal).ceil() : (x) => (x as Decimal).floor();
  if (isFloatType(t)) return ceil ? (x) => Math.ceil(x as number) : (x) => Math.floor(x as number);
  return (x) => x;
}

/** SIGN in the argument's type (a DECIMAL result at the argument's scale). */
function makeSign(t: ColumnType): (x: Value) => Value {
  if (t.type === 'DECIMAL') {
    const scale = t.scale ?? 0;
    return (x) => Decimal.fromBigInt(BigInt((x as Decimal).signum())).rescale(scale);
  }
  if (isBigIntType(t)) return (x) => ((x as bigint) > 0n ? 1n : (x as bigint) < 0n ? -1n : 0n);
  return (x) => Math.sign(x as number) + 0;
}

/** DIV_NULL: the division, or NULL for a zero exact divisor or a non-finite float quotient. */
function makeDivNull(left: ColumnType, right: ColumnType, result: ColumnType): (a: Value, b: Value) => Value {
  const div = makeArithmetic('div', left, right, result);
  if (isFloatType(result))
    return (a, b) => {
      const q = div(a, b) as number;
      return Number.isFinite(q) ? q : null;
    };
  const zero = (b: Value) => b === 0 || b === 0n || (b instanceof Decimal && b.signum() === 0);
  return (a, b) => (zero(b) ? null : div(a, b));
}

function digits(mode: Mode) {
  return {
    nulls: 'strict' as const,
    make: ([t]: readonly ColumnType[]) => {
      const f = makeDigits(mode, t!);
      return ([x, d]: Value[]) => f(x as Value, d as Value);
    },
  };
}

export const NUMERIC_KERNELS: KernelFamily = {
  abs: {
    nulls: 'strict',
    make: ([t]) => {
      const abs = makeAbs(t!);
      return ([x]) => abs(x as Value);
    },
  },
  round: digits('round'),
  round_whole: {
    nulls: 'strict',
    make: () => (args) => (args[0] as Decimal).roundHalfEven(0).rescale(0),
  },
  bround: digits('bround'),
  truncate: digits('truncate'),
  floor: {
    nulls: 'strict',
    make: ([t]) => {
      const floor = makeFloorCeil(t!, false);
      return ([x]) => floor(x as Value);
    },
  },
  ceil: {
    nulls: 'strict',
    make: ([t]) => {
      const ceil = makeFloorCeil(t!, true);
      return ([x]) => ceil(x as Value);
    },
  },
  sign: {
    nulls: 'strict',
    make: ([t]) => {
      const sign = makeSign(t!);
      return ([x]) => sign(x as Value);
    },
  },
  div_null: {
    nulls: 'strict',
    make: ([l, r], result) => {
      const f = makeDivNull(l!, r!, result);
      return ([a, b]) => f(a as Value, b as Value);
    },
  },
};
