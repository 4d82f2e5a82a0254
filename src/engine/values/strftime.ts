/**
 * FORMAT_DATE / FORMAT_TIME / FORMAT_TIMESTAMP and PARSE_DATE / PARSE_TIME / PARSE_TIMESTAMP
 * with the format language of Rust's chrono (`%Y-%m-%d %H:%M:%S%.f`), which Feldera calls.
 *
 * A format is compiled once into items, as chrono's `StrftimeItems` does: literal text,
 * whitespace, numeric fields (with chrono's default width and padding, which `%-x`, `%_x` and
 * `%0x` change), names (`%b`, `%A`, `%p`), fractions of a second (`%f`, `%.f`, `%.3f`, `%3f`)
 * and the composites `%D %F %v %R %T %X %x %r %c` expanded to their parts.
 *
 * Formatting a value that lacks a field the format asks for (an hour of a DATE), a time zone
 * (`%z`, `%Z`, `%+`: Feldera's values have none) or an unknown specifier fails, as chrono's
 * formatter does; Feldera turns that into a runtime error.
 *
 * Parsing follows chrono's `parse`: whitespace in the format skips any whitespace, numbers
 * take 1 to their width of digits after optional whitespace (a year may carry a sign and more
 * digits), names match case-insensitively, and the whole input must be used. The fields are
 * then resolved into a value: a failure to match, a field out of range or inconsistent fields
 * give `undefined` (SQL NULL), while a format without enough fields for the value (no day for
 * a DATE, `%I` without `%p`) throws: Feldera's reference says the former are NULL and the
 * latter a runtime error.
 */
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  NS_PER_HOUR,
  NS_PER_MINUTE,
  NS_PER_SECOND,
} from './datetime.js';
import { dayOfWeek, isoDayOfWeek, isoWeekDate } from './datetime-fields.js';
import { ValueError } from './errors.js';

type NumericField =
  | 'Year'
  | 'YearDiv100'
  | 'YearMod100'
  | 'IsoYear'
  | 'IsoYearDiv100'
  | 'IsoYearMod100'
  | 'Month'
  | 'Day'
  | 'WeekFromSun'
  | 'WeekFromMon'
  | 'IsoWeek'
  | 'NumDaysFromSun'
  | 'WeekdayFromMon'
  | 'Ordinal'
  | 'Hour'
  | 'Hour12'
  | 'Minute'
  | 'Second'
  | 'Nanosecond'
  | 'Timestamp';

type Pad = 'zero' | 'space' | 'none';

type FixedField =
  | 'ShortMonthName'
  | 'LongMonthName'
  | 'ShortWeekdayName'
  | 'LongWeekdayName'
  | 'LowerAmPm'
  | 'UpperAmPm'
  | 'Fraction'
  | 'Fraction3'
  | 'Fraction6'
  | 'Fraction9'
  | 'Fraction3NoDot'
  | 'Fraction6NoDot'
  | 'Fraction9NoDot'
  | 'TimeZone';

type Item =
  | { kind: 'literal'; text: string }
  | { kind: 'space'; text: string }
  | { kind: 'numeric'; field: NumericField; pad: Pad }
  | { kind: 'fixed'; field: FixedField }
  | { kind: 'error' };

/** chrono's width and default padding of each numeric field. */
const NUMERIC: Record<NumericField, [width: number, pad: Pad]> = {
  Year: [4, 'zero'],
  YearDiv100: [2, 'zero'],
  YearMod100: [2, 'zero'],
  IsoYear: [4, 'zero'],
  IsoYearDiv100: [2, 'zero'],
  IsoYearMod100: [2, 'zero'],
  Month: [2, 'zero'],
  Day: [2, 'zero'],
  WeekFromSun: [2, 'zero'],
  WeekFromMon: [2, 'zero'],
  IsoWeek: [2, 'zero'],
  NumDaysFromSun: [1, 'zero'],
  WeekdayFromMon: [1, 'zero'],
  Ordinal: [3, 'zero'],
  Hour: [2, 'zero'],
  Hour12: [2, 'zero'],
  Minute: [2, 'zero'],
  Second: [2, 'zero'],
  Nanosecond: [9, 'zero'],
  Timestamp: [1, 'none'],
};

