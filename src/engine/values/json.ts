/**
 * Feldera's JSON encoding of values: DATE `"YYYY-MM-DD"`, TIME `"HH:MM:SS[.fff]"`, TIMESTAMP
 * `"YYYY-MM-DD HH:MM:SS[.fff]"`, NULL `null`, and exact numbers for BIGINT and DECIMAL.
 *
 * `JSON.parse` turns numbers into doubles, which loses BIGINT and DECIMAL digits; callers that
 * have the raw JSON text of a number pass it as `rawText` and it is parsed exactly. Output goes
 * the other way: `valueToJsonText`/`rowToJsonText` print exact text, while `toJsonValue`
 * returns a JS value in which BIGINT and DECIMAL are `JsonNumberText` markers. Compound types,
 * VARIANT, BINARY and UUID are handled by json-compound.ts.
 */
import { type Caster, checkBigInt, checkSmallInt, fitDecimal, formatReal, makeCast } from './cast.js';
import { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from './datetime.js';
import { Decimal } from './decimal.js';
import { ValueError } from './errors.js';
import { compoundFromJson, compoundToJsonText } from './json-compound.js';
import { JsonNumberText } from './json-number.js';
import { type ColumnType, typeToSql } from './types.js';
import type { Value } from './value.js';

export { JsonNumberText };

export type JsonValue = null | boolean | number | string | JsonNumberText;

/** A column as the codecs need it. */
export interface ColumnDesc {
  name: string;
  type: ColumnType;
}

function wrongType(type: ColumnType, json: unknown): never {
  throw new ValueError(`expected ${typeToSql({ ...type, nullable: true })}, got ${describe(json)}`);
}

function describe(json: unknown): string {
  if (typeof json === 'string')
    return `string ${JSON.stringify(json.length > 40 ? `${json.slice(0, 40)}…` : json)}`;
  if (Array.isArray(json)) return 'an array';
  if (json !== null && typeof json === 'object') return 'an object';
  return `${typeof json} ${String(json)}`;
}

const textCasts = new Map<string, Caster>();
/** CAST('text' AS type), cached per target type. */
function castText(type: ColumnType, text: string): Value {
  const key = typeToSql(type);
  let cast = textCasts.get(key);
  if (!cast) {
    cast = makeCast({ type: 'VARCHAR', nullable: true, precision: -1 }, type);
    textCasts.set(key, cast);
  }
  return cast(text);
}

/**
 * Converts a parsed JSON value to an engine value of `type`. `rawText` is the JSON source text
 * of a number, used for exact BIGINT and DECIMAL input. Throws `ValueError` with the reason.
 */
export function parseJsonValue(type: ColumnType, json: unknown, rawText?: string): Value {
  if (json === null || json === undefined) {
    if (!type.nullable) throw new ValueError('NULL value for a NOT NULL column');
    return null;
  }
  if (json instanceof JsonNumberText && type.type !== 'VARIANT')
    return parseJsonValue(type, Number(json.text), json.text);
  switch (type.type) {
    case 'BOOLEAN':
      return typeof json === 'boolean' ? json : wrongType(type, json);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
      if (typeof json === 'number') {
        if (!Number.isInteger(json)) throw new ValueError(`expected an integer, got ${json}`);
        return checkSmallInt(json, type);
      }
      if (typeof json === 'string') return castText(type, json);
      return wrongType(type, json);
    case 'BIGINT':
    case 'UBIGINT':
      if (typeof json === 'bigint') return checkBigInt(json, type);
      if (typeof json === 'number') {
        if (rawText !== undefined && /^-?\d+$/.test(rawText.trim()))
          return checkBigInt(BigInt(rawText.trim()), type);
        if (!Number.isInteger(json)) throw new ValueError(`expected an integer, got ${json}`);
        return checkBigInt(BigInt(json), type);
      }
      if (typeof json === 'string') return castText(type, json);
      return wrongType(type, json);
    case 'REAL':
    case 'DOUBLE':
      if (typeof json === 'number') return type.type === 'REAL' ? Math.fround(json) : json;
      if (typeof json === 'string') return castText(type, json);
      return wrongType(type, json);
    case 'DECIMAL': {
      let d: Decimal | undefined;
      if (json instanceof Decimal) d = json;
      else if (typeof json === 'number')
        d = rawText !== undefined ? Decimal.parse(rawText) : Decimal.fromNumber(json);
      else if (typeof json === 'string') d = Decimal.parse(json);
      else return wrongType(type, json);
      if (!d) throw new ValueError(`not a decimal number: ${describe(json)}`);
      return fitDecimal(d, type);
    }
    case 'CHAR':
    case 'VARCHAR':
      // Feldera keeps the string the source sent, whatever the declared length.
      return typeof json === 'string' ? json : wrongType(type, json);
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP': {
      if (typeof json !== 'string') return wrongType(type, json);
      const text = json.trim();
      const v =
        type.type === 'DATE'
          ? parseDate(text)
          : type.type === 'TIME'
            ? parseTime(text)
            : parseTimestamp(text);
      if (v === undefined) throw new ValueError(`invalid ${type.type}: ${describe(json)}`);
      return v;
    }
    default:
      return compoundFromJson(type, json, parseJsonValue);
  }
}

/** The JSON form of a value; BIGINT and DECIMAL come back as `JsonNumberText`. */
export function toJsonValue(type: ColumnType, v: Value): JsonValue {
  if (v === null) return null;
  switch (type.type) {
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number);
    case 'TIMESTAMP':
      return formatTimestamp(v as bigint);
    case 'BIGINT':
    case 'UBIGINT':
    case 'DECIMAL':
      return new JsonNumberText(String(v));
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
    case 'CHAR':
    case 'VARCHAR':
      return v as boolean | number | string;
    case 'REAL':
    case 'DOUBLE':
      // JSON has no NaN or infinities; like serde_json, they become null.
      return Number.isFinite(v as number) ? (v as number) : null;
    default:
      // Compound values as their exact JSON text, printed as is.
      return new JsonNumberText(compoundToJsonText(type, v, valueToJsonText));
  }
}

/** Exact JSON text of one value. */
export function valueToJsonText(type: ColumnType, v: Value): string {
  if (v === null) return 'null';
  switch (type.type) {
    case 'BIGINT':
    case 'UBIGINT':
    case 'DECIMAL':
      return String(v);
    case 'REAL':
      return Number.isFinite(v as number) ? formatReal(v as number) : 'null';
    case 'DOUBLE':
      return Number.isFinite(v as number) ? String(v) : 'null';
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
      return String(v);
    case 'CHAR':
    case 'VARCHAR':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return JSON.stringify(toJsonValue(type, v));
    default:
      return compoundToJsonText(type, v, valueToJsonText);
  }
}

/** Returns a function printing rows of `columns` as exact JSON object text `{"col":value,...}`. */
export function makeRowJsonEncoder(columns: readonly ColumnDesc[]): (row: readonly Value[]) => string {
  const prefixes = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  return (row) => {
    let out = '';
    for (let i = 0; i < columns.length; i++)
      out += prefixes[i] + valueToJsonText(columns[i]!.type, row[i] as Value);
    return columns.length === 0 ? '{}' : `${out}}`;
  };
}

/** Exact JSON object text of one row. */
export function rowToJsonText(columns: readonly ColumnDesc[], row: readonly Value[]): string {
  return makeRowJsonEncoder(columns)(row);
}
