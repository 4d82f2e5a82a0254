/**
 * Date, time, timestamp and interval functions (Feldera's reference, "Date- and Time-Related
 * Operations"). The SQL side (sql/functions/datetime*.ts) has checked the argument types and
 * converted them: a kernel sees DATE (day number), TIME (ns of day), TIMESTAMP (ns) or
 * interval values as values/datetime.ts and values/interval.ts hold them, and a time unit,
 * already canonical (`DAY`, not `DAYS` or `SQL_TSI_DAY`), in the call's `unit`.
 */
import { SqlRuntimeError } from '../errors.js';
import {
  checkDays,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  floorDiv,
  makeTimestamp,
  NS_PER_DAY,
  NS_PER_HOUR,
  NS_PER_MICRO,
  NS_PER_MILLI,
  NS_PER_MILLI_BIG,
  NS_PER_MINUTE,
  NS_PER_SECOND,
  timestampDays,
  timestampTimeOfDay,
  US_PER_DAY,
} from '../values/datetime.js';
import {
  ceilTo,
  extractField,
  floorTo,
  type Moment,
  monthsBetween,
  TIME_UNIT_NS,
  type TimeUnit,
} from '../values/datetime-fields.js';
import { Decimal } from '../values/decimal.js';
import { usPer } from '../values/interval.js';
import {
  compileFormat,
  type FormatItem,
  type Formattable,
  formatWith,
  ParseFailure,
  parseWith,
} from '../values/strftime.js';
import { findZone, wallToUtc } from '../values/timezone.js';
import { type ColumnType, isIntervalType, isLongIntervalType, SMALL_INT_RANGES } from '../values/types.js';
import type { Value } from '../values/value.js';
import type { KernelFamily } from './kernel.js';

/** Reads a DATE, TIME or TIMESTAMP value of type `t` as a moment. */
function toMoment(t: ColumnType): (v: Value) => Moment {
  switch (t.type) {
    case 'DATE':
      return (v) => [v as number, 0];
    case 'TIME':
      return (v) => [0, v as number];
    default:
      return (v) => [timestampDays(v as bigint), timestampTimeOfDay(v as bigint)];
  }
}

/** Writes a moment back as a value of type `t`. */
function fromMoment(t: ColumnType): (m: Moment) => Value {
  switch (t.type) {
    case 'DATE':
      return ([d]) => checkDays(d);
    case 'TIME':
      return ([, ns]) => ns;
    default:
      return ([d, ns]) => makeTimestamp(checkDays(d), ns);
  }
}

/** EXTRACT(unit FROM interval): the fields of the interval's sign-carrying parts. */
function extractInterval(t: ColumnType, unit: TimeUnit): (v: Value) => Value {
  if (isLongIntervalType(t)) {
    const years = (m: number) => Math.trunc(m / 12);
    switch (unit) {
      case 'MILLENNIUM':
        return (m) => BigInt(Math.trunc(years(m as number) / 1000));
      case 'CENTURY':
        return (m) => BigInt(Math.trunc(years(m as number) / 100));
      case 'DECADE':
        return (m) => BigInt(Math.trunc(years(m as number) / 10));
      case 'YEAR':
        return (m) => BigInt(years(m as number));
      case 'QUARTER':
        return (m) => BigInt(Math.trunc(((m as number) % 12) / 3) + 1);
      case 'MONTH':
        return (m) => BigInt((m as number) % 12 || 0);
      default:
        // EPOCH: the seconds from 1970-01-01 to that many months later (Feldera's sqllib).
        return (m) => {
          const y = 1970 + Math.floor((m as number) / 12);
          const month = (((m as number) % 12) + 12) % 12;
          return BigInt(daysFromCivil(y, month + 1, 1)) * 86_400n;
        };
    }
  }
  const within = (big: bigint, small: bigint) => (v: Value) => ((v as bigint) % big) / small;
  switch (unit) {
    case 'DAY':
      return (v) => (v as bigint) / US_PER_DAY;
    case 'HOUR':
      return within(US_PER_DAY, usPer('HOUR'));
    case 'MINUTE':
      return within(usPer('HOUR'), usPer('MINUTE'));
    case 'SECOND':
      return within(usPer('MINUTE'), usPer('SECOND'));
    case 'MILLISECOND':
      return within(usPer('MINUTE'), 1000n);
    case 'MICROSECOND':
      return within(usPer('MINUTE'), 1n);
    case 'NANOSECOND':
      return (v) => ((v as bigint) % usPer('MINUTE')) * 1000n;
    default:
      return (v) => (v as bigint) / usPer('SECOND');
  }
}

/** A format string compiled on first use and again only when it changes. */
function formatCache(): (format: string) => FormatItem[] {
  let last: string | undefined;
  let items: FormatItem[] = [];
  return (format) => {
    if (format !== last) {
      items = compileFormat(format);
      last = format;
    }
    return items;
  };
}

