/**
 * CSV fields. The caller splits records and removes CSV quoting; these functions convert one
 * field's text. An empty field, `null` or `NULL` is NULL, except for string columns where the
 * text is the value, kept as sent whatever the declared length (Feldera's CSV format). ARRAY,
 * MAP, ROW and VARIANT fields hold JSON text (strings may use single quotes, as in Feldera's
 * reference: `['abc', '123']`).
 *
 * REAL and DOUBLE fields carry every float exactly, NaN and the infinities included, as
 * Feldera's CSV format does: its encoder (crates/adapters/src/format/csv.rs, the `csv` crate's
 * serializer) prints floats with `ryu::Buffer::format`, which writes `NaN`, `inf` and `-inf`,
 * and its reader (crates/adapters/src/format/csv/deserializer.rs, `deserialize_f64`) parses
 * with Rust's `str::parse::<f64>`, which takes those and `infinity`, in any case, with an
 * optional sign. One difference: Rust reads a finite literal too large for the type (`1e309`)
 * as an infinity; here it is refused, so an infinity is only ever written on purpose.
 *
 * Integer fields take an integer literal only (Rust's `str::parse::<i32>`, which Feldera
 * uses, refuses `1.5` and `1e2`): a CAST from text would truncate `1.5` to 1 without a word.
 */
import { fitBinary, fromHex } from './binary.js';
import { makeCast } from './cast.js';
import { formatDate, formatTime, formatTimestamp } from './datetime.js';
import { ValueError } from './errors.js';
import { parseJsonValue, valueToJsonText } from './json.js';
import { compoundFromJson } from './json-compound.js';
import { parseJsonText } from './json-text.js';
import {
  type ColumnType,
  isBinaryType,
  isCompoundType,
  isDateTimeType,
  isIntegerType,
  isStringType,
} from './types.js';
import type { Value } from './value.js';

const TEXT: ColumnType = { type: 'VARCHAR', nullable: true, precision: -1 };

/** Parses the (unquoted) text of a CSV field as a value of `type`. */
export function parseCsvField(type: ColumnType, text: string): Value {
  if (isStringType(type)) return type.nullable && (text === 'null' || text === 'NULL') ? null : text;
  if (text === '' || text === 'null' || text === 'NULL') {
    if (!type.nullable) throw new ValueError('NULL value for a NOT NULL column');
    return null;
  }
  if (isCompoundType(type) || type.type === 'VARIANT')
    return compoundFromJson(type, parseJsonText(text, true), parseJsonValue);
  if (isDateTimeType(type)) return parseJsonValue(type, text);
  if (isBinaryType(type)) return binaryFromHex(type, text);
  if (type.type === 'BOOLEAN') {
    const t = text.trim().toLowerCase();
    if (t === 'true' || t === 't' || t === '1') return true;
    if (t === 'false' || t === 'f' || t === '0') return false;
    throw new ValueError(`expected a boolean, got '${text}'`);
  }
  if (type.type === 'REAL' || type.type === 'DOUBLE') return parseFloatText(type, text);
  if (isIntegerType(type) && !INTEGER_TEXT.test(text.trim()))
    throw new ValueError(`expected an integer, got '${text.slice(0, 40)}'`);
  return castFromText(type)(text);
}

/** The cast from text to each column type, made once: making it per field dominated CSV ingress. */
const textCasts = new WeakMap<ColumnType, (v: Value) => Value>();
function castFromText(type: ColumnType): (v: Value) => Value {
  let cast = textCasts.get(type);
  if (!cast) {
    cast = makeCast(TEXT, type);
    textCasts.set(type, cast);
  }
  return cast;
}

/**
 * A BINARY / VARBINARY field: hexadecimal digits (an odd count gets a leading 0), fitted to the
 * column's length. A CAST of text to binary takes its UTF-8 bytes instead; CSV keeps hex.
 */
function binaryFromHex(type: ColumnType, text: string): Uint8Array {
  const t = text.trim();
  const bytes = fromHex(t.length % 2 === 0 ? t : `0${t}`);
  if (!bytes)
    throw new ValueError(`expected hexadecimal digits for ${type.type}, got '${text.slice(0, 40)}'`);
  return fitBinary(bytes, type);
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_TEXT = /^([+-]?)(?:(inf|infinity)|nan)$/i;

/** A REAL or DOUBLE from its text: a decimal literal in range, or NaN/inf/infinity. */
function parseFloatText(type: ColumnType, text: string): number {
  const t = text.trim();
  const special = NON_FINITE_TEXT.exec(t);
  if (special) return special[2] === undefined ? Number.NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!FLOAT_TEXT.test(t)) throw new ValueError(`expected a ${type.type} number, got '${text.slice(0, 40)}'`);
  const v = type.type === 'REAL' ? Math.fround(Number(t)) : Number(t);
  if (!Number.isFinite(v)) throw new ValueError(`number ${t.slice(0, 40)} is out of range for ${type.type}`);
  return v;
}

/** The text of a float as Feldera's CSV encoder writes the non-finite ones. */
export function formatFloatText(type: ColumnType, v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return valueToJsonText(type, v);
}

/** Text of a value as a CSV field, quoted when it contains a comma, quote, or line break. */
export function formatCsvField(type: ColumnType, v: Value): string {
  if (v === null) return '';
  let text: string;
  switch (type.type) {
    case 'DATE':
      text = formatDate(v as number);
      break;
    case 'TIME':
      text = formatTime(v as number);
      break;
    case 'TIMESTAMP':
      text = formatTimestamp(v as bigint);
      break;
    case 'CHAR':
    case 'VARCHAR':
      text = v as string;
      break;
    case 'REAL':
    case 'DOUBLE':
      text = formatFloatText(type, v as number);
      break;
    default:
      text = valueToJsonText(type, v);
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
