/**
 * Dates and times as plain numbers and bigints, so they compare, hash and add like integers,
 * at Feldera's precisions (its SQL reference, "Date and time"):
 * - DATE: `number`, days since 1970-01-01;
 * - TIME: `number`, nanoseconds since midnight (TIME(9); below 2^53, so exact);
 * - TIMESTAMP: `bigint`, nanoseconds since 1970-01-01 00:00:00 without time zone (9 digits
 *   of fraction, as issue 10 asks, where Feldera's reference says TIMESTAMP(6); year 9999 is
 *   far past 2^53 nanoseconds, hence bigint, and past 2^63, so the state codec's bigint text
 *   form, not a fixed 64-bit field, carries it);
 * - day-time INTERVAL: `bigint` microseconds (Feldera's precision for short intervals, so a
 *   TIMESTAMP ± interval scales the interval by `NS_PER_MICRO_BIG`); year-month INTERVAL:
 *   `number` of months.
 * Input with more than 9 fractional digits is truncated, as Feldera trims it.
 *
 * Civil-calendar conversion uses Howard Hinnant's `days_from_civil` algorithm (proleptic
 * Gregorian), valid for years 1..9999 which is the range Feldera accepts.
 */
import { ValueError } from './errors.js';

export const NS_PER_MICRO = 1000;
export const NS_PER_MILLI = 1_000_000;
export const NS_PER_SECOND = 1_000_000_000;
export const NS_PER_MINUTE = 60 * NS_PER_SECOND;
export const NS_PER_HOUR = 60 * NS_PER_MINUTE;
export const NS_PER_DAY = 24 * NS_PER_HOUR;

/** The same units as bigints, for TIMESTAMP values (nanoseconds). */
export const NS_PER_MICRO_BIG = 1000n;
export const NS_PER_MILLI_BIG = 1_000_000n;
export const NS_PER_SECOND_BIG = 1_000_000_000n;
export const NS_PER_DAY_BIG = 86_400n * NS_PER_SECOND_BIG;

/** Microseconds per unit as bigints, for day-time INTERVAL values. */
export const US_PER_SECOND = 1_000_000n;
export const US_PER_MINUTE = 60n * US_PER_SECOND;
export const US_PER_HOUR = 60n * US_PER_MINUTE;
export const US_PER_DAY = 24n * US_PER_HOUR;

/** Floor division of bigints (rounds toward negative infinity, unlike `/`). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The TIMESTAMP value of an instant given in whole milliseconds since the Unix epoch (UTC), as
 * `Date.now()` reads it: what `NOW()` is for a step (the clock input) or an ad-hoc query. The
 * one place that knows a TIMESTAMP's unit for the clock, so a change of that unit changes only
 * this function. Shape: `ms` an integer (fractions are dropped); result in the TIMESTAMP
 * representation above.
 */
export function timestampFromEpochMillis(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MILLI_BIG;
}

/** The day of a timestamp (days since the epoch). */
export function timestampDays(ts: bigint): number {
  return Number(floorDiv(ts, NS_PER_DAY_BIG));
}

/** Nanoseconds since midnight of a timestamp. */
export function timestampTimeOfDay(ts: bigint): number {
  return Number(ts - floorDiv(ts, NS_PER_DAY_BIG) * NS_PER_DAY_BIG);
}

/** A timestamp from a day number and nanoseconds since midnight. */
export function makeTimestamp(days: number, ns: number): bigint {
  return BigInt(days) * NS_PER_DAY_BIG + BigInt(ns);
}

/** The TIMESTAMP `ts` moved by a day-time interval of `us` microseconds (exact). */
export function addMicrosToTimestamp(ts: bigint, us: bigint): bigint {
  return ts + us * NS_PER_MICRO_BIG;
}

/** Days since the epoch of a civil date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date of a day number: [year, month 1..12, day 1..31]. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day];
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DATE_RE = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/;
const TIME_RE = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?$/;
const OFFSET_RE = /(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/** Parses `YYYY-MM-DD` (leading zeros optional); undefined if malformed or not a real calendar day. */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

/** Nanoseconds of a fractional-seconds digit string, truncated to 9 places. */
function fractionNs(frac: string | undefined): number {
  if (!frac) return 0;
  return Number(frac.slice(0, 9).padEnd(9, '0'));
}

