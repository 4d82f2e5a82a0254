/**
 * Calendar fields of dates, times and timestamps: EXTRACT, rounding down and up to a unit
 * (FLOOR / CEIL ... TO, DATE_TRUNC and its kin) and differences in calendar units
 * (TIMESTAMPDIFF). Every function works on a day number plus nanoseconds within the day, so
 * one implementation serves DATE (nanoseconds 0), TIME (day 0) and TIMESTAMP.
 *
 * The rules are Feldera's (its SQL reference, "Time units", and its runtime tests):
 * - DOW counts Sunday as 1, ISODOW Monday as 1, WEEK is the ISO-8601 week;
 * - MILLISECOND, MICROSECOND and NANOSECOND count within the minute, seconds included;
 * - rounding to a WEEK goes to the Sunday starting it; to a DECADE, CENTURY or MILLENNIUM, to
 *   a year that is a multiple of 10, 100 or 1000 (FLOOR of 2020-06-21 TO MILLENNIUM is
 *   2000-01-01);
 * - a difference in months counts a month once the calendar day and time reach the start's
 *   (Feldera's `minus_Timestamp_Timestamp_LongInterval`).
 */
import {
  civilFromDays,
  daysFromCivil,
  NS_PER_DAY,
  NS_PER_HOUR,
  NS_PER_MICRO,
  NS_PER_MILLI,
  NS_PER_MINUTE,
  NS_PER_SECOND,
} from './datetime.js';

/** A time unit, as EXTRACT and the rounding functions name it. */
export type TimeUnit =
  | 'MILLENNIUM'
  | 'CENTURY'
  | 'DECADE'
  | 'YEAR'
  | 'QUARTER'
  | 'MONTH'
  | 'WEEK'
  | 'DOY'
  | 'DOW'
  | 'ISODOW'
  | 'DAY'
  | 'HOUR'
  | 'MINUTE'
  | 'SECOND'
  | 'MILLISECOND'
  | 'MICROSECOND'
  | 'NANOSECOND'
  | 'EPOCH';

const UNITS: readonly TimeUnit[] = [
  'MILLENNIUM',
  'CENTURY',
  'DECADE',
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DOY',
  'DOW',
  'ISODOW',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
  'EPOCH',
];

export const TIME_UNITS: ReadonlySet<string> = new Set(UNITS);

/** The unit a word names: plurals and the `SQL_TSI_` synonyms included; undefined if none. */
export function canonicalUnit(word: string): TimeUnit | undefined {
  let w = word.toUpperCase();
  if (w.startsWith('SQL_TSI_')) w = w.slice('SQL_TSI_'.length);
  if (TIME_UNITS.has(w)) return w as TimeUnit;
  if (w.endsWith('S') && TIME_UNITS.has(w.slice(0, -1))) return w.slice(0, -1) as TimeUnit;
  return undefined;
}

/** Units of a day or more (the ones a DATE can be rounded to). */
export const DATE_UNITS: ReadonlySet<TimeUnit> = new Set([
  'MILLENNIUM',
  'CENTURY',
  'DECADE',
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
]);

/** Units below a day, with their length in nanoseconds. */
export const TIME_UNIT_NS: Readonly<Partial<Record<TimeUnit, number>>> = {
  HOUR: NS_PER_HOUR,
  MINUTE: NS_PER_MINUTE,
  SECOND: NS_PER_SECOND,
  MILLISECOND: NS_PER_MILLI,
  MICROSECOND: NS_PER_MICRO,
  NANOSECOND: 1,
};

/** Day of the week, Sunday = 1 .. Saturday = 7 (1970-01-01 was a Thursday). */
export function dayOfWeek(days: number): number {
  return ((((days + 4) % 7) + 7) % 7) + 1;
}