const SPEC: Record<string, Item[]> = {};
const num = (field: NumericField, pad = NUMERIC[field][1]): Item => ({ kind: 'numeric', field, pad });
const fixed = (field: FixedField): Item => ({ kind: 'fixed', field });
const lit = (text: string): Item => ({ kind: 'literal', text });
Object.assign(SPEC, {
  Y: [num('Year')],
  C: [num('YearDiv100')],
  y: [num('YearMod100')],
  G: [num('IsoYear')],
  g: [num('IsoYearMod100')],
  m: [num('Month')],
  d: [num('Day')],
  e: [num('Day', 'space')],
  U: [num('WeekFromSun')],
  W: [num('WeekFromMon')],
  V: [num('IsoWeek')],
  w: [num('NumDaysFromSun')],
  u: [num('WeekdayFromMon')],
  j: [num('Ordinal')],
  H: [num('Hour')],
  k: [num('Hour', 'space')],
  I: [num('Hour12')],
  l: [num('Hour12', 'space')],
  M: [num('Minute')],
  S: [num('Second')],
  f: [num('Nanosecond')],
  s: [num('Timestamp')],
  b: [fixed('ShortMonthName')],
  h: [fixed('ShortMonthName')],
  B: [fixed('LongMonthName')],
  a: [fixed('ShortWeekdayName')],
  A: [fixed('LongWeekdayName')],
  p: [fixed('UpperAmPm')],
  P: [fixed('LowerAmPm')],
  Z: [fixed('TimeZone')],
  z: [fixed('TimeZone')],
  '+': [fixed('TimeZone')],
  D: [num('Month'), lit('/'), num('Day'), lit('/'), num('YearMod100')],
  x: [num('Month'), lit('/'), num('Day'), lit('/'), num('YearMod100')],
  F: [num('Year'), lit('-'), num('Month'), lit('-'), num('Day')],
  v: [num('Day', 'space'), lit('-'), fixed('ShortMonthName'), lit('-'), num('Year')],
  R: [num('Hour'), lit(':'), num('Minute')],
  T: [num('Hour'), lit(':'), num('Minute'), lit(':'), num('Second')],
  X: [num('Hour'), lit(':'), num('Minute'), lit(':'), num('Second')],
  r: [
    num('Hour12'),
    lit(':'),
    num('Minute'),
    lit(':'),
    num('Second'),
    { kind: 'space', text: ' ' },
    fixed('UpperAmPm'),
  ],
  c: [
    fixed('ShortWeekdayName'),
    { kind: 'space', text: ' ' },
    fixed('ShortMonthName'),
    { kind: 'space', text: ' ' },
    num('Day', 'space'),
    { kind: 'space', text: ' ' },
    num('Hour'),
    lit(':'),
    num('Minute'),
    lit(':'),
    num('Second'),
    { kind: 'space', text: ' ' },
    num('Year'),
  ],
  t: [{ kind: 'space', text: '\t' }],
  n: [{ kind: 'space', text: '\n' }],
  '%': [lit('%')],
});

const FRACTIONS: Record<string, FixedField> = {
  '.f': 'Fraction',
  '.3f': 'Fraction3',
  '.6f': 'Fraction6',
  '.9f': 'Fraction9',
  '3f': 'Fraction3NoDot',
  '6f': 'Fraction6NoDot',
  '9f': 'Fraction9NoDot',
  ':z': 'TimeZone',
  '::z': 'TimeZone',
  ':::z': 'TimeZone',
  '#z': 'TimeZone',
};

