/**
 * The scalar function library's SQL side: every family's functions by name, and the names of
 * Feldera's functions that Sluice does not have yet, which are refused with "Not yet
 * implemented" before their arguments are even bound (so a unit keyword such as `MINUTE` in
 * `TIMESTAMPADD(MINUTE, ...)` never surfaces as "Column 'minute' not found").
 *
 * Adding a function: add its binder to its family's file here and its kernel to the family's
 * file in engine/functions; nothing else changes. A name defined by two families is reported
 * when this module loads.
 */
import { hasTimestampTz, typeToSql } from '../../engine/values/types.js';
import type * as ast from '../ast.js';
import { fail } from '../coercion.js';
import { SqlError } from '../messages.js';
import type { Expr } from '../plan.js';
import { ARRAY_FUNCTIONS } from './array.js';
import { BINARY_FUNCTIONS } from './binary.js';
import { CONDITIONAL_FUNCTIONS } from './conditional.js';
import { DATETIME_FUNCTIONS } from './datetime.js';
import { BIGQUERY_REFUSALS } from './datetime-bigquery.js';
import { FLOAT_FUNCTIONS } from './float.js';
import { JSON_FUNCTIONS } from './json.js';
import { MAP_FUNCTIONS } from './map.js';
import { NUMERIC_FUNCTIONS } from './numeric.js';
import { REGEX_FUNCTIONS } from './regex.js';
import type { CallSite, FunctionBinder, FunctionFamily } from './signature.js';
import { STRING_FUNCTIONS } from './string.js';

const FAMILIES: Record<string, FunctionFamily> = {
  string: STRING_FUNCTIONS,
  binary: BINARY_FUNCTIONS,
  regex: REGEX_FUNCTIONS,
  numeric: NUMERIC_FUNCTIONS,
  float: FLOAT_FUNCTIONS,
  datetime: DATETIME_FUNCTIONS,
  conditional: CONDITIONAL_FUNCTIONS,
  map: MAP_FUNCTIONS,
  json: JSON_FUNCTIONS,
  array: ARRAY_FUNCTIONS,
};

function merge(): ReadonlyMap<string, FunctionBinder> {
  const all = new Map<string, FunctionBinder>();
  const owner = new Map<string, string>();
  for (const [family, functions] of Object.entries(FAMILIES))
    for (const [name, binder] of Object.entries(functions)) {
      if (all.has(name))
        throw new Error(`function ${name} is defined by both ${owner.get(name)} and ${family}`);
      all.set(name, binder);
      owner.set(name, family);
    }
  return all;
}

/** Every implemented scalar function, by upper-case name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionBinder> = merge();

/** The scalar functions of Feldera's SQL reference (0.312, function index), called with parentheses. */
export const FELDERA_FUNCTIONS: ReadonlySet<string> = new Set(
  `ABS ACOS ACOSH ARRAY ARRAY_APPEND ARRAY_COMPACT ARRAY_CONCAT ARRAY_CONTAINS ARRAY_DISTINCT ARRAY_EXCEPT
  ARRAY_EXISTS ARRAY_INSERT ARRAY_INTERSECT ARRAY_JOIN ARRAY_LENGTH ARRAY_MAX ARRAY_MIN ARRAY_POSITION
  ARRAY_PREPEND ARRAY_REMOVE ARRAY_REPEAT ARRAY_REVERSE ARRAY_SIZE ARRAY_TO_STRING ARRAY_UNION ARRAYS_OVERLAP
  ASCII ASIN ASINH ATAN ATAN2 ATANH BIN2UTF8 BROUND CARDINALITY CBRT CEIL CEILING CHAR_LENGTH CHARACTER_LENGTH
  CHR COALESCE CONCAT CONCAT_WS CONNECTOR_METADATA CONTAINS CONVERT_TIMEZONE COS COSH COT COTH CSC CSCH DATE
  DATE_ADD DATE_PART DATE_SUB DATE_TRUNC DATEDIFF DAYOFMONTH DAYOFWEEK DAYOFYEAR DEGREES DIV_NULL DOW DOY
  ELEMENT EQUALS EXP EXTRACT FINITE_OR_NULL FLOOR FORMAT_DATE FORMAT_TIME FORMAT_TIMESTAMP GREATEST
  GREATEST_IGNORE_NULLS GUNZIP HOUR IF IFNULL INITCAP INITCAP_SPACES IS_INF IS_NAN LEAST LEAST_IGNORE_NULLS
  LEFT LEN LENGTH LN LOG LOG10 LOWER MAKE_DATE MAKE_TIME MAKE_TIMESTAMP MAP MAP_CONTAINS_KEY MAP_KEYS
  MAP_VALUES MD5 MINUTE MOD MONTH NOW NULLIF OCTET_LENGTH OVERLAY PARSE_DATE PARSE_JSON PARSE_TIME
  PARSE_TIMESTAMP PI POSITION POW POWER QUARTER RADIANS REGEXP_REPLACE REPEAT REPLACE REVERSE RIGHT RLIKE
  ROUND SAFE_CAST SAFE_OFFSET SEC SECH SECOND SEQUENCE SIGN SIN SINH SORT_ARRAY SPLIT SPLIT_PART SQRT SUBSTR
  SUBSTRING TAN TANH TIME_TRUNC TIMESTAMP_TRUNC TIMESTAMPADD TIMESTAMPDIFF TO_HEX TO_INT TO_JSON TRANSFORM
  TRUNC TRUNCATE TYPEOF UPPER VARIANTNULL WEEK XXHASH YEAR`.split(/\s+/),
);

