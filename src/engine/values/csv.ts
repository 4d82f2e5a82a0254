/**
 * CSV fields. The caller splits records and removes CSV quoting; these functions convert one
 * field's text. An empty field is NULL, except for string columns where it is the empty string.
 */
import { makeCast } from './cast.js';
import { formatDate, formatTime, formatTimestamp } from './datetime.js';
import { ValueError } from './errors.js';
import { valueToJsonText } from './json.js';
import { type ColumnType, isStringType } from './types.js';
import type { Value } from './value.js';

const TEXT: ColumnType = { type: 'VARCHAR', nullable: true, precision: -1 };

/** Parses the (unquoted) text of a CSV field as a value of `type`. */
export function parseCsvField(type: ColumnType, text: string): Value {
  if (text === '' && !isStringType(type)) {
    if (!type.nullable) throw new ValueError('NULL value for a NOT NULL column');
    return null;
  }
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
      text = formatTimestamp(v as number);
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
