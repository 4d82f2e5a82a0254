/**
 * Numeric functions (Feldera's reference, "Integer", "Decimal" and "Floating point"
 * operations): ABS, ROUND, FLOOR, CEIL, POWER, SQRT. Integer results that leave their type's
 * range fail the step, as arithmetic does.
 */
import { makeNegate, overflow } from '../expr/arithmetic.js';
import { Decimal } from '../values/decimal.js';
import {
  bigIntRange,
  type ColumnType,
  isBigIntType,
  isShortIntervalType,
  SMALL_INT_RANGES,
  type SmallIntName,
} from '../values/types.js';
import type { Value } from '../values/value.js';
import { type KernelFamily, strict } from './kernel.js';

/** ABS, with the same overflow rule as negation. */
function makeAbs(t: ColumnType): (a: Value) => Value {
  const neg = makeNegate(t);
  if (t.type === 'DECIMAL') return (a) => (a as Decimal).abs();
  if (isBigIntType(t) || isShortIntervalType(t)) return (a) => ((a as bigint) < 0n ? neg(a) : a);
  return (a) => ((a as number) < 0 ? neg(a) : a);
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** ROUND(x, digits) keeping x's type; integers round to tens/hundreds for negative digits. */
function makeRound(t: ColumnType): (x: Value, digits: Value) => Value {
  switch (t.type) {
    case 'DECIMAL':
      return (x, d) => (x as Decimal).round(d as number);
    case 'REAL':
    case 'DOUBLE':
      return (x, d) => {
        const f = 10 ** (d as number);
        const r = roundHalfAway((x as number) * f) / f;
        return t.type === 'REAL' ? Math.fround(r) : r;
      };
    case 'BIGINT':
    case 'UBIGINT': {
      const [min, max] = bigIntRange(t);
      return (x, d) => {
        if ((d as number) >= 0) return x;
        const r = Decimal.fromBigInt(x as bigint).round(d as number).unscaled;
        return r >= min && r <= max ? r : overflow(t, x, 'ROUND', d);
      };
    }
    default: {
      const [min, max] = SMALL_INT_RANGES[t.type as SmallIntName];
      return (x, d) => {
        if ((d as number) >= 0) return x;
        const f = 10 ** -(d as number);
        const r = roundHalfAway((x as number) / f) * f;
        return r >= min && r <= max ? r : overflow(t, x, 'ROUND', d);
      };
    }
  }
}

/** FLOOR / CEIL: integers unchanged, DECIMAL to scale 0, floats as in Math. */
function makeFloorCeil(t: ColumnType, ceil: boolean): (x: Value) => Value {
  if (t.type === 'DECIMAL') return ceil ? (x) => (x as Decimal).ceil() : (x) => (x as Decimal).floor();
  if (t.type === 'REAL' || t.type === 'DOUBLE')
    return ceil ? (x) => Math.ceil(x as number) : (x) => Math.floor(x as number);
  return (x) => x;
}

export const NUMERIC_KERNELS: KernelFamily = {
  abs: {
    nulls: 'strict',
    make: ([t]) => {
      const abs = makeAbs(t!);
      return ([x]) => abs(x as Value);
    },
  },
  round: {
    nulls: 'strict',
    make: ([t]) => {
      const round = makeRound(t!);
      return ([x, d]) => round(x as Value, d as Value);
    },
  },
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
  power: strict(([x, y]) => (x as number) ** (y as number)),
  sqrt: strict(([x]) => Math.sqrt(x as number)),
};
