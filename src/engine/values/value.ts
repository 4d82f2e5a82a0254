/**
 * The engine's runtime value representation, chosen so the common types need no boxing:
 *
 * | SQL type                     | Value                                               |
 * |------------------------------|-----------------------------------------------------|
 * | NULL (any type)              | `null`                                              |
 * | BOOLEAN                      | `boolean`                                           |
 * | TINYINT, SMALLINT, INTEGER   | `number` (an integer in the type's range)           |
 * | BIGINT                       | `bigint`                                            |
 * | REAL, DOUBLE                 | `number` (REAL values are rounded to float32)       |
 * | DECIMAL(p, s)                | `Decimal` (exact; its scale is the column's `s`)    |
 * | CHAR(n), VARCHAR(n), VARCHAR | `string` (CHAR(n) padded to n)                      |
 * | DATE                         | `number`: days since 1970-01-01                     |
 * | TIME                         | `number`: milliseconds since midnight               |
 * | TIMESTAMP                    | `number`: milliseconds since 1970-01-01 00:00:00    |
 * | intervals (expressions only) | `number`: milliseconds (day-time) or months         |
 *
 * A row is an array of values in column order. The column types say how to read a value, so
 * the same JS number can be an INTEGER or a DATE; codecs therefore always take the type.
 *
 * `rowKey` is the hash-map key of a row: an injective string encoding (strings are
 * length-prefixed, so no escaping is needed) that treats SQL-equal values as equal keys.
 */
import { Decimal } from './decimal.js';

export type Value = null | boolean | number | bigint | string | Decimal;
export type Row = Value[];

/** A row with its Z-set weight (positive: inserted copies, negative: deleted copies). */
export interface WeightedRow {
  row: Row;
  weight: number;
  /**
   * Set on a partial update of a keyed table (Feldera's `{"update": ...}`): the columns it
   * sets; the others keep the current row's values, and `row` holds NULL in them.
   */
  patch?: readonly boolean[];
}

/** Hash-map key of one value; equal keys exactly when the values are SQL-equal (NULL = NULL). */
export function valueKey(v: Value): string {
  switch (typeof v) {
    case 'number':
      return `n${v}`; // String(-0) is "0", so -0 and 0 share a key.
    case 'string':
      return `s${v.length}:${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `b${v}`;
    default:
      return v === null ? 'N' : `d${v.canonical()}`;
  }
}

/** Hash-map key of a whole row. */
export function rowKey(row: readonly Value[]): string {
  let key = '';
  for (let i = 0; i < row.length; i++) key += `${valueKey(row[i] as Value)}|`;
  return key;
}

/** Hash-map key of the values of `row` at `indexes`. */
export function keyOf(row: readonly Value[], indexes: readonly number[]): string {
  let key = '';
  for (let i = 0; i < indexes.length; i++) key += `${valueKey(row[indexes[i]!] as Value)}|`;
  return key;
}

function typeRank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    default:
      return 5;
  }
}

/**
 * Total order on values of one SQL type: NULL first, NaN after every other number.
 * Strings compare by UTF-16 code units.
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return typeRank(a) - typeRank(b);
}

/** Lexicographic order on rows of the same shape. */
export function compareRows(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i] as Value, b[i] as Value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
