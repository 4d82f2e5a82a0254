/**
 * CSV fields. The caller splits records and removes CSV quoting; these functions convert one
 * field's text. An empty field, `null` or `NULL` is NULL, except for string columns where the
 * text is the value, kept as sent whatever the declared length (Feldera's CSV format). ARRAY,
 * MAP, ROW and VARIANT fields hold JSON text (strings may use single quotes, as in Feldera's
 * reference: `['abc', '123']`).
 */
import { makeCast } from './cast.js';
import { formatDate, formatTime, formatTimestamp } from './datetime.js';
import { ValueError } from './errors.js';
import { parseJsonValue, valueToJsonText } from './json.js';
import { compoundFromJson } from './json-compound.js';
import { parseJsonText } from './json-text.js';
import { type ColumnType, isCompoundType, isDateTimeType, isStringType } from './types.js';
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
  if (type.type === 'BOOLEAN') {
    const t = text.trim().toLowerCase();
    if (t === 'true' || t === 't' || t === '1') return true;
    if (t === 'false' || t === 'f' || t === '0') return false;
    throw new ValueError(`expected a boolean, got '${text}'`);
  }
  return makeCast(TEXT, type)(text);
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
    default:
      text = valueToJsonText(type, v);
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
