/**
 * INTERVAL values and their qualifiers, as Feldera (0.312) has them.
 *
 * There are two kinds: long intervals (qualifiers YEAR, YEAR TO MONTH, MONTH) hold a whole number
 * of months as a JS number, short intervals (DAY ... SECOND) hold microseconds as a bigint. The
 * qualifier never rounds the value: `(a - b) HOUR` keeps the exact difference, and only the
 * text of a cast to VARCHAR, a cast to a number and the literal syntax look at it. This is
 * what Feldera's runtime tests show (`(c1 - c2) HOUR - INTERVAL '12960000' SECOND` keeps the
 * minutes of the difference).
 *
 * Texts follow Feldera's casts (its sqllib `cast_to_s_ShortInterval_*`): a sign, then the
 * fields of the qualifier, the leading one unbounded and the others two digits wide:
 * `+5-08` (YEAR TO MONTH), `-1855 19:42` (DAY TO MINUTE), `+44539:42:00.000000` (HOUR TO
 * SECOND). Qualifiers ending in SECOND show six fraction digits, except the DAY TO SECOND of
 * a difference `(a - b) DAY TO SECOND`, which shows them only when they are not zero
 * (`+1855 19:42:00`); its type carries `precision: 0` to say so. That split is what Feldera's
 * tests show: its runtime tests print such differences without a fraction, while literals,
 * casts and sums (`-1 02:03:04.000000`, `+1704 20:46:46.000000`) always have one.
 */
import { Decimal } from './decimal.js';
import { ValueError } from './errors.js';
import type { ColumnType, SqlTypeName } from './types.js';

/** A field of an interval qualifier, in order from the most significant. */
export type IntervalField = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';

const FIELDS: readonly IntervalField[] = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

export const US_PER_SECOND = 1_000_000n;
const US_PER: Record<IntervalField, bigint> = {
  YEAR: 0n,
  MONTH: 0n,
  DAY: 86_400n * US_PER_SECOND,
  HOUR: 3_600n * US_PER_SECOND,
  MINUTE: 60n * US_PER_SECOND,
  SECOND: US_PER_SECOND,
};

/** The interval type of qualifier `start [TO end]`; undefined for a combination SQL does not have. */
export function intervalType(
  start: IntervalField,
  end: IntervalField | null,
  nullable: boolean,
): ColumnType | undefined {
  const e = end ?? start;
  const si = FIELDS.indexOf(start);
  const ei = FIELDS.indexOf(e);
  const long = si <= 1;
  if (ei < si || long !== ei <= 1) return undefined;
  const name = (start === e ? `INTERVAL_${start}` : `INTERVAL_${start}_${e}`) as SqlTypeName;
  return { type: name, nullable };
}

/** The qualifier of an interval type: its first and last field. */
export function qualifier(t: ColumnType): [IntervalField, IntervalField] {
  const parts = t.type.split('_').slice(1) as IntervalField[];
  return [parts[0]!, parts[parts.length - 1]!];
}

/** The type whose qualifier spans both (Calcite's rule for `+`, `-` and unions of intervals). */
export function unionIntervalType(a: ColumnType, b: ColumnType, nullable: boolean): ColumnType {
  const [as, ae] = qualifier(a);
  const [bs, be] = qualifier(b);
  const start = FIELDS[Math.min(FIELDS.indexOf(as), FIELDS.indexOf(bs))]!;
  const end = FIELDS[Math.max(FIELDS.indexOf(ae), FIELDS.indexOf(be))]!;
  return intervalType(start, end, nullable)!;
}

/** True when a qualifier has one field (`HOUR`, not `HOUR TO MINUTE`). */
export function isSingleField(t: ColumnType): boolean {
  const [s, e] = qualifier(t);
  return s === e;
}

const NUMBER = /^\d+$/;
const SECONDS = /^(\d+)(?:\.(\d*))?$/;

