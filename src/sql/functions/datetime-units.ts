/**
 * The date/time functions that take a time unit keyword: EXTRACT (and DATE_PART and the
 * YEAR()/MONTH()/... shorthands), FLOOR / CEIL (x TO unit), DATE_TRUNC, TIMESTAMP_TRUNC,
 * TIME_TRUNC, TIMESTAMPDIFF (DATEDIFF) and TIMESTAMPADD. Kernels in engine/functions/datetime.ts.
 *
 * Which units each accepts, and the result types, are Feldera's reference's and its runtime
 * tests' (python/tests/runtime_aggtest/illarg_tests): DATE_TRUNC of a TIMESTAMP is a TIMESTAMP,
 * TIMESTAMP_TRUNC of a DATE is a TIMESTAMP, TIMESTAMPDIFF with DOY or DOW counts days,
 * TIMESTAMPADD with DOY or DOW is NULL, EXTRACT of HOUR, MINUTE or SECOND from a DATE is 0.
 * Other argument types are compile-time errors in Calcite's words ("Cannot apply 'X' to
 * arguments of type ...").
 */
import {
  canonicalUnit,
  DATE_UNITS,
  TIME_UNIT_NS,
  type TimeUnit,
} from '../../engine/values/datetime-fields.js';
import {
  type ColumnType,
  isDateTimeType,
  isIntegerType,
  isIntervalType,
  isLongIntervalType,
  isStringType,
  typeToSql,
} from '../../engine/values/types.js';
import { BIGINT, call, coerce, fail, lit } from '../coercion.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';
import type { CallSite } from './signature.js';

const TIMESTAMP: ColumnType = { type: 'TIMESTAMP', nullable: false, precision: 0 };

function label(t: ColumnType): string {
  return `<${typeToSql({ ...t, nullable: true })}>`;
}

/** Calcite's error for operands a function does not take; `shown` is the call as given. */
function cannot(name: string, shown: string, forms: string[], span: Span): never {
  return fail(
    span,
    `Cannot apply '${name}' to arguments of type '${shown}'. Supported form(s): ${forms.map((f) => `'${f}'`).join('\n')}`,
  );
}

/** The canonical unit a word names, or a located error. */
export function timeUnit(word: string, span: Span): TimeUnit {
  return canonicalUnit(word) ?? fail(span, `'${word}' is not a valid time unit`);
}

const TIME_FIELDS: ReadonlySet<TimeUnit> = new Set([
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
]);
const SHORT_INTERVAL_FIELDS: ReadonlySet<TimeUnit> = new Set([
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
  'NANOSECOND',
  'EPOCH',
]);
const LONG_INTERVAL_FIELDS: ReadonlySet<TimeUnit> = new Set([
  'MILLENNIUM',
  'CENTURY',
  'DECADE',
  'YEAR',
  'QUARTER',
  'MONTH',
  'EPOCH',
]);

/** EXTRACT(unit FROM operand) (`name` is the function as called, for errors): a BIGINT. */
export function bindExtract(unit: TimeUnit, operand: Expr, span: Span, name = 'EXTRACT'): Expr {
  if (operand.type.type === 'TIMESTAMP_TZ') operand = utcTimestamp(operand);
  const t = operand.type;
  const shown = name === 'EXTRACT' ? `EXTRACT(<${unit}> FROM ${label(t)})` : `${name}(${label(t)})`;
  const forms =
    name === 'EXTRACT'
      ? ['EXTRACT(<TIME UNIT> FROM <DATETIME>)', 'EXTRACT(<TIME UNIT> FROM <INTERVAL>)']
      : [`${name}(<DATETIME>)`];
  if (t.type === 'NULL') return lit(null, { ...BIGINT, nullable: true });
  const ok =
    t.type === 'DATE' || t.type === 'TIMESTAMP'
      ? true
      : t.type === 'TIME'
        ? TIME_FIELDS.has(unit)
        : isIntervalType(t)
          ? (isLongIntervalType(t) ? LONG_INTERVAL_FIELDS : SHORT_INTERVAL_FIELDS).has(unit)
          : false;
  if (!ok) cannot(name, shown, forms, span);
  return call('extract', [operand], { ...BIGINT, nullable: t.nullable }, unit);
}

/** Units each rounding function accepts, by operand type. */
const ROUNDING: Record<
  string,
  { DATE?: ReadonlySet<TimeUnit>; TIME?: ReadonlySet<TimeUnit>; TIMESTAMP?: ReadonlySet<TimeUnit> }
