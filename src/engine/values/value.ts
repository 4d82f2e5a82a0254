/**
 * The engine's runtime value representation, chosen so the common types need no boxing:
 *
 * | SQL type                          | Value                                                   |
 * |-----------------------------------|---------------------------------------------------------|
 * | NULL (any type)                   | `null`                                                  |
 * | BOOLEAN                           | `boolean`                                               |
 * | TINYINT..INTEGER, their UNSIGNED  | `number` (an integer in the type's range)               |
 * | BIGINT, BIGINT UNSIGNED           | `bigint`                                                |
 * | REAL, DOUBLE                      | `number` (REAL values are rounded to float32)           |
 * | DECIMAL(p, s)                     | `Decimal` (exact; its scale is the column's `s`)        |
 * | CHAR(n), VARCHAR(n), VARCHAR      | `string` (as the source sent it; see cast.ts)           |
 * | BINARY(n), VARBINARY              | `Uint8Array` (never mutated once built)                 |
 * | UUID                              | `string`: canonical lower-case `8-4-4-4-12` hex         |
 * | DATE                              | `number`: days since 1970-01-01                         |
 * | TIME                              | `number`: nanoseconds since midnight                    |
 * | TIMESTAMP                         | `bigint`: nanoseconds since 1970-01-01 00:00:00         |
 * | TIMESTAMP WITH TIME ZONE          | `bigint`: the instant, nanoseconds since the epoch, UTC |
 * | INTERVAL (day-time / year-month)  | `bigint` microseconds / `number` months                 |
 * | ARRAY, ROW (STRUCT)               | `Value[]` (elements / fields in order)                  |
 * | MAP                               | `SqlMap` (entries sorted by key)                        |
 * | VARIANT                           | `Variant` (a value tagged with its runtime type)        |
 *
 * A row is an array of values in column order. The column types say how to read a value, so
 * the same JS number can be an INTEGER or a DATE; codecs therefore always take the type.
 *
 * `valueKey` is the hash-map key of a value: an injective string encoding (strings are
 * length-prefixed and compound values count their parts, so no escaping is needed) that
 * treats SQL-equal values as equal keys. `compareValues` is the total order used by sorting,
 * MIN/MAX and top-k; it agrees with `valueKey` on equality.
 */
import { Decimal } from './decimal.js';
import type { SqlTypeName } from './types.js';

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Decimal
  | Uint8Array
  | Value[]
  | SqlMap
  | Variant;
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

/**
 * A MAP value: entries sorted by key (`compareValues`) with distinct keys, like Feldera's
 * `BTreeMap`, so equal maps have equal entry lists whatever order they were built in.
 */
export class SqlMap {
  readonly entries: readonly (readonly [Value, Value])[];

  /** Builds a map; a later entry with an equal key replaces an earlier one (as in Feldera). */
  constructor(entries: Iterable<readonly [Value, Value]>) {
    const byKey = new Map<string, readonly [Value, Value]>();
    for (const e of entries) byKey.set(valueKey(e[0]), e);
    this.entries = [...byKey.values()].sort((a, b) => compareValues(a[0], b[0]));
  }

  get size(): number {
    return this.entries.length;
  }

  private index: Map<string, Value> | null = null;

  /** The value of `key`, or undefined when the map has no such key (an index is built on first use). */
  get(key: Value): Value | undefined {
    if (!this.index) this.index = new Map(this.entries.map(([k, v]) => [valueKey(k), v]));
    return this.index.get(valueKey(key));
  }
}

/**
 * The runtime type of a VARIANT's content, in Feldera's order of its `Variant` enum (which is
 * the order between variants of different runtime types). `VARIANT` is the JSON-null variant.
 */
export const VARIANT_KINDS = [
  'VARIANT',
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'REAL',
  'DOUBLE',
  'DECIMAL',
  'VARCHAR',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'INTERVAL_DAY_SECOND',
  'INTERVAL_YEAR_MONTH',
  'VARBINARY',
  'UUID',
  'ARRAY',
  'MAP',
] as const satisfies readonly SqlTypeName[];

export type VariantKind = (typeof VARIANT_KINDS)[number];

const VARIANT_RANK = new Map<string, number>(VARIANT_KINDS.map((k, i) => [k, i]));

/**
 * A VARIANT value: a value with its runtime type. CHAR values are held as VARCHAR and BINARY
 * as VARBINARY (Feldera has one runtime type for each pair); an `ARRAY` holds `Variant | null`
 * elements and a `MAP` maps variants to `Variant | null`, where `null` is a SQL NULL inside the
 * variant, distinct from the JSON-null variant `Variant.NULL`.
 */
export class Variant {
  static readonly NULL = new Variant('VARIANT', null);

  constructor(
    readonly kind: VariantKind,
    readonly value: Value,
  ) {}
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
      if (v === null) return 'N';
      if (v instanceof Decimal) return `d${v.canonical()}`;
      if (v instanceof Uint8Array)
        return `x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}|`;
      if (Array.isArray(v)) {
        let key = `a${v.length}:`;
        for (const e of v) key += `${valueKey(e)}|`;
        return key;
      }
      if (v instanceof SqlMap) {
        let key = `m${v.size}:`;
        for (const [k, e] of v.entries) key += `${valueKey(k)}|${valueKey(e)}|`;
        return key;
      }
      return `v${v.kind}:${valueKey(v.value)}|`;
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
      if (v instanceof Decimal) return 5;
      if (v instanceof Uint8Array) return 6;
      if (Array.isArray(v)) return 7;
      if (v instanceof SqlMap) return 8;
      return 9;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function compareLists(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] as Value, b[i] as Value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareMaps(a: SqlMap, b: SqlMap): number {
  const n = Math.min(a.size, b.size);
  for (let i = 0; i < n; i++) {
    const [ka, va] = a.entries[i]!;
    const [kb, vb] = b.entries[i]!;
    const c = compareValues(ka, kb) || compareValues(va, vb);
    if (c !== 0) return c;
  }
  return a.size - b.size;
}

/**
 * Total order on values of one SQL type: NULL first, NaN after every other number, strings
 * by UTF-16 code units, binary strings by bytes, arrays and rows lexicographically (a prefix
 * first), maps by their sorted entries, variants by runtime type (Feldera's order) and then
 * by value.
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
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return compareLists(a, b);
  if (a instanceof SqlMap && b instanceof SqlMap) return compareMaps(a, b);
  if (a instanceof Variant && b instanceof Variant)
    return VARIANT_RANK.get(a.kind)! - VARIANT_RANK.get(b.kind)! || compareValues(a.value, b.value);
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