/** Compiles a chrono format string into items. */
export function compileFormat(format: string): Item[] {
  const items: Item[] = [];
  let literal = '';
  const flush = () => {
    if (literal) items.push(lit(literal));
    literal = '';
  };
  const chars = [...format];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (/\s/.test(c)) {
      flush();
      let text = c;
      while (i + 1 < chars.length && /\s/.test(chars[i + 1]!)) text += chars[++i];
      items.push({ kind: 'space', text });
      continue;
    }
    if (c !== '%') {
      literal += c;
      continue;
    }
    flush();
    let pad: Pad | undefined;
    const modifier = chars[i + 1];
    if (modifier === '-' || modifier === '_' || modifier === '0') {
      pad = modifier === '-' ? 'none' : modifier === '_' ? 'space' : 'zero';
      i++;
    }
    const rest = chars.slice(i + 1, i + 5).join('');
    const multi = Object.keys(FRACTIONS).find((k) => rest.startsWith(k));
    if (multi && pad === undefined) {
      items.push(fixed(FRACTIONS[multi]!));
      i += [...multi].length;
      continue;
    }
    const spec = SPEC[chars[i + 1] ?? ''];
    i++;
    if (!spec) {
      items.push({ kind: 'error' });
      continue;
    }
    if (pad !== undefined) {
      if (spec.length !== 1 || spec[0]!.kind !== 'numeric') items.push({ kind: 'error' });
      else items.push({ ...spec[0]!, pad });
    } else items.push(...spec);
  }
  flush();
  return items;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** What a value offers to format: a date (day number), a time (ns of day), or both. */
export interface Formattable {
  days?: number;
  ns?: number;
}

function padded(v: number, width: number, pad: Pad): string {
  const digits = String(Math.abs(v));
  const sign = v < 0 ? '-' : '';
  if (pad === 'none') return sign + digits;
  const fill = width - sign.length - digits.length;
  if (fill <= 0) return sign + digits;
  return pad === 'zero' ? sign + '0'.repeat(fill) + digits : ' '.repeat(fill) + sign + digits;
}

function dateNumber(field: NumericField, days: number): number {
  const [y, m, d] = civilFromDays(days);
  const ordinal = days - daysFromCivil(y, 1, 1) + 1;
  const [isoYear, isoWeek] = isoWeekDate(days);
  switch (field) {
    case 'Year':
      return y;
    case 'YearDiv100':
      return Math.floor(y / 100);
    case 'YearMod100':
      return ((y % 100) + 100) % 100;
    case 'IsoYear':
      return isoYear;
    case 'IsoYearDiv100':
      return Math.floor(isoYear / 100);
    case 'IsoYearMod100':
      return ((isoYear % 100) + 100) % 100;
    case 'Month':
      return m;
    case 'Day':
      return d;
    case 'WeekFromSun':
      return Math.floor((ordinal - (dayOfWeek(days) - 1) + 6) / 7);
    case 'WeekFromMon':
      return Math.floor((ordinal - (isoDayOfWeek(days) - 1) + 6) / 7);
    case 'IsoWeek':
      return isoWeek;
    case 'NumDaysFromSun':
      return dayOfWeek(days) - 1;
    case 'WeekdayFromMon':
      return isoDayOfWeek(days);
    default:
      return ordinal;
  }
}

function timeNumber(field: NumericField, ns: number): number {
  const hour = Math.floor(ns / NS_PER_HOUR);
  switch (field) {
    case 'Hour':
      return hour;
    case 'Hour12':
      return ((hour + 11) % 12) + 1;
    case 'Minute':
      return Math.floor((ns % NS_PER_HOUR) / NS_PER_MINUTE);
    case 'Second':
      return Math.floor((ns % NS_PER_MINUTE) / NS_PER_SECOND);
    default:
      return ns % NS_PER_SECOND;
  }
}

