/**
 * Arithmetic on dates, times, timestamps and intervals (values as in values/datetime.ts and
 * values/interval.ts), with the rules of Feldera's runtime (its sqllib `timestamp.rs` and
 * `interval.rs`):
 * - DATE ± short interval moves by the interval's whole days, truncated toward zero;
 * - DATE / TIMESTAMP ± long interval moves by calendar months, the day clamped to the end of
 *   the month (Jan 31 + 1 month = Feb 29 in a leap year);
 * - TIME ± short interval wraps around midnight; TIME ± long interval is the TIME itself;
 * - interval × number truncates toward zero to the microsecond (short) or month (long):
 *   exactly for integers and DECIMALs, through a double for REAL and DOUBLE; division by zero
 *   and results out of range are errors;
 * - a DATE or TIMESTAMP result outside the years Feldera can hold (values/datetime.ts
 *   `checkDays`) is an error.
 */
import { SqlRuntimeError } from '../errors.js';
import {
  addMicrosToTimestamp,
  addMonthsToDate,
  addMonthsToTimestamp,
  checkDays,
  checkTimestamp,
  NS_PER_DAY,
  NS_PER_MICRO,
  US_PER_DAY,
} from '../values/datetime.js';
import { Decimal } from '../values/decimal.js';
import {
  BIGINT_MAX,
  BIGINT_MIN,
  type ColumnType,
  isIntegerType,
  isIntervalType,
  isLongIntervalType,
} from '../values/types.js';
import type { Value } from '../values/value.js';

type Fn2 = (a: Value, b: Value) => Value;

const INT32_MAX = 2 ** 31 - 1;

function checkMonths(m: number, what: string): number {
  if (!Number.isFinite(m) || m > INT32_MAX || m < -INT32_MAX - 1)
    throw new SqlRuntimeError(`interval overflow in ${what}`);
  return m;
}

function checkUs(us: bigint, what: string): bigint {
  if (us > BIGINT_MAX || us < BIGINT_MIN) throw new SqlRuntimeError(`interval overflow in ${what}`);
  return us;
}

/** `a × f` or `a ÷ f` for an interval `a` and a number `f` of type `ft`, truncated. */
function scale(op: 'mul' | 'div', long: boolean, ft: ColumnType): Fn2 {
  const what = op === 'mul' ? 'multiplication' : 'division';
  const zero = (f: Value) => f === 0 || f === 0n || (f instanceof Decimal && f.signum() === 0);
  return (a, f) => {
    if (op === 'div' && zero(f)) throw new SqlRuntimeError(`division by zero: interval / 0`);
    const base = long ? BigInt(a as number) : (a as bigint);
    let r: bigint;
    if (isIntegerType(ft)) {
      const n = BigInt(f as number | bigint);
      r = op === 'mul' ? base * n : base / n;
    } else if (f instanceof Decimal) {
      const d = Decimal.fromBigInt(base);
      r = (op === 'mul' ? d.mul(f) : d.div(f, 6)).truncToBigInt();
    } else {
      const x = op === 'mul' ? Number(base) * (f as number) : Number(base) / (f as number);
      if (!Number.isFinite(x)) throw new SqlRuntimeError(`interval overflow in ${what}`);
      r = BigInt(Math.trunc(x));
    }
    return long ? checkMonths(Number(r), what) : checkUs(r, what);
  };
}

/** The implementation of `left op right` when an operand is temporal; null otherwise. */
export function makeTemporalArithmetic(
  op: 'add' | 'sub' | 'mul' | 'div' | 'mod',
  left: ColumnType,
  right: ColumnType,
): Fn2 | null {
  const sign = op === 'sub' ? -1 : 1;
  if ((op === 'mul' || op === 'div') && isIntervalType(left))
    return scale(op, isLongIntervalType(left), right);
  if (op !== 'add' && op !== 'sub') return null;
  if (isIntervalType(left) && isIntervalType(right)) {
    if (isLongIntervalType(left))
      return (a, b) => checkMonths((a as number) + sign * (b as number), 'addition');
    return (a, b) =>
      checkUs(op === 'sub' ? (a as bigint) - (b as bigint) : (a as bigint) + (b as bigint), 'addition');
  }
  if (!isIntervalType(right)) return null;
  if (isLongIntervalType(right)) {
    switch (left.type) {
      case 'DATE':
        return (a, b) => addMonthsToDate(a as number, sign * (b as number));
      case 'TIMESTAMP':
        return (a, b) => addMonthsToTimestamp(a as bigint, sign * (b as number));
      case 'TIME':
        // Whole months are whole days: a TIME does not change (Feldera's reference).
        return (a) => a;
      default:
        return null;
    }
  }
  switch (left.type) {
    case 'DATE':
      return (a, b) => checkDays((a as number) + sign * Number((b as bigint) / US_PER_DAY));
    case 'TIMESTAMP':
      return (a, b) =>
        checkTimestamp(addMicrosToTimestamp(a as bigint, op === 'sub' ? -(b as bigint) : (b as bigint)));
    case 'TIME':
      return (a, b) => {
        const shift = Number((b as bigint) % US_PER_DAY) * NS_PER_MICRO;
        return ((((a as number) + sign * shift) % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY;
      };
    default:
      return null;
  }
}

/** Unary minus of an interval (overflow is an error, as Feldera's `checked_neg`). */
export function negateInterval(t: ColumnType): (a: Value) => Value {
  if (isLongIntervalType(t)) return (a) => checkMonths(-(a as number), 'negation') || 0;
  return (a) => checkUs(-(a as bigint), 'negation');
}