/** Microseconds of a `S[.fff]` field (fraction digits past six are dropped). */
function secondsUs(text: string): bigint | undefined {
  const m = SECONDS.exec(text);
  if (!m) return undefined;
  return BigInt(m[1]!) * US_PER_SECOND + BigInt((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

/**
 * Parses the text of an interval of type `t` (a literal's string or a string being cast):
 * `[+|-]` then the qualifier's fields, e.g. `'-1 2:03:04.5'` for DAY TO SECOND, `'20-07'` for
 * YEAR TO MONTH. Fields after the first must be in range (hours below 24, minutes and seconds
 * below 60). Returns undefined for malformed text.
 */
export function parseInterval(text: string, t: ColumnType): number | bigint | undefined {
  let s = text.trim();
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1).trim();
  }
  const [start, end] = qualifier(t);
  if (start === 'YEAR' || start === 'MONTH') {
    let months: number;
    if (start === 'YEAR' && end === 'MONTH') {
      const m = /^(\d+)-(\d+)$/.exec(s);
      if (!m || Number(m[2]) > 11) return undefined;
      months = Number(m[1]) * 12 + Number(m[2]);
    } else {
      if (!NUMBER.test(s)) return undefined;
      months = Number(s) * (start === 'YEAR' ? 12 : 1);
    }
    if (!Number.isSafeInteger(months) || months > 2 ** 31 - 1) return undefined;
    return negative ? -months : months;
  }
  const fields = FIELDS.slice(FIELDS.indexOf(start), FIELDS.indexOf(end) + 1);
  // DAY is separated from the time fields by a space, the time fields by colons.
  const parts =
    start === 'DAY' && fields.length > 1
      ? [s.split(' ')[0]!, ...s.split(' ').slice(1).join(' ').split(':')]
      : s.split(':');
  if (parts.length !== fields.length || (start === 'DAY' && s.split(' ').length > 2)) return undefined;
  let us = 0n;
  for (const [i, field] of fields.entries()) {
    const p = parts[i]!;
    const v = field === 'SECOND' ? secondsUs(p) : NUMBER.test(p) ? BigInt(p) * US_PER[field] : undefined;
    if (v === undefined) return undefined;
    if (i > 0) {
      const limit = field === 'HOUR' ? 24n * US_PER.HOUR : 60n * US_PER[field];
      if (v >= limit) return undefined;
    }
    us += v;
  }
  return negative ? -us : us;
}

const pad2 = (n: bigint) => (n < 10n ? `0${n}` : String(n));

/** The text of a CAST of an interval of type `t` to a string (Feldera's form, see above). */
export function formatInterval(t: ColumnType, v: number | bigint): string {
  const [start, end] = qualifier(t);
  if (typeof v === 'number') {
    const sign = v < 0 ? '-' : '+';
    const a = Math.abs(v);
    if (start === 'MONTH') return `${sign}${a}`;
    const years = Math.floor(a / 12);
    return end === 'MONTH' ? `${sign}${years}-${String(a % 12).padStart(2, '0')}` : `${sign}${years}`;
  }
  const sign = v < 0n ? '-' : '+';
  const a = v < 0n ? -v : v;
  // The leading field holds everything above it; the others are their part within the next.
  const lead = a / US_PER[start];
  const within = (f: IntervalField, next: bigint) => pad2((a % next) / US_PER[f]);
  let text = `${sign}${lead}`;
  const fields = FIELDS.slice(FIELDS.indexOf(start) + 1, FIELDS.indexOf(end) + 1);
  for (const f of fields) {
    const next = f === 'HOUR' ? US_PER.DAY : f === 'MINUTE' ? US_PER.HOUR : US_PER.MINUTE;
    text += `${f === 'HOUR' ? ' ' : ':'}${within(f, next)}`;
  }
  if (end !== 'SECOND') return text;
  const fraction = a % US_PER_SECOND;
  if (start === 'DAY' && fraction === 0n && t.precision === 0) return text;
  return `${text}.${String(fraction).padStart(6, '0')}`;
}

/**
 * The number a single-field interval casts to: whole units of its field, truncated toward
 * zero (months for YEAR are whole years). Feldera's runtime tests: `CAST((a - b) MINUTE AS
 * BIGINT)` is the number of minutes.
 */
export function intervalUnits(t: ColumnType, v: number | bigint): bigint {
  const [start] = qualifier(t);
  if (typeof v === 'number') return BigInt(start === 'YEAR' ? Math.trunc(v / 12) : v);
  return v / US_PER[start];
}

/** The interval of single-field type `t` that is `n` of its unit; fractions of a unit are kept to the microsecond. */
export function intervalFromUnits(t: ColumnType, n: bigint | number | Decimal): number | bigint {
  const [start] = qualifier(t);
  if (start === 'YEAR' || start === 'MONTH') {
    const per = start === 'YEAR' ? 12 : 1;
    const months =
      typeof n === 'bigint'
        ? Number(n) * per
        : n instanceof Decimal
          ? Number(n.mul(Decimal.fromBigInt(BigInt(per))).truncToBigInt())
          : Math.trunc(n * per);
    if (!Number.isSafeInteger(months) || Math.abs(months) > 2 ** 31 - 1)
      throw new ValueError(`interval of ${String(n)} ${start} is out of range`);
    return months;
  }
  if (typeof n === 'bigint') return n * US_PER[start];
  if (n instanceof Decimal) return n.mul(Decimal.fromBigInt(US_PER[start])).truncToBigInt();
  if (!Number.isFinite(n)) throw new ValueError(`cannot convert ${n} to an interval`);
  return BigInt(Math.trunc(n * Number(US_PER[start])));
}

/** Microseconds in one unit of a day-time field. */
export function usPer(field: IntervalField): bigint {
  return US_PER[field];
}