const DATE_FIELDS = new Set<NumericField>([
  'Year',
  'YearDiv100',
  'YearMod100',
  'IsoYear',
  'IsoYearDiv100',
  'IsoYearMod100',
  'Month',
  'Day',
  'WeekFromSun',
  'WeekFromMon',
  'IsoWeek',
  'NumDaysFromSun',
  'WeekdayFromMon',
  'Ordinal',
]);

/**
 * Formats a value with compiled items. Throws `ValueError` when the format needs a field the
 * value does not have or is invalid.
 */
export function formatWith(items: readonly Item[], value: Formattable): string {
  const bad = (why: string): never => {
    throw new ValueError(`cannot format the value: ${why}`);
  };
  const needDays = () => value.days ?? bad('the format asks for a date field');
  const needNs = () => value.ns ?? bad('the format asks for a time field');
  let out = '';
  for (const item of items) {
    switch (item.kind) {
      case 'literal':
      case 'space':
        out += item.text;
        break;
      case 'error':
        return bad('invalid format specifier');
      case 'numeric': {
        const [width] = NUMERIC[item.field];
        let v: number;
        if (item.field === 'Timestamp') v = needDays() * 86_400 + Math.floor(needNs() / NS_PER_SECOND);
        else if (DATE_FIELDS.has(item.field)) v = dateNumber(item.field, needDays());
        else v = timeNumber(item.field, needNs());
        out += padded(v, width, item.pad);
        break;
      }
      case 'fixed':
        out += formatFixed(item.field, value, needDays, needNs, bad);
        break;
    }
  }
  return out;
}