> = {
  FLOOR: {
    DATE: DATE_UNITS,
    TIME: new Set(['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND']),
    TIMESTAMP: new Set([...DATE_UNITS, 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND']),
  },
  DATE_TRUNC: { DATE: DATE_UNITS, TIMESTAMP: DATE_UNITS },
  TIMESTAMP_TRUNC: { TIMESTAMP: new Set([...DATE_UNITS, 'HOUR', 'MINUTE', 'SECOND']) },
  TIME_TRUNC: { TIME: new Set(['HOUR', 'MINUTE', 'SECOND']) },
};
ROUNDING.CEIL = ROUNDING.FLOOR!;

/** FLOOR/CEIL(x TO unit), DATE_TRUNC(x, unit), TIMESTAMP_TRUNC(x, unit), TIME_TRUNC(x, unit). */
function bindRounding(site: CallSite, unit: TimeUnit, unitSpan: Span): Expr {
  const rule = ROUNDING[site.name]!;
  const to = site.name === 'FLOOR' || site.name === 'CEIL';
  const shown = `${site.name}(${site.args.map((a) => label(a.type)).join(', ')}${to ? ` TO <${unit}>` : `, <${unit}>`})`;
  const forms = Object.keys(rule).map((k) =>
    to ? `${site.name}(<${k}> TO <TIME UNIT>)` : `${site.name}(<${k}>, <TIME UNIT>)`,
  );
  if (site.args.length !== 1) cannot(site.name, shown, forms, site.span);
  let x = site.args[0]!;
  if (x.type.type === 'NULL') {
    const only = Object.keys(rule)[0] as 'DATE' | 'TIME' | 'TIMESTAMP';
    x = coerce(x, { type: only, nullable: true });
  }
  // TIMESTAMP_TRUNC of a DATE reads it as the midnight starting it.
  if (site.name === 'TIMESTAMP_TRUNC' && x.type.type === 'DATE')
    x = coerce(x, { ...TIMESTAMP, nullable: x.type.nullable });
  const units = rule[x.type.type as 'DATE' | 'TIME' | 'TIMESTAMP'];
  if (!units) cannot(site.name, shown, forms, site.span);
  if (!units.has(unit)) fail(unitSpan, `${site.name} of a ${x.type.type} cannot use the time unit ${unit}`);
  return call(site.name === 'CEIL' ? 'ceil_to' : 'floor_to', [x], x.type, unit);
}

/** The two operands of TIMESTAMPDIFF at one type: a DATE meeting a TIMESTAMP becomes one, a string literal takes the other's type. */
function diffOperands(a: Expr, b: Expr): [Expr, Expr] | undefined {
  const known = [a, b].find((x) => isDateTimeType(x.type));
  if (!known) return undefined;
  let target = known.type;
  for (const x of [a, b])
    if (isDateTimeType(x.type) && x.type.type !== target.type) {
      if (x.type.type === 'TIME' || target.type === 'TIME') return undefined;
      target = TIMESTAMP;
    }
  const fits = (x: Expr) =>
    isDateTimeType(x.type) || x.type.type === 'NULL' || (x.kind === 'lit' && isStringType(x.type));
  if (!fits(a) || !fits(b)) return undefined;
  return [
    coerce(a, { ...target, nullable: a.type.nullable }),
    coerce(b, { ...target, nullable: b.type.nullable }),
  ];
}

const MONTH_UNITS: ReadonlySet<TimeUnit> = new Set(['YEAR', 'QUARTER', 'MONTH']);

/** TIMESTAMPDIFF(unit, a, b) and DATEDIFF: b - a in whole units, an INTEGER. */
function bindDiff(site: CallSite, unit: TimeUnit, unitSpan: Span): Expr {
  const shown = `${site.name}(<${unit}>, ${site.args.map((a) => label(a.type)).join(', ')})`;
  const forms = [`${site.name}(<TIME UNIT>, <DATETIME>, <DATETIME>)`];
  if (site.args.length !== 2) cannot(site.name, shown, forms, site.span);
  const operands = diffOperands(site.args[0]!, site.args[1]!) ?? cannot(site.name, shown, forms, site.span);
  const u: TimeUnit = unit === 'DOY' || unit === 'DOW' || unit === 'ISODOW' ? 'DAY' : unit;
  const t = operands[0].type;
  const valid = MONTH_UNITS.has(u) || u === 'WEEK' || u === 'DAY' || TIME_UNIT_NS[u] !== undefined;
  if (!valid || (t.type === 'TIME' && (MONTH_UNITS.has(u) || u === 'WEEK')))
    fail(unitSpan, `${site.name} of ${t.type} values cannot use the time unit ${unit}`);
  const nullable = operands.some((o) => o.type.nullable);
  return call('timestamp_diff', operands, { type: 'INTEGER', nullable }, u);
}

/** TIMESTAMPADD(unit, n, x): the type of the result follows Feldera's reference. */
function bindAdd(site: CallSite, unit: TimeUnit, unitSpan: Span): Expr {
  const shown = `TIMESTAMPADD(<${unit}>, ${site.args.map((a) => label(a.type)).join(', ')})`;
  const forms = ['TIMESTAMPADD(<TIME UNIT>, <INTEGER>, <DATETIME>)'];
  if (site.args.length !== 2) cannot('TIMESTAMPADD', shown, forms, site.span);
  let [n, x] = site.args as [Expr, Expr];
  if (
    !(isIntegerType(n.type) || n.type.type === 'NULL') ||
    !(isDateTimeType(x.type) || x.type.type === 'NULL')
  )
    cannot('TIMESTAMPADD', shown, forms, site.span);
  if (n.type.type === 'NULL') n = coerce(n, { type: 'INTEGER', nullable: true });
  if (x.type.type === 'NULL') x = coerce(x, { ...TIMESTAMP, nullable: true });
  const nullable = n.type.nullable || x.type.nullable;
  const dayOrMore =
    MONTH_UNITS.has(unit) || unit === 'WEEK' || unit === 'DAY' || unit === 'DOY' || unit === 'DOW';
  let result: ColumnType;
  if (x.type.type === 'TIMESTAMP') result = { ...x.type, nullable };
  else if (x.type.type === 'DATE')
    result = dayOrMore ? { type: 'DATE', nullable } : { ...TIMESTAMP, nullable };
  else {
    if (dayOrMore) fail(unitSpan, `TIMESTAMPADD of a TIME cannot use the time unit ${unit}`);
    result = { type: 'TIME', nullable, precision: 0 };
  }
  // Feldera's runtime gives NULL for these units (its runtime tests).
  if (unit === 'DOY' || unit === 'DOW') return lit(null, { ...result, nullable: true });
  if (!(MONTH_UNITS.has(unit) || unit === 'WEEK' || unit === 'DAY' || TIME_UNIT_NS[unit] !== undefined))
    fail(unitSpan, `TIMESTAMPADD cannot use the time unit ${unit}`);
  if (result.type === 'TIMESTAMP' && x.type.type === 'DATE')
    x = coerce(x, { ...TIMESTAMP, nullable: x.type.nullable });
  return call('timestamp_add', [n, x], result, unit);
}

/**
 * A TIMESTAMP WITH TIME ZONE read as the TIMESTAMP of its instant in UTC: Feldera keeps only
 * that instant (reference datetime.md), so the fields, truncations and differences of the
 * value are those of its UTC time ("any operation available on TIMESTAMP also applies").
 */
function utcTimestamp(e: Expr): Expr {
  return coerce(e, { ...TIMESTAMP, nullable: e.type.nullable });
}

/**
 * A unit call with TIMESTAMP WITH TIME ZONE operands: bound on their UTC timestamps, a
 * TIMESTAMP result (FLOOR, CEIL, the truncations, TIMESTAMPADD) turned back into an instant.
 * TIMESTAMPDIFF between one and another type is refused: not known how Feldera converts them.
 */
function bindOnUtc(site: CallSite, word: string, unitSpan: Span): Expr {
  const datetimes = site.args.filter((a) => a.type.type !== 'NULL' && !isIntegerType(a.type));
  if (datetimes.some((a) => a.type.type !== 'TIMESTAMP_TZ'))
    fail(
      site.span,
      `${site.name} of TIMESTAMP WITH TIME ZONE and ${datetimes.map((a) => label(a.type)).join(', ')} is not yet implemented`,
      'Not yet implemented',
    );
  const args = site.args.map((a) => (a.type.type === 'TIMESTAMP_TZ' ? utcTimestamp(a) : a));
  const bound = bindUnitCall({ ...site, args }, word, unitSpan);
  if (bound.type.type !== 'TIMESTAMP') return bound;
  return coerce(bound, { type: 'TIMESTAMP_TZ', nullable: bound.type.nullable, precision: 6 });
}

/** Binds a call that carries a time unit keyword (see the parser's `unit` of a call). */
export function bindUnitCall(site: CallSite, word: string, unitSpan: Span): Expr {
  if (site.args.some((a) => a.type.type === 'TIMESTAMP_TZ')) return bindOnUtc(site, word, unitSpan);
  const unit = timeUnit(word, unitSpan);
  switch (site.name) {
    case 'TIMESTAMPDIFF':
    case 'DATEDIFF':
      return bindDiff(site, unit, unitSpan);
    case 'TIMESTAMPADD':
      return bindAdd(site, unit, unitSpan);
    case 'FLOOR':
    case 'CEIL':
    case 'DATE_TRUNC':
    case 'TIMESTAMP_TRUNC':
    case 'TIME_TRUNC':
      return bindRounding(site, unit, unitSpan);
    default:
      return fail(site.span, `${site.name} does not take a time unit`);
  }
}
