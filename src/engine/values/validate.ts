/**
 * Cheap check that a JS value has the representation its SQL type uses (see value.ts), so a
 * wrongly typed value pushed into a table is rejected at the door instead of failing deep in
 * an operator. Ranges and precision are the codecs' job; this only checks the shape, element
 * by element for compound values.
 */
import { Decimal } from './decimal.js';
import { type ColumnType, isShortIntervalType } from './types.js';
import { SqlMap, type Value, Variant } from './value.js';

export function hasValueShape(type: ColumnType, v: Value): boolean {
  if (v === null) return true;
  switch (type.type) {
    case 'BOOLEAN':
      return typeof v === 'boolean';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
    case 'DATE':
    case 'TIME':
    case 'INTERVAL_YEAR':
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_MONTH':
      return Number.isInteger(v);
    case 'BIGINT':
    case 'UBIGINT':
    case 'TIMESTAMP':
    case 'TIMESTAMP_TZ':
      return typeof v === 'bigint';
    case 'REAL':
    case 'DOUBLE':
      return typeof v === 'number';
    case 'DECIMAL':
      return v instanceof Decimal;
    case 'CHAR':
    case 'VARCHAR':
    case 'UUID':
      return typeof v === 'string';
    case 'BINARY':
    case 'VARBINARY':
      return v instanceof Uint8Array;
    case 'VARIANT':
      return v instanceof Variant;
    case 'ARRAY':
      return Array.isArray(v) && v.every((e) => hasValueShape(type.component!, e as Value));
    case 'STRUCT':
      return (
        Array.isArray(v) &&
        v.length === type.fields!.length &&
        type.fields!.every((f, i) => hasValueShape(f.columntype, v[i] as Value))
      );
    case 'MAP':
      return (
        v instanceof SqlMap &&
        v.entries.every(
          ([k, e]) => k !== null && hasValueShape(type.key!, k) && hasValueShape(type.value!, e),
        )
      );
    default:
      return isShortIntervalType(type) && typeof v === 'bigint';
  }
}
