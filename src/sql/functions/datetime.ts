/**
 * Date and time functions (Feldera's reference, "Date- and Time-Related Operations"); kernels
 * in engine/functions/datetime.ts. The functions that take a time unit keyword are bound in
 * datetime-units.ts (the parser marks their unit); the entries here for those names only
 * report a call written without one.
 *
 * Argument conversions follow Feldera's runtime tests (illarg_tests): FORMAT_DATE takes a
 * TIMESTAMP (its date) or a string (cast to DATE, NULL when it is not one); the PARSE_
 * functions take any scalar and read its text (PARSE_DATE of a BOOLEAN is NULL, not an error).
 */
import {
  type ColumnType,
  isDateTimeType,
  isIntegerType,
  isIntervalType,
  isNumericType,
  isStringType,
} from '../../engine/values/types.js';
import { call, coerce, fail, VARCHAR } from '../coercion.js';
import { nowCall } from '../now.js';
import type { Expr } from '../plan.js';
import { bindDate } from './datetime-bigquery.js';
import { bindExtract, bindUnitCall, timeUnit } from './datetime-units.js';
import {
  arity,
  type CallSite,
  type FunctionBinder,
  type FunctionFamily,
  illegalArguments,
  type Param,
} from './signature.js';

const DATE: ColumnType = { type: 'DATE', nullable: false };
const TIME: ColumnType = { type: 'TIME', nullable: false, precision: 0 };
const TIMESTAMP: ColumnType = { type: 'TIMESTAMP', nullable: false, precision: 0 };
const INTEGER: ColumnType = { type: 'INTEGER', nullable: false };

/** `YEAR(d)` and the other shorthands of EXTRACT. */
function shorthand(
  unit: 'YEAR' | 'MONTH' | 'DAY' | 'DOW' | 'DOY' | 'QUARTER' | 'WEEK' | 'HOUR' | 'MINUTE' | 'SECOND',
): FunctionBinder {
  return (site) => {
    arity(site, 1);
    return bindExtract(unit, site.args[0]!, site.span, site.name);
  };
}

/** A function with a time unit keyword (datetime-units.ts); `form` shows it for calls without one. */
function withUnit(form: string): FunctionBinder {
  return (site) =>
    site.unit
      ? bindUnitCall(site, site.unit.name, site.unit.span)
      : fail(site.span, `${site.name} takes a time unit keyword: ${form}`);
}

/** EXTRACT and DATE_PART are special forms of the parser; as calls they are bound here alike. */
function extractForm(form: string): FunctionBinder {
  return (site) => {
    if (!site.unit) return fail(site.span, `${site.name} takes a time unit keyword: ${form}`);
    arity(site, 1);
    return bindExtract(timeUnit(site.unit.name, site.unit.span), site.args[0]!, site.span);
  };
}

/** Converts an argument to `t` when it has one of the accepted types (a NULL literal always fits). */
function argAs(
  site: CallSite,
  i: number,
  t: ColumnType,
  accepted: (a: ColumnType) => boolean,
  forms: Param[][],
): Expr {
  const a = site.args[i]!;
  if (a.type.type !== 'NULL' && !accepted(a.type)) illegalArguments(site, forms);
  return coerce(
    a,
    { ...t, nullable: a.type.nullable || (isStringType(a.type) && isDateTimeType(t)) },
    site.argSpan(i),
  );
}

const nullableOf = (args: Expr[]) => args.some((a) => a.type.nullable);

/**
 * MAKE_DATE(y, m, d), MAKE_TIME(h, m, s), MAKE_TIMESTAMP(y, mo, d, h, mi, s): NULL when the
 * parts make no valid value. `whole` lists the parts that must be integers; the others but
 * the seconds may be any number (truncated); the seconds keep their fraction.
 */
function make(
  fn: 'make_date' | 'make_time' | 'make_timestamp',
  result: ColumnType,
  parts: number,
  whole: boolean,
): FunctionBinder {
  return (site) => {
    arity(site, parts);
    const seconds = fn === 'make_date' ? -1 : parts - 1;
    const forms: Param[][] = [
      Array.from({ length: parts }, (_, i) => (i === seconds || !whole ? 'numeric' : 'integer')),
    ];
    const args = site.args.map((a, i) => {
      const fits =
        a.type.type === 'NULL' || (i === seconds || !whole ? isNumericType(a.type) : isIntegerType(a.type));
      if (!fits) illegalArguments(site, forms);
      if (i !== seconds) return coerce(a, { type: 'BIGINT', nullable: a.type.nullable }, site.argSpan(i));
      return a.type.type === 'NULL' ? coerce(a, { ...INTEGER, nullable: true }) : a;
    });
    return call(fn, args, { ...result, nullable: true });
  };
}

