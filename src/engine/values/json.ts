/**
 * Feldera's JSON encoding of values: DATE `"YYYY-MM-DD"`, TIME `"HH:MM:SS[.fff]"`, TIMESTAMP
 * `"YYYY-MM-DD HH:MM:SS[.fff]"`, NULL `null`, and exact numbers for BIGINT and DECIMAL.
 *
 * `JSON.parse` turns numbers into doubles, which loses BIGINT and DECIMAL digits; callers that
 * have the raw JSON text of a number pass it as `rawText` and it is parsed exactly. Output goes
 * the other way: `valueToJsonText`/`rowToJsonText` print exact text, while `toJsonValue`
 * returns a JS value in which BIGINT and DECIMAL are `JsonNumberText` markers.
 *
 * Input is as strict as Feldera's, which reads records with serde_json
 * (crates/adapters/src/format/json/input.rs) into plain serde types for integer and float
 * columns (`deserialize_without_context!` in
 * crates/feldera-types/src/serde_with_context/deserialize.rs; `F64` is a
 * `#[serde(transparent)]` `OrderedFloat<f64>`, crates/dbsp/src/algebra/floats.rs): an integer
 * column takes only an integer literal (no string, no fraction or exponent), a float column
 * only a number, and a number beyond the range of the column's type is refused (serde_json's
 * "number out of range") rather than read as an infinity. DECIMAL takes a number or a string,
 * as `rust_decimal` does.
 *
 * Non-finite floats: JSON has no literal for NaN or the infinities; Feldera writes them as
 * `null` (serde_json's `serialize_f64`; Feldera's Python SDK 0.312 documents for ad-hoc JSON
 * that "the server emits those as null"), and so does this module. They travel exactly in
 * CSV (csv.ts) and show in text tables (text-table.ts).
 *
 * Compound types, VARIANT, BINARY and UUID are handled by json-compound.ts.
 */
import { checkBigInt, checkSmallInt, fitDecimal, formatReal } from './cast.js';
import { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from './datetime.js';
import { Decimal } from './decimal.js';
import { ValueError } from './errors.js';
import { compoundFromJson, compoundToJsonText } from './json-compound.js';
import { JsonNumberText } from './json-number.js';
import { type ColumnType, typeToSql } from './types.js';
import { type Value, Variant } from './value.js';

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

/** The integer a JSON number stands for; a fraction or exponent is refused even when whole. */
function integerOf(json: number, rawText: string | undefined): number {
  if (rawText !== undefined ? !/^-?\d+$/.test(rawText) : !Number.isInteger(json))
    throw new ValueError(`expected an integer, got ${rawText ?? json}`);
  return json;
}

/**
 * Converts a parsed JSON value to an engine value of `type`. `rawText` is the JSON source text
 * of a number, used for exact BIGINT and DECIMAL input. Throws `ValueError` with the reason.
 */
export function parseJsonValue(type: ColumnType, json: unknown, rawText?: string): Value {
  if (json === null || json === undefined) {
    // A NOT NULL VARIANT (a ROW field, whose fields are NOT NULL by default) reads JSON null as
    // the VARIANT null, as Feldera does; a nullable one reads it as SQL NULL.
    if (type.type === 'VARIANT' && !type.nullable) return Variant.NULL;
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
      if (typeof json !== 'number') return wrongType(type, json);
      return checkSmallInt(integerOf(json, rawText), type);
    case 'BIGINT':
    case 'UBIGINT':
      if (typeof json === 'bigint') return checkBigInt(json, type);
      if (typeof json !== 'number') return wrongType(type, json);
      if (rawText !== undefined && /^-?\d+$/.test(rawText)) return checkBigInt(BigInt(rawText), type);
      return checkBigInt(BigInt(integerOf(json, rawText)), type);
    case 'REAL':
    case 'DOUBLE': {
      if (typeof json !== 'number') return wrongType(type, json);
      const v = type.type === 'REAL' ? Math.fround(json) : json;
      if (!Number.isFinite(v))
        throw new ValueError(
          `number ${rawText ?? json} is out of range for ${typeToSql({ ...type, nullable: true })}`,
        );
      return v;
    }
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
      // JSON has no NaN or infinities; like serde_json (and so Feldera), they become null.
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