function formatKernel(target: 'date' | 'time' | 'timestamp') {
  return {
    nulls: 'strict' as const,
    make: () => {
      const items = formatCache();
      return ([f, v]: Value[]) => {
        const value: Formattable =
          target === 'date'
            ? { days: v as number }
            : target === 'time'
              ? { ns: v as number }
              : { days: timestampDays(v as bigint), ns: timestampTimeOfDay(v as bigint) };
        return formatWith(items(f as string), value);
      };
    },
  };
}

function parseKernel(target: 'date' | 'time' | 'timestamp') {
  return {
    nulls: 'strict' as const,
    make: () => {
      const items = formatCache();
      return ([f, s]: Value[]) => {
        let r: Formattable;
        try {
          r = parseWith(items(f as string), s as string, target);
        } catch (e) {
          if (!(e instanceof ParseFailure)) throw e;
          if (e.notEnough)
            throw new SqlRuntimeError(
              `PARSE_${target.toUpperCase()}: the format '${f as string}' does not give every field of a ${target.toUpperCase()}`,
            );
          return null;
        }
        if (target === 'date') return r.days!;
        if (target === 'time') return r.ns!;
        return makeTimestamp(r.days!, r.ns!);
      };
    },
  };
}

const INTEGER_MAX = SMALL_INT_RANGES.INTEGER[1];
const INTEGER_MIN = SMALL_INT_RANGES.INTEGER[0];

/** TIMESTAMPDIFF results are INTEGERs; a difference too large for one is an error. */
function checkInteger(v: bigint | number, unit: TimeUnit): number {
  const n = Number(v);
  if (n > INTEGER_MAX || n < INTEGER_MIN)
    throw new SqlRuntimeError(`TIMESTAMPDIFF(${unit}, ...) overflows INTEGER: ${String(v)}`);
  return n;
}

/** Nanoseconds between two moments, as a bigint. */
function nsBetween(a: Moment, b: Moment): bigint {
  return BigInt(b[0] - a[0]) * BigInt(NS_PER_DAY) + BigInt(b[1] - a[1]);
}

/** Integer seconds, for MAKE_TIME and MAKE_TIMESTAMP: the nanoseconds of a numeric seconds argument. */
function secondsToNs(v: Value): number | null {
  let ns: number;
  if (v instanceof Decimal) ns = Number(v.mul(Decimal.fromBigInt(1_000_000_000n)).truncToBigInt());
  else if (typeof v === 'bigint') ns = Number(v) * NS_PER_SECOND;
  else ns = Math.trunc((v as number) * NS_PER_SECOND);
  return Number.isFinite(ns) && ns >= 0 && ns < 60 * NS_PER_SECOND ? ns : null;
}

function intArg(v: Value): number {
  return Number(v as number | bigint);
}

