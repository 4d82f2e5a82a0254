/**
 * Conversions between SQL types, shared by `CAST`, implicit coercions and the input codecs.
 *
 * `makeCast(from, to)` resolves the conversion once and returns a closure, so per-row work is
 * just the conversion itself. Failures (a string that is not a number, an out-of-range value)
 * throw `ValueError`; the engine turns that into a step failure.
 */

import {
  formatDate,
  formatTime,
  formatTimestamp,
  MS_PER_DAY,
  parseDate,
  parseTime,
  parseTimestamp,
} from './datetime.js';
import { Decimal, pow10 } from './decimal.js';
import { ValueError } from './errors.js';
import {
  BIGINT_MAX,
  BIGINT_MIN,
  type ColumnType,
  MAX_DECIMAL_PRECISION,
  SMALL_INT_RANGES,
  typeToSql,
} from './types.js';
import type { Value } from './value.js';

export type Caster = (v: Value) => Value;

const INTEGER_TEXT = /^[+-]?\d+$/;

function fail(v: Value, to: ColumnType, why = ''): never {
  const shown = typeof v === 'string' ? `'${v}'` : String(v);
  throw new ValueError(
    `cannot convert ${shown} to ${typeToSql({ ...to, nullable: true })}${why ? `: ${why}` : ''}`,
  );
}

/** Checks a JS-number integer against the range of TINYINT/SMALLINT/INTEGER. */
export function checkSmallInt(v: number, to: ColumnType): number {
  const range = SMALL_INT_RANGES[to.type as keyof typeof SMALL_INT_RANGES];
  if (!(v >= range[0] && v <= range[1])) fail(v, to, 'out of range');
  return v;
}

export function checkBigInt(v: bigint, to: ColumnType): bigint {
  if (v < BIGINT_MIN || v > BIGINT_MAX) fail(v, to, 'out of range');
  return v;
}

/** Rounds a decimal to the type's scale and checks its precision. */
export function fitDecimal(d: Decimal, to: ColumnType): Decimal {
  const scale = to.scale ?? 0;
  const r = d.rescale(scale);
  const precision = to.precision ?? MAX_DECIMAL_PRECISION;
  if ((r.unscaled < 0n ? -r.unscaled : r.unscaled) >= pow10(precision))
    fail(d.toString(), to, 'out of range');
  return r;
}

/** Integral part of a number-like value as a bigint, truncating toward zero. */
function toBigIntTrunc(v: Value, to: ColumnType): bigint {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'number':
      if (!Number.isFinite(v)) fail(v, to);
      return BigInt(Math.trunc(v));
    case 'boolean':
      return v ? 1n : 0n;
    case 'string': {
      const t = v.trim();
      if (INTEGER_TEXT.test(t)) return BigInt(t);
      const d = Decimal.parse(t);
      if (!d) fail(v, to, 'not a number');
      return d.truncToBigInt();
    }
    default:
      if (v instanceof Decimal) return v.truncToBigInt();
      return fail(v, to);
  }
}

function toDouble(v: Value, to: ColumnType): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'boolean':
      return v ? 1 : 0;
    case 'string': {
      const t = v.trim();
      const n = Number(t);
      if (t === '' || (Number.isNaN(n) && t !== 'NaN')) fail(v, to, 'not a number');
      return n;
    }
    default:
      if (v instanceof Decimal) return v.toNumber();
      return fail(v, to);
  }
}

function toDecimal(v: Value, to: ColumnType): Decimal {
  let d: Decimal | undefined;
  switch (typeof v) {
    case 'number':
      d = Number.isInteger(v) ? Decimal.fromBigInt(BigInt(v)) : Decimal.fromNumber(v);
      break;
    case 'bigint':
      d = Decimal.fromBigInt(v);
      break;
    case 'boolean':
      d = Decimal.fromBigInt(v ? 1n : 0n);
      break;
    case 'string':
      d = Decimal.parse(v);
      break;
    default:
      d = v instanceof Decimal ? v : undefined;
  }
  if (!d) return fail(v, to, 'not a number');
  return fitDecimal(d, to);
}

/** Text of a REAL: the shortest decimal that rounds back to the same float32. */
export function formatReal(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p < 10; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/** Text of a value of type `from`, as CAST(... AS VARCHAR) produces it. */
function valueToText(v: Value, from: ColumnType): string {
  if (typeof v === 'string') return from.type === 'CHAR' ? v.replace(/ +$/, '') : v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'bigint') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (typeof v === 'number') {
    switch (from.type) {
      case 'DATE':
        return formatDate(v);
      case 'TIME':
        return formatTime(v);
      case 'TIMESTAMP':
        return formatTimestamp(v);
      case 'REAL':
        return formatReal(v);
      default:
        return String(v);
    }
  }
  return 'NULL';
}