/** Parses `HH:MM[:SS[.fffffffff]]` to nanoseconds since midnight; extra digits are truncated. */
export function parseTime(text: string): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3] ?? '0');
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return h * NS_PER_HOUR + mi * NS_PER_MINUTE + s * NS_PER_SECOND + fractionNs(m[4]);
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS[.fffffffff]` to nanoseconds. A `T` separator, a bare date and an
 * RFC 3339 offset (`Z`, `+02:00`) are accepted too; an offset converts the instant to UTC, as
 * Feldera stores it. Digits beyond nanoseconds are truncated.
 */
export function parseTimestamp(text: string): bigint | undefined {
  const sep = text.search(/[ T]/);
  if (sep < 0) {
    const d = parseDate(text);
    return d === undefined ? undefined : makeTimestamp(d, 0);
  }
  const d = parseDate(text.slice(0, sep));
  let timePart = text.slice(sep + 1).trim();
  let offsetNs = 0n;
  const off = OFFSET_RE.exec(timePart);
  if (off) {
    timePart = timePart.slice(0, off.index).trim();
    if (off[1]) {
      const seconds = BigInt((Number(off[2]) * 60 + Number(off[3])) * 60);
      offsetNs = (off[1] === '-' ? -seconds : seconds) * NS_PER_SECOND_BIG;
    }
  }
  const t = parseTime(timePart);
  if (d === undefined || t === undefined) return undefined;
  return makeTimestamp(d, t) - offsetNs;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/**
 * `HH:MM:SS`, plus a fraction of 3, 6 or 9 digits, the fewest that show it exactly, and none
 * when it is zero (chrono's `%.f`, which Feldera prints with).
 */
export function formatTime(ns: number): string {
  const h = Math.floor(ns / NS_PER_HOUR);
  const mi = Math.floor((ns % NS_PER_HOUR) / NS_PER_MINUTE);
  const s = Math.floor((ns % NS_PER_MINUTE) / NS_PER_SECOND);
  const frac = ns % NS_PER_SECOND;
  const base = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
  if (frac === 0) return base;
  const digits = String(frac).padStart(9, '0');
  if (frac % NS_PER_MILLI === 0) return `${base}.${digits.slice(0, 3)}`;
  if (frac % NS_PER_MICRO === 0) return `${base}.${digits.slice(0, 6)}`;
  return `${base}.${digits}`;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.fff[fff[fff]]]` (the fraction as `formatTime` shows it), Feldera's form
 * in views' outputs and casts; ad-hoc query results (Arrow's form) pass `separator` `T`.
 */
export function formatTimestamp(ts: bigint, separator = ' '): string {
  return `${formatDate(timestampDays(ts))}${separator}${formatTime(timestampTimeOfDay(ts))}`;
}

/**
 * Day numbers of the first and last days Feldera's runtime can hold (chrono's NaiveDate range,
 * years -262143 to 262142); date arithmetic past them is an error, as it is in Feldera.
 */
const MIN_DAYS = daysFromCivil(-262143, 1, 1);
const MAX_DAYS = daysFromCivil(262142, 12, 31);

/** `days` when it is a date Feldera can hold; an error (ValueError) otherwise. */
export function checkDays(days: number): number {
  if (!Number.isFinite(days) || days < MIN_DAYS || days > MAX_DAYS)
    throw new ValueError('date out of range in date/time arithmetic');
  return days;
}

/** `ts` when it is a TIMESTAMP within the range of `checkDays`; an error otherwise. */
export function checkTimestamp(ts: bigint): bigint {
  checkDays(timestampDays(ts));
  return ts;
}

/** Adds months to a day number, clamping the day to the end of the target month. */
export function addMonthsToDate(days: number, months: number): number {
  const [y, m, d] = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  if (ny < -262143 || ny > 262142) throw new ValueError('date out of range in date/time arithmetic');
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function addMonthsToTimestamp(ts: bigint, months: number): bigint {
  const days = timestampDays(ts);
  return BigInt(addMonthsToDate(days, months) - days) * NS_PER_DAY_BIG + ts;
}