function formatFixed(
  field: FixedField,
  _value: Formattable,
  needDays: () => number,
  needNs: () => number,
  bad: (why: string) => never,
): string {
  switch (field) {
    case 'ShortMonthName':
      return MONTHS[civilFromDays(needDays())[1] - 1]!.slice(0, 3);
    case 'LongMonthName':
      return MONTHS[civilFromDays(needDays())[1] - 1]!;
    case 'ShortWeekdayName':
      return WEEKDAYS[dayOfWeek(needDays()) - 1]!.slice(0, 3);
    case 'LongWeekdayName':
      return WEEKDAYS[dayOfWeek(needDays()) - 1]!;
    case 'LowerAmPm':
      return needNs() < 12 * NS_PER_HOUR ? 'am' : 'pm';
    case 'UpperAmPm':
      return needNs() < 12 * NS_PER_HOUR ? 'AM' : 'PM';
    case 'TimeZone':
      return bad('the value has no time zone');
    default: {
      const nano = needNs() % NS_PER_SECOND;
      const digits = String(nano).padStart(9, '0');
      switch (field) {
        case 'Fraction':
          if (nano === 0) return '';
          if (nano % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
          if (nano % 1000 === 0) return `.${digits.slice(0, 6)}`;
          return `.${digits}`;
        case 'Fraction3':
          return `.${digits.slice(0, 3)}`;
        case 'Fraction6':
          return `.${digits.slice(0, 6)}`;
        case 'Fraction9':
          return `.${digits}`;
        case 'Fraction3NoDot':
          return digits.slice(0, 3);
        case 'Fraction6NoDot':
          return digits.slice(0, 6);
        default:
          return digits;
      }
    }
  }
}

/** The fields a parse found (chrono's `Parsed`). */
interface Parsed {
  year?: number;
  yearDiv100?: number;
  yearMod100?: number;
  isoYear?: number;
  isoYearDiv100?: number;
  isoYearMod100?: number;
  month?: number;
  day?: number;
  weekFromSun?: number;
  weekFromMon?: number;
  isoWeek?: number;
  weekday?: number; // Sunday = 0
  ordinal?: number;
  hourDiv12?: number;
  hourMod12?: number;
  minute?: number;
  second?: number;
  nanosecond?: number;
  timestamp?: number;
}

/** Why a parse failed: `notEnough` is a format that cannot give the value, the rest NULL. */
export class ParseFailure extends Error {
  constructor(readonly notEnough: boolean) {
    super(notEnough ? 'not enough fields' : 'no match');
  }
}

const NO_MATCH = () => new ParseFailure(false);

/** Sets a field, failing on a conflicting earlier value (chrono's IMPOSSIBLE). */
function set(p: Parsed, key: keyof Parsed, v: number, min: number, max: number): void {
  if (v < min || v > max) throw NO_MATCH();
  if (p[key] !== undefined && p[key] !== v) throw NO_MATCH();
  p[key] = v;
}

function scanNumber(s: string, pos: number, maxDigits: number): [number, number] {
  let end = pos;
  while (end < s.length && end - pos < maxDigits && s[end]! >= '0' && s[end]! <= '9') end++;
  if (end === pos) throw NO_MATCH();
  return [Number(s.slice(pos, end)), end];
}

function skipSpace(s: string, pos: number): number {
  while (pos < s.length && /\s/.test(s[pos]!)) pos++;
  return pos;
}

/** Matches one of `names` (or its first three letters when `short` allows) case-insensitively. */
function scanName(s: string, pos: number, names: readonly string[], long: boolean): [number, number] {
  const rest = s.slice(pos).toLowerCase();
  for (const [i, name] of names.entries()) {
    const full = name.toLowerCase();
    if (long && rest.startsWith(full)) return [i, pos + full.length];
    if (rest.startsWith(full.slice(0, 3))) return [i, pos + 3];
  }
  throw NO_MATCH();
}

/** Where each plain numeric field goes and its range (chrono's `Parsed` setters). */
const PLAIN: Partial<Record<NumericField, [keyof Parsed, number, number]>> = {
  Year: ['year', -262_143, 262_142],
  YearDiv100: ['yearDiv100', 0, 2621],
  YearMod100: ['yearMod100', 0, 99],
  IsoYear: ['isoYear', -262_143, 262_142],
  IsoYearDiv100: ['isoYearDiv100', 0, 2621],
  IsoYearMod100: ['isoYearMod100', 0, 99],
  Month: ['month', 1, 12],
  Day: ['day', 1, 31],
  WeekFromSun: ['weekFromSun', 0, 53],
  WeekFromMon: ['weekFromMon', 0, 53],
  IsoWeek: ['isoWeek', 1, 53],
  NumDaysFromSun: ['weekday', 0, 6],
  Ordinal: ['ordinal', 1, 366],
  Minute: ['minute', 0, 59],
  Second: ['second', 0, 60],
  Nanosecond: ['nanosecond', 0, 999_999_999],
  Timestamp: ['timestamp', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function setNumeric(p: Parsed, field: NumericField, v: number): void {
  const plain = PLAIN[field];
  if (plain) {
    set(p, plain[0], v, plain[1], plain[2]);
  } else if (field === 'WeekdayFromMon') {
    if (v < 1 || v > 7) throw NO_MATCH();
    set(p, 'weekday', v % 7, 0, 6);
  } else if (field === 'Hour') {
    set(p, 'hourDiv12', Math.floor(v / 12), 0, 1);
    set(p, 'hourMod12', v % 12, 0, 11);
  } else {
    // Hour12: 12 is the first hour of its half-day.
    if (v < 1 || v > 12) throw NO_MATCH();
    set(p, 'hourMod12', v % 12, 0, 11);
  }
}

/** Reads `text` with compiled items; throws `ParseFailure` when it does not match. */
function parseItems(items: readonly Item[], text: string): Parsed {
  const p: Parsed = {};
  let pos = 0;
  for (const item of items) {
    switch (item.kind) {
      case 'literal':
        if (!text.startsWith(item.text, pos)) throw NO_MATCH();
        pos += item.text.length;
        break;
      case 'space':
        pos = skipSpace(text, pos);
        break;
      case 'error':
        throw NO_MATCH();
      case 'numeric': {
        pos = skipSpace(text, pos);
        const [width] = NUMERIC[item.field];
        const signed = item.field === 'Year' || item.field === 'IsoYear' || item.field === 'Timestamp';
        let v: number;
        if (signed && (text[pos] === '-' || text[pos] === '+')) {
          const negative = text[pos] === '-';
          [v, pos] = scanNumber(text, pos + 1, Number.MAX_SAFE_INTEGER);
          if (negative) v = -v;
        } else [v, pos] = scanNumber(text, pos, item.field === 'Timestamp' ? 20 : width);
        setNumeric(p, item.field, v);
        break;
      }
      case 'fixed':
        pos = parseFixed(item.field, text, pos, p);
        break;
    }
  }
  if (pos !== text.length) throw NO_MATCH();
  return p;
}

function parseFraction(text: string, pos: number, p: Parsed, digits: number, dot: boolean): number {
  let i = pos;
  if (dot) {
    if (text[i] !== '.') throw NO_MATCH();
    i++;
  }
  let end = i;
  while (end < text.length && text[end]! >= '0' && text[end]! <= '9' && (digits === 0 || end - i < digits))
    end++;
  if (end === i || (digits > 0 && end - i !== digits)) throw NO_MATCH();
  set(p, 'nanosecond', Number(text.slice(i, end).slice(0, 9).padEnd(9, '0')), 0, 999_999_999);
  return end;
}

function parseFixed(field: FixedField, text: string, pos: number, p: Parsed): number {
  switch (field) {
    case 'ShortMonthName':
    case 'LongMonthName': {
      const [m, end] = scanName(text, pos, MONTHS, field === 'LongMonthName');
      set(p, 'month', m + 1, 1, 12);
      return end;
    }
    case 'ShortWeekdayName':
    case 'LongWeekdayName': {
      const [d, end] = scanName(text, pos, WEEKDAYS, field === 'LongWeekdayName');
      set(p, 'weekday', d, 0, 6);
      return end;
    }
    case 'LowerAmPm':
    case 'UpperAmPm': {
      const two = text.slice(pos, pos + 2).toLowerCase();
      if (two !== 'am' && two !== 'pm') throw NO_MATCH();
      set(p, 'hourDiv12', two === 'am' ? 0 : 1, 0, 1);
      return pos + 2;
    }
    case 'Fraction':
      return text[pos] === '.' ? parseFraction(text, pos, p, 0, true) : pos;
    case 'Fraction3':
      return parseFraction(text, pos, p, 3, true);
    case 'Fraction6':
      return parseFraction(text, pos, p, 6, true);
    case 'Fraction9':
      return parseFraction(text, pos, p, 9, true);
    case 'Fraction3NoDot':
      return parseFraction(text, pos, p, 3, false);
    case 'Fraction6NoDot':
      return parseFraction(text, pos, p, 6, false);
    case 'Fraction9NoDot':
      return parseFraction(text, pos, p, 9, false);
    case 'TimeZone':
      // Feldera's values have no time zone to hold one.
      throw NO_MATCH();
  }
}

function resolveYear(
  whole: number | undefined,
  div: number | undefined,
  mod: number | undefined,
): number | undefined {
  if (whole !== undefined) {
    if (div !== undefined && Math.floor(whole / 100) !== div) throw NO_MATCH();
    if (mod !== undefined && ((whole % 100) + 100) % 100 !== mod) throw NO_MATCH();
    return whole;
  }
  if (mod === undefined) {
    if (div !== undefined) throw new ParseFailure(true);
    return undefined;
  }
  // A two-digit year alone is 1970..2069, as in chrono.
  return div !== undefined ? div * 100 + mod : mod + (mod < 70 ? 2000 : 1900);
}

/** The day number the fields give (chrono's `to_naive_date`). */
function resolveDate(p: Parsed): number {
  if (p.timestamp !== undefined) return Math.floor(p.timestamp / 86_400);
  const year = resolveYear(p.year, p.yearDiv100, p.yearMod100);
  const isoYear = resolveYear(p.isoYear, p.isoYearDiv100, p.isoYearMod100);
  let days: number | undefined;
  if (year !== undefined && p.month !== undefined && p.day !== undefined) {
    if (p.day > daysInMonth(year, p.month)) throw NO_MATCH();
    days = daysFromCivil(year, p.month, p.day);
  } else if (year !== undefined && p.ordinal !== undefined) {
    if (p.ordinal > daysFromCivil(year + 1, 1, 1) - daysFromCivil(year, 1, 1)) throw NO_MATCH();
    days = daysFromCivil(year, 1, 1) + p.ordinal - 1;
  } else if (isoYear !== undefined && p.isoWeek !== undefined && p.weekday !== undefined) {
    const jan4 = daysFromCivil(isoYear, 1, 4);
    const week1Monday = jan4 - (isoDayOfWeek(jan4) - 1);
    days = week1Monday + (p.isoWeek - 1) * 7 + ((p.weekday + 6) % 7);
    if (isoWeekDate(days)[0] !== isoYear) throw NO_MATCH();
  } else if (
    year !== undefined &&
    p.weekday !== undefined &&
    (p.weekFromSun !== undefined || p.weekFromMon !== undefined)
  ) {
    // Week 1 starts on the year's first Sunday (%U) or Monday (%W); the days before are week 0.
    const jan1 = daysFromCivil(year, 1, 1);
    const fromSun = p.weekFromSun !== undefined;
    const jan1Offset = fromSun ? dayOfWeek(jan1) - 1 : isoDayOfWeek(jan1) - 1;
    const firstWeek = (7 - jan1Offset) % 7;
    const offset = fromSun ? p.weekday : (p.weekday + 6) % 7;
    days = jan1 + firstWeek + ((fromSun ? p.weekFromSun! : p.weekFromMon!) - 1) * 7 + offset;
    if (civilFromDays(days)[0] !== year) throw NO_MATCH();
  } else throw new ParseFailure(true);
  // Redundant fields must agree with the date.
  const [y, m, d] = civilFromDays(days);
  if ((p.month !== undefined && p.month !== m) || (p.day !== undefined && p.day !== d)) throw NO_MATCH();
  if (p.weekday !== undefined && dayOfWeek(days) - 1 !== p.weekday) throw NO_MATCH();
  if (year !== undefined && y !== year) throw NO_MATCH();
  return days;
}

/** Nanoseconds of the day the fields give (chrono's `to_naive_time`). */
function resolveTime(p: Parsed): number {
  if (p.timestamp !== undefined) return (((p.timestamp % 86_400) + 86_400) % 86_400) * NS_PER_SECOND;
  if (p.hourMod12 === undefined || p.hourDiv12 === undefined || p.minute === undefined)
    throw new ParseFailure(true);
  const second = p.second ?? 0;
  if (second === 60) throw NO_MATCH();
  return (
    (p.hourDiv12 * 12 + p.hourMod12) * NS_PER_HOUR +
    p.minute * NS_PER_MINUTE +
    second * NS_PER_SECOND +
    (p.nanosecond ?? 0)
  );
}

/** What a parse must produce. */
export type ParseTarget = 'date' | 'time' | 'timestamp';

/**
 * Parses `text` with compiled items into a day number, nanoseconds of the day, or both.
 * Throws `ParseFailure` (check `notEnough`).
 */
export function parseWith(items: readonly Item[], text: string, target: ParseTarget): Formattable {
  const p = parseItems(items, text);
  if (target === 'date') return { days: resolveDate(p) };
  if (target === 'time') return { ns: resolveTime(p) };
  return { days: resolveDate(p), ns: resolveTime(p) };
}

export type { Item as FormatItem };