/** Applies the length rule of CHAR(n) (pad or cut) or VARCHAR(n) (cut) to a string. */
export function fitString(s: string, to: ColumnType): string {
  const n = to.precision ?? -1;
  if (to.type === 'CHAR') {
    const len = n < 0 ? 1 : n;
    return s.length >= len ? s.slice(0, len) : s.padEnd(len, ' ');
  }
  return n >= 0 && s.length > n ? s.slice(0, n) : s;
}

function dateTimeCast(from: ColumnType, to: ColumnType): Caster {
  const text = from.type === 'CHAR' || from.type === 'VARCHAR';
  switch (to.type) {
    case 'DATE':
      if (text) return (v) => parseDate((v as string).trim()) ?? fail(v, to);
      if (from.type === 'TIMESTAMP') return (v) => Math.floor((v as number) / MS_PER_DAY);
      break;
    case 'TIME':
      if (text) return (v) => parseTime((v as string).trim()) ?? fail(v, to);
      if (from.type === 'TIMESTAMP') return (v) => (((v as number) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
      break;
    default:
      if (text) return (v) => parseTimestamp((v as string).trim()) ?? fail(v, to);
      if (from.type === 'DATE') return (v) => (v as number) * MS_PER_DAY;
  }
  if (from.type === to.type) return (v) => v;
  throw new ValueError(`cannot cast ${typeToSql(from)} to ${typeToSql(to)}`);
}

/**
 * Returns the conversion from `from` to `to`; NULL maps to NULL. Throws `ValueError` right away
 * if the pair is not castable (the type checker reports that as a compile error).
 */
export function makeCast(from: ColumnType, to: ColumnType): (v: Value) => Value {
  const inner = makeNonNullCast(from, to);
  return (v) => (v === null ? null : inner(v));
}

function makeNonNullCast(from: ColumnType, to: ColumnType): Caster {
  if (from.type === 'NULL') return () => null;
  const dateLike = (t: ColumnType) => t.type === 'DATE' || t.type === 'TIME' || t.type === 'TIMESTAMP';
  const interval = (t: ColumnType) => t.type === 'INTERVAL_DAY_SECOND' || t.type === 'INTERVAL_YEAR_MONTH';
  if (interval(from) || interval(to)) {
    if (from.type === to.type) return (v) => v;
    throw new ValueError(`cannot cast ${typeToSql(from)} to ${typeToSql(to)}`);
  }
  if (dateLike(to)) return dateTimeCast(from, to);
  if (dateLike(from) && to.type !== 'CHAR' && to.type !== 'VARCHAR')
    throw new ValueError(`cannot cast ${typeToSql(from)} to ${typeToSql(to)}`);
  switch (to.type) {
    case 'BOOLEAN':
      if (from.type === 'BOOLEAN') return (v) => v;
      if (from.type === 'CHAR' || from.type === 'VARCHAR')
        return (v) => {
          const t = (v as string).trim().toLowerCase();
          if (t === 'true') return true;
          if (t === 'false') return false;
          return fail(v, to);
        };
      return (v) => toDouble(v, to) !== 0;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
      if (from.type === 'TINYINT' || from.type === 'SMALLINT' || from.type === 'INTEGER')
        return (v) => checkSmallInt(v as number, to);
      if (from.type === 'REAL' || from.type === 'DOUBLE')
        return (v) => (Number.isFinite(v) ? checkSmallInt(Math.trunc(v as number), to) : fail(v, to));
      return (v) => {
        const b = toBigIntTrunc(v, to);
        return checkSmallInt(Number(checkBigInt(b, to)), to);
      };
    case 'BIGINT':
      return (v) => checkBigInt(toBigIntTrunc(v, to), to);
    case 'REAL':
      return (v) => Math.fround(toDouble(v, to));
    case 'DOUBLE':
      return (v) => toDouble(v, to);
    case 'DECIMAL':
      return (v) => toDecimal(v, to);
    case 'CHAR':
    case 'VARCHAR':
      return (v) => fitString(valueToText(v, from), to);
    default:
      throw new ValueError(`cannot cast ${typeToSql(from)} to ${typeToSql(to)}`);
  }
}