/** ISO day of the week, Monday = 1 .. Sunday = 7. */
export function isoDayOfWeek(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** ISO-8601 week-numbering year and week (1..53) of a day number. */
export function isoWeekDate(days: number): [number, number] {
  const thursday = days - isoDayOfWeek(days) + 4;
  const [y] = civilFromDays(thursday);
  return [y, Math.floor((thursday - daysFromCivil(y, 1, 1)) / 7) + 1];
}

/** EXTRACT(unit FROM value) for a day number plus nanoseconds within the day. */
export function extractField(unit: TimeUnit, days: number, nsOfDay: number): number {
  switch (unit) {
    case 'HOUR':
      return Math.floor(nsOfDay / NS_PER_HOUR);
    case 'MINUTE':
      return Math.floor((nsOfDay % NS_PER_HOUR) / NS_PER_MINUTE);
    case 'SECOND':
      return Math.floor((nsOfDay % NS_PER_MINUTE) / NS_PER_SECOND);
    case 'MILLISECOND':
      return Math.floor((nsOfDay % NS_PER_MINUTE) / NS_PER_MILLI);
    case 'MICROSECOND':
      return Math.floor((nsOfDay % NS_PER_MINUTE) / NS_PER_MICRO);
    case 'NANOSECOND':
      return nsOfDay % NS_PER_MINUTE;
    case 'EPOCH':
      return days * 86_400 + Math.floor(nsOfDay / NS_PER_SECOND);
    case 'DOW':
      return dayOfWeek(days);
    case 'ISODOW':
      return isoDayOfWeek(days);
    case 'WEEK':
      return isoWeekDate(days)[1];
    default:
      break;
  }
  const [y, m, d] = civilFromDays(days);
  switch (unit) {
    case 'MILLENNIUM':
      return Math.floor((y + 999) / 1000);
    case 'CENTURY':
      return Math.floor((y + 99) / 100);
    case 'DECADE':
      return Math.floor(y / 10);
    case 'YEAR':
      return y;
    case 'QUARTER':
      return Math.floor((m - 1) / 3) + 1;
    case 'MONTH':
      return m;
    case 'DOY':
      return days - daysFromCivil(y, 1, 1) + 1;
    default:
      return d;
  }
}

/** A moment as a day number and nanoseconds within the day. */
export type Moment = [days: number, ns: number];

/** Years in one step of a year-based unit. */
const YEARS_PER: Partial<Record<TimeUnit, number>> = { MILLENNIUM: 1000, CENTURY: 100, DECADE: 10, YEAR: 1 };

/** The start of the `unit` containing the moment (FLOOR(x TO unit)). */
export function floorTo(unit: TimeUnit, [days, ns]: Moment): Moment {
  const sub = TIME_UNIT_NS[unit];
  if (sub !== undefined) return [days, ns - (ns % sub)];
  if (unit === 'DAY') return [days, 0];
  if (unit === 'WEEK') return [days - (dayOfWeek(days) - 1), 0];
  const [y, m] = civilFromDays(days);
  const per = YEARS_PER[unit];
  if (per !== undefined) return [daysFromCivil(Math.floor(y / per) * per, 1, 1), 0];
  if (unit === 'QUARTER') return [daysFromCivil(y, m - ((m - 1) % 3), 1), 0];
  return [daysFromCivil(y, m, 1), 0];
}

/** The start of the next `unit` unless the moment is already on a boundary (CEIL(x TO unit)). */
export function ceilTo(unit: TimeUnit, moment: Moment): Moment {
  const f = floorTo(unit, moment);
  if (f[0] === moment[0] && f[1] === moment[1]) return f;
  const sub = TIME_UNIT_NS[unit];
  if (sub !== undefined) {
    const ns = f[1] + sub;
    return ns >= NS_PER_DAY ? [f[0] + 1, ns - NS_PER_DAY] : [f[0], ns];
  }
  if (unit === 'DAY') return [f[0] + 1, 0];
  if (unit === 'WEEK') return [f[0] + 7, 0];
  const [y, m] = civilFromDays(f[0]);
  const per = YEARS_PER[unit];
  if (per !== undefined) return [daysFromCivil(y + per, 1, 1), 0];
  const months = y * 12 + (m - 1) + (unit === 'QUARTER' ? 3 : 1);
  return [daysFromCivil(Math.floor(months / 12), (months % 12) + 1, 1), 0];
}

/**
 * Whole months from `from` to `to` (negative when `to` is earlier): a month counts once the
 * calendar day and time of `to` reach those of `from`.
 */
export function monthsBetween(from: Moment, to: Moment): number {
  const later = compareMoments(to, from) >= 0;
  const [hi, lo] = later ? [to, from] : [from, to];
  const [hy, hm, hd] = civilFromDays(hi[0]);
  const [ly, lm, ld] = civilFromDays(lo[0]);
  const incomplete = hd < ld || (hd === ld && hi[1] < lo[1]);
  const months = (hy - ly) * 12 + hm - lm - (incomplete ? 1 : 0);
  return later ? months : -months;
}

function compareMoments(a: Moment, b: Moment): number {
  return a[0] - b[0] || a[1] - b[1];
}