/**
 * Feldera functions written in a syntax of their own that the parser or binder turns into
 * another construct, so they are not in the registries: `SAFE_CAST(x AS t)` is a cast,
 * `MAP(k, v, ...)` (Calcite's Spark-library function) the map constructor `MAP[k, v, ...]`,
 * and `PI` a bare name (with parentheses it is no function, as in Calcite).
 */
export const SYNTAX_FORMS: ReadonlySet<string> = new Set(['SAFE_CAST', 'MAP', 'PI']);

/**
 * Names in Feldera's function index that are the index's names of other functions, not
 * functions of their own: its compiler registers Calcite's `DAYOFWEEK` and `DAYOFYEAR` under
 * the documentation names `DOW` and `DOY` (the time units of `EXTRACT`), so `DOW(d)` is "No
 * match found for function signature" in Feldera as here.
 */
export const INDEX_ALIASES: ReadonlyMap<string, string> = new Map([
  ['DOW', 'DAYOFWEEK'],
  ['DOY', 'DAYOFYEAR'],
]);

/**
 * Why a Feldera function stays refused, where there is more to say than "not yet
 * implemented" (docs/sql.md gives the details).
 */
const REFUSALS: ReadonlyMap<string, string> = new Map([
  [
    'CONNECTOR_METADATA',
    'CONNECTOR_METADATA() is supported only in the DEFAULT expression of a table column',
  ],
  [
    'XXHASH',
    "XXHASH is not yet implemented: Sluice cannot reproduce the hash Feldera computes (its reference's XXHASH('abc', 10) is 6026019377950218999)",
  ],
  ...BIGQUERY_REFUSALS,
]);

/**
 * Refuses a call of a Feldera function that Sluice does not implement, at the call's position;
 * called before the arguments are bound.
 */
export function refuseUnimplemented(e: Extract<ast.Expr, { kind: 'call' }>): void {
  if (FUNCTIONS.has(e.name)) return;
  const refusal = REFUSALS.get(e.name);
  if (refusal) fail(e.span, refusal, 'Not yet implemented');
  if (FELDERA_FUNCTIONS.has(e.name) && !INDEX_ALIASES.has(e.name) && !SYNTAX_FORMS.has(e.name))
    fail(e.span, `Function ${e.name} is not yet implemented`, 'Not yet implemented');
}

/** Binds a call of a scalar function whose arguments are already bound to `args`. */
export function bindFunction(e: Extract<ast.Expr, { kind: 'call' }>, args: Expr[]): Expr {
  if (e.star || e.distinct) fail(e.span, `${e.name} does not take ${e.star ? '*' : 'DISTINCT'}`);
  if (e.filter || e.orderBy || e.ignoreNulls !== undefined)
    fail(e.span, `${e.name} is not an aggregate function; FILTER, ORDER BY and NULLS options need one`);
  const binder = FUNCTIONS.get(e.name);
  if (!binder)
    return fail(
      e.span,
      `No match found for function signature ${e.name}(${args.map((a) => typeToSql(a.type)).join(', ')})`,
      'Function not found',
    );
  const site: CallSite = { name: e.name, args, span: e.span, argSpan: (i) => e.args[i]?.span ?? e.span };
  const bind = () => binder(e.unit ? { ...site, unit: e.unit } : site);
  if (!args.some((a) => hasTimestampTz(a.type))) return bind();
  // Feldera applies to TIMESTAMP WITH TIME ZONE what applies to TIMESTAMP; a function Sluice
  // does not bind for one is a refusal, not a type error (sql/timestamp-tz.ts).
  try {
    return bind();
  } catch (err) {
    if (!(err instanceof SqlError) || err.errorType === 'Not yet implemented') throw err;
    return fail(
      e.span,
      `${e.name} of TIMESTAMP WITH TIME ZONE values is not yet implemented (${err.message})`,
      'Not yet implemented',
    );
  }
}

export type { CallSite, FunctionBinder, FunctionFamily, Param } from './signature.js';
