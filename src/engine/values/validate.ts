/**
 * Cheap check that a JS value has the representation its SQL type uses (see value.ts), so a
 * wrongly typed value pushed into a table is rejected at the door instead of failing deep in
 * an operator. Ranges and precision are the codecs' job; this only checks the shape.
 */
import { Decimal } from './decimal.js';
import type { ColumnType } from './types.js';
import type { Value } from './value.js';

export function hasValueShape(type: ColumnType, v: Value): boolean {
  if (v === null) return true;
  switch (type.type) {
    case 'BOOLEAN':
      return typeof v === 'boolean';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return Number.isInteger(v);
    case 'BIGINT':
      return typeof v === 'bigint';
    case 'REAL':
    case 'DOUBLE':
      return typeof v === 'number';
    case 'DECIMAL':
      return v instanceof Decimal;
    case 'CHAR':
    case 'VARCHAR':
      return typeof v === 'string';
    default:
      return false;
  }
}