export const DATETIME_KERNELS: KernelFamily = {
  /** EXTRACT(unit FROM x): a BIGINT. */
  extract: {
    nulls: 'strict',
    make: ([t], _result, unit) => {
      const u = unit as TimeUnit;
      if (isIntervalType(t!)) {
        const f = extractInterval(t!, u);
        return ([v]) => f(v!);
      }
      const moment = toMoment(t!);
      return ([v]) => BigInt(extractField(u, ...moment(v!)));
    },
  },
  /** `(left - right) qualifier`: the difference as an interval of the result's qualifier. */
  interval_diff: {
    nulls: 'strict',
    make: ([t], result) => {
      const moment = toMoment(t!);
      if (isLongIntervalType(result)) return ([a, b]) => monthsBetween(moment(b!), moment(a!));
      return ([a, b]) => nsBetween(moment(b!), moment(a!)) / BigInt(NS_PER_MICRO);
    },
  },
  /** FLOOR(x TO unit), DATE_TRUNC, TIMESTAMP_TRUNC, TIME_TRUNC. */
  floor_to: {
    nulls: 'strict',
    make: ([t], _result, unit) => {
      const [read, write] = [toMoment(t!), fromMoment(t!)];
      return ([v]) => write(floorTo(unit as TimeUnit, read(v!)));
    },
  },
  /** CEIL(x TO unit); a TIME rounded up past midnight wraps to 00:00:00 (its day is dropped). */
  ceil_to: {
    nulls: 'strict',
    make: ([t], _result, unit) => {
      const [read, write] = [toMoment(t!), fromMoment(t!)];
      return ([v]) => write(ceilTo(unit as TimeUnit, read(v!)));
    },
  },
  /** TIMESTAMPDIFF(unit, a, b): b - a in whole units (an INTEGER), truncated toward zero. */
  timestamp_diff: {
    nulls: 'strict',
    make: ([t], _result, unit) => {
      const u = unit as TimeUnit;
      const moment = toMoment(t!);
      const months = { YEAR: 12, QUARTER: 3, MONTH: 1 }[u as string];
      if (months !== undefined)
        return ([a, b]) => checkInteger(Math.trunc(monthsBetween(moment(a!), moment(b!)) / months), u);
      const ns = u === 'WEEK' ? 7 * NS_PER_DAY : u === 'DAY' ? NS_PER_DAY : TIME_UNIT_NS[u]!;
      return ([a, b]) => checkInteger(nsBetween(moment(a!), moment(b!)) / BigInt(ns), u);
    },
  },
  /**
   * TIMESTAMPADD(unit, n, x): x moved by n units; the result's type is the SQL side's choice.
   * MICROSECOND and NANOSECOND counts move by whole milliseconds, truncated toward zero
   * (`TIMESTAMPADD(MICROSECOND, 2, ts)` is `ts`): Calcite rewrites them into millisecond
   * intervals, and Feldera's runtime tests expect exactly that.
   */
  timestamp_add: {
    nulls: 'strict',
    make: ([, t], result, unit) => {
      const u = unit as TimeUnit;
      const read = toMoment(t!);
      const write = fromMoment(result);
      const months = { YEAR: 12, QUARTER: 3, MONTH: 1 }[u as string];
      if (months !== undefined)
        return ([n, v]) => {
          const [d, ns] = read(v!);
          const total = intArg(n!) * months;
          const [y, m, day] = civilFromDays(d);
          const target = y * 12 + (m - 1) + total;
          const ny = Math.floor(target / 12);
          const nm = target - ny * 12 + 1;
          return write([daysFromCivil(ny, nm, Math.min(day, daysInMonth(ny, nm))), ns]);
        };
      const perMilli = u === 'MICROSECOND' ? 1000n : u === 'NANOSECOND' ? 1_000_000n : 1n;
      const step =
        perMilli > 1n
          ? BigInt(NS_PER_MILLI)
          : BigInt(u === 'WEEK' ? 7 * NS_PER_DAY : u === 'DAY' ? NS_PER_DAY : TIME_UNIT_NS[u]!);
      const day = BigInt(NS_PER_DAY);
      return ([n, v]) => {
        const [d, ns] = read(v!);
        let total = BigInt(ns) + (BigInt(n as number | bigint) / perMilli) * step;
        if (t!.type === 'TIME' && result.type === 'TIME') return Number(((total % day) + day) % day);
        const days = total >= 0n ? total / day : -((-total + day - 1n) / day);
        total -= days * day;
        return write([d + Number(days), Number(total)]);
      };
    },
  },
  make_date: {
    nulls: 'strict',
    make:
      () =>
      ([y, m, d]) => {
        const [year, month, day] = [intArg(y!), intArg(m!), intArg(d!)];
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
        return daysFromCivil(year, month, day);
      },
  },
  make_time: {
    nulls: 'strict',
    make:
      () =>
      ([h, m, s]) => {
        const [hour, minute] = [intArg(h!), intArg(m!)];
        const ns = secondsToNs(s!);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || ns === null) return null;
        return hour * NS_PER_HOUR + minute * NS_PER_MINUTE + ns;
      },
  },
  make_timestamp: {
    nulls: 'strict',
    make:
      () =>
      ([y, mo, d, h, mi, s]) => {
        const [year, month, day, hour, minute] = [y, mo, d, h, mi].map((x) => intArg(x!)) as [
          number,
          number,
          number,
          number,
          number,
        ];
        const ns = secondsToNs(s!);
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || ns === null) return null;
        return makeTimestamp(
          daysFromCivil(year, month, day),
          hour * NS_PER_HOUR + minute * NS_PER_MINUTE + ns,
        );
      },
  },
  /**
   * DATE(text), which Feldera compiles to CAST(text AS DATE) (sql/functions/datetime-bigquery.ts):
   * chrono's `%Y-%m-%d` on the text as it is, so whitespace before a number is skipped and none
   * may follow the day; text it does not read fails the step, as sqllib's `cast_to_Date_s` does.
   */
  format_date: formatKernel('date'),
  format_time: formatKernel('time'),
  format_timestamp: formatKernel('timestamp'),
  parse_date: parseKernel('date'),
  parse_time: parseKernel('time'),
  parse_timestamp: parseKernel('timestamp'),
  /** CONVERT_TIMEZONE(from, to, ts): NULL when a zone is unknown or the wall time is ambiguous. */
  convert_timezone: {
    nulls: 'strict',
    make:
      () =>
      ([from, to, v]) => {
        const [z1, z2] = [findZone(from as string), findZone(to as string)];
        if (!z1 || !z2) return null;
        // Zones work in milliseconds; the nanoseconds below the millisecond ride along.
        const ts = v as bigint;
        const ms = floorDiv(ts, NS_PER_MILLI_BIG);
        const sub = ts - ms * NS_PER_MILLI_BIG;
        const utc = wallToUtc(z1, Number(ms));
        if (utc === null) return null;
        return BigInt(utc + z2(utc)) * NS_PER_MILLI_BIG + sub;
      },
  },
};