/** FORMAT_DATE / FORMAT_TIME / FORMAT_TIMESTAMP(format, value): VARCHAR. */
function format(fn: 'format_date' | 'format_time' | 'format_timestamp', t: ColumnType): FunctionBinder {
  const takes = (a: ColumnType) =>
    isStringType(a) ||
    a.type === t.type ||
    (t.type === 'DATE' && a.type === 'TIMESTAMP') ||
    (t.type === 'TIMESTAMP' && a.type === 'DATE');
  return (site) => {
    arity(site, 2);
    const forms: Param[][] = [['string', 'datetime']];
    const f = argAs(site, 0, VARCHAR, isStringType, forms);
    const v = argAs(site, 1, t, takes, forms);
    return call(fn, [f, v], { ...VARCHAR, nullable: nullableOf([f, v]) });
  };
}

/** PARSE_DATE / PARSE_TIME / PARSE_TIMESTAMP(format, text): NULL when the text does not match. */
function parse(fn: 'parse_date' | 'parse_time' | 'parse_timestamp', t: ColumnType): FunctionBinder {
  const scalar = (a: ColumnType) =>
    isStringType(a) || isNumericType(a) || a.type === 'BOOLEAN' || isDateTimeType(a);
  return (site) => {
    arity(site, 2);
    const forms: Param[][] = [['string', 'string']];
    const f = argAs(site, 0, VARCHAR, isStringType, forms);
    const s = argAs(site, 1, VARCHAR, scalar, forms);
    return call(fn, [f, s], { ...t, nullable: true });
  };
}

/** DATE_ADD(d, interval) and DATE_SUB(d, interval): synonyms of `d + interval` and `d - interval`. */
function dateShift(fn: 'add' | 'sub'): FunctionBinder {
  return (site) => {
    arity(site, 2);
    const [d, i] = site.args as [Expr, Expr];
    const dateLike = d.type.type === 'DATE' || d.type.type === 'TIMESTAMP' || d.type.type === 'NULL';
    if (!dateLike || !(isIntervalType(i.type) || i.type.type === 'NULL'))
      illegalArguments(site, [['datetime', 'any']]);
    const base = d.type.type === 'NULL' ? coerce(d, { ...DATE, nullable: true }) : d;
    if (i.type.type === 'NULL') return coerce(i, { ...base.type, nullable: true });
    return call(fn, [base, i], { ...base.type, nullable: nullableOf([base, i]) });
  };
}

const convertTimezone: FunctionBinder = (site) => {
  arity(site, 3);
  const forms: Param[][] = [['string', 'string', 'datetime']];
  const from = argAs(site, 0, VARCHAR, isStringType, forms);
  const to = argAs(site, 1, VARCHAR, isStringType, forms);
  const ts = argAs(site, 2, TIMESTAMP, (a) => a.type === 'TIMESTAMP' || a.type === 'DATE', forms);
  return call('convert_timezone', [from, to, ts], { ...TIMESTAMP, nullable: true });
};

export const DATETIME_FUNCTIONS: FunctionFamily = {
  YEAR: shorthand('YEAR'),
  MONTH: shorthand('MONTH'),
  DAYOFMONTH: shorthand('DAY'),
  DAYOFWEEK: shorthand('DOW'),
  DAYOFYEAR: shorthand('DOY'),
  QUARTER: shorthand('QUARTER'),
  WEEK: shorthand('WEEK'),
  HOUR: shorthand('HOUR'),
  MINUTE: shorthand('MINUTE'),
  SECOND: shorthand('SECOND'),
  EXTRACT: extractForm('EXTRACT(unit FROM value)'),
  DATE_PART: extractForm('DATE_PART(unit, value)'),
  TIMESTAMPADD: withUnit('TIMESTAMPADD(unit, count, value)'),
  TIMESTAMPDIFF: withUnit('TIMESTAMPDIFF(unit, start, end)'),
  DATEDIFF: withUnit('DATEDIFF(unit, start, end)'),
  DATE_TRUNC: withUnit('DATE_TRUNC(value, unit)'),
  TIMESTAMP_TRUNC: withUnit('TIMESTAMP_TRUNC(value, unit)'),
  TIME_TRUNC: withUnit('TIME_TRUNC(value, unit)'),
  MAKE_DATE: make('make_date', DATE, 3, true),
  MAKE_TIME: make('make_time', TIME, 3, false),
  MAKE_TIMESTAMP: make('make_timestamp', TIMESTAMP, 6, true),
  FORMAT_DATE: format('format_date', DATE),
  FORMAT_TIME: format('format_time', TIME),
  FORMAT_TIMESTAMP: format('format_timestamp', TIMESTAMP),
  PARSE_DATE: parse('parse_date', DATE),
  PARSE_TIME: parse('parse_time', TIME),
  PARSE_TIMESTAMP: parse('parse_timestamp', TIMESTAMP),
  DATE_ADD: dateShift('add'),
  DATE_SUB: dateShift('sub'),
  CONVERT_TIMEZONE: convertTimezone,
  // Calcite's BigQuery DATE: only DATE(string) is implemented (datetime-bigquery.ts).
  DATE: bindDate,
  // The step's time: the planner turns the call into a read of the clock input (sql/now.ts).
  NOW: (site) => {
    arity(site, 0);
    return nowCall();
  },
};
