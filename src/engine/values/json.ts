/**
 * Feldera's JSON encoding of values: DATE `"YYYY-MM-DD"`, TIME `"HH:MM:SS[.fff]"`, TIMESTAMP
 * `"YYYY-MM-DD HH:MM:SS[.fff]"`, NULL `null`, and exact numbers for BIGINT and DECIMAL.
 *
 * `JSON.parse` turns numbers into doubles, which loses BIGINT and DECIMAL digits; callers that
 * have the raw JSON text of a number pass it as `rawText` and it is parsed exactly. Output goes
 * the other way: `valueToJsonText`/`rowToJsonText` print exact text, while `toJsonValue`
 * returns a JS value in which BIGINT and DECIMAL are `JsonNumberText` markers.
 */
import {
  type Caster,
  checkBigInt,
  checkSmallInt,
  fitDecimal,
  fitString,
  formatReal,
  makeCast,
} from './cast.js';
import { formatDate, formatTime, formatTimestamp } from './datetime.js';
import { Decimal } from './decimal.js';
import { ValueError } from './errors.js';
import { type ColumnType, typeToSql } from './types.js';
import type { Value } from './value.js';

/** A number whose exact text must be printed as is (BIGINT, DECIMAL). */
export class JsonNumberText {
  constructor(readonly text: string) {}
  /** Lets plain `JSON.stringify` print it, approximately; use `valueToJsonText` for exact output. */
  toJSON(): number {
    return Number(this.text);
  }
}

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
  switch (type.type) {
    case 'BOOLEAN':
      return typeof json === 'boolean' ? json : wrongType(type, json);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
      if (typeof json === 'number') {
        if (!Number.isInteger(json)) throw new ValueError(`expected an integer, got ${json}`);
        return checkSmallInt(json, type);
      }
      if (typeof json === 'string') return castText(type, json);
      return wrongType(type, json);
    case 'BIGINT':
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
      return typeof json === 'string' ? fitString(json, type) : wrongType(type, json);
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return typeof json === 'string' ? castText(type, json) : wrongType(type, json);
    default:
      throw new ValueError(`values of type ${typeToSql(type)} cannot be read from JSON`);
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
      return formatTimestamp(v as number);
    case 'BIGINT':
    case 'DECIMAL':
      return new JsonNumberText(String(v));
    case 'REAL':
    case 'DOUBLE':
      // JSON has no NaN or infinities; like serde_json, they become null.
      return Number.isFinite(v as number) ? (v as number) : null;
    default:
      return v as boolean | number | string;
  }
}

/** Exact JSON text of one value. */
export function valueToJsonText(type: ColumnType, v: Value): string {
  if (v === null) return 'null';
  switch (type.type) {
    case 'BIGINT':
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
      return String(v);
    default:
      return JSON.stringify(toJsonValue(type, v));
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
