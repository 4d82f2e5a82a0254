/**
 * Dates and times as plain numbers, so they compare, hash and add like integers:
 * DATE = days since 1970-01-01, TIME = milliseconds since midnight, TIMESTAMP = milliseconds
 * since 1970-01-01 00:00:00 (no time zone). Intervals are numbers too: a day-time interval is
 * milliseconds, a year-month interval is months. Millisecond precision matches Feldera; extra
 * fractional digits in input are rounded.
 *
 * Civil-calendar conversion uses Howard Hinnant's `days_from_civil` algorithm (proleptic
 * Gregorian), valid for years 1..9999 which is the range Feldera accepts.
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

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

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

/** Parses `YYYY-MM-DD`; undefined if malformed or not a real calendar day. */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

/** Milliseconds of a fractional-seconds digit string, rounded. */
function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.round(Number(`0.${frac}`) * 1000);
}

/** Parses `HH:MM[:SS[.fff]]` to milliseconds since midnight. */
export function parseTime(text: string): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3] ?? '0');
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = h * MS_PER_HOUR + mi * MS_PER_MINUTE + s * MS_PER_SECOND + fractionMs(m[4]);
  return ms >= MS_PER_DAY ? undefined : ms;
}

/** Parses `YYYY-MM-DD HH:MM:SS[.fff]` (a `T` separator and a bare date are accepted too). */
export function parseTimestamp(text: string): number | undefined {
  const sep = text.search(/[ T]/);
  if (sep < 0) {
    const d = parseDate(text);
    return d === undefined ? undefined : d * MS_PER_DAY;
  }
  const d = parseDate(text.slice(0, sep));
  let timePart = text.slice(sep + 1).trim();
  if (timePart.endsWith('Z')) timePart = timePart.slice(0, -1);
  const t = parseTime(timePart);
  if (d === undefined || t === undefined) return undefined;
  return d * MS_PER_DAY + t;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** `HH:MM:SS`, plus `.fff` when the milliseconds are not zero (Feldera's encoding). */
export function formatTime(ms: number): string {
  const h = Math.floor(ms / MS_PER_HOUR);
  const mi = Math.floor((ms % MS_PER_HOUR) / MS_PER_MINUTE);
  const s = Math.floor((ms % MS_PER_MINUTE) / MS_PER_SECOND);
  const frac = ms % MS_PER_SECOND;
  const base = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
  return frac === 0 ? base : `${base}.${pad3(frac)}`;
}

export function formatTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  return `${formatDate(days)} ${formatTime(ms - days * MS_PER_DAY)}`;
}

/** Adds months to a day number, clamping the day to the end of the target month. */
export function addMonthsToDate(days: number, months: number): number {
  const [y, m, d] = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function addMonthsToTimestamp(ms: number, months: number): number {
  const days = Math.floor(ms / MS_PER_DAY);
  return addMonthsToDate(days, months) * MS_PER_DAY + (ms - days * MS_PER_DAY);
}

/** A field EXTRACT can read. */
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
  | 'EPOCH';

export const TIME_UNITS: ReadonlySet<string> = new Set<TimeUnit>([
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
  'EPOCH',
]);

/** ISO-8601 week number (1..53) of a day number. */
function isoWeek(days: number): number {
  const isoDow = ((((days + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (ISO 4).
  const thursday = days - isoDow + 4;
  const [y] = civilFromDays(thursday);
  return Math.floor((thursday - daysFromCivil(y, 1, 1)) / 7) + 1;
}

/** EXTRACT(unit FROM value) for a day number plus milliseconds within the day. */
export function extractField(unit: TimeUnit, days: number, msOfDay: number): number {
  switch (unit) {
    case 'HOUR':
      return Math.floor(msOfDay / MS_PER_HOUR);
    case 'MINUTE':
      return Math.floor((msOfDay % MS_PER_HOUR) / MS_PER_MINUTE);
    case 'SECOND':
      return Math.floor((msOfDay % MS_PER_MINUTE) / MS_PER_SECOND);
    case 'MILLISECOND':
      return msOfDay % MS_PER_MINUTE;
    case 'MICROSECOND':
      return (msOfDay % MS_PER_MINUTE) * 1000;
    case 'EPOCH':
      return Math.floor((days * MS_PER_DAY + msOfDay) / MS_PER_SECOND);
    case 'DOW':
      return ((((days + 4) % 7) + 7) % 7) + 1; // Sunday = 1; the epoch was a Thursday (5).
    case 'ISODOW':
      return ((((days + 3) % 7) + 7) % 7) + 1;
    case 'WEEK':
      return isoWeek(days);
    default:
      break;
  }
  const [y, m, d] = civilFromDays(days);
  switch (unit) {
    case 'MILLENNIUM':
      return Math.floor((y - 1) / 1000) + 1;
    case 'CENTURY':
      return Math.floor((y - 1) / 100) + 1;
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
