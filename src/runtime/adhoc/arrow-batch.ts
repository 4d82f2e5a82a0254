/**
 * Rows of an ad-hoc query result as an Arrow record batch, in the schema of arrow-schema.ts.
 *
 * Each column's buffers are written directly (validity bitmap, offsets, values) rather than
 * through apache-arrow's value builders, so that every conversion from a Sluice value is
 * explicit: TIMESTAMP nanoseconds become microseconds (rounded toward minus infinity, as
 * Feldera's own conversion truncates sub-microsecond digits), DECIMAL values their unscaled
 * 128-bit two's complement at the column's scale, VARIANT and UUID their text, day-time
 * intervals (microseconds) whole days plus nanoseconds. Nested values recurse: a list's or
 * map's entries become one child column, a struct's fields one child column each.
 */
import {
  type Data,
  type DataType,
  type Field,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
  Type,
} from 'apache-arrow';
import type { Decimal } from '../../engine/values/decimal.js';
import { valueToJsonText } from '../../engine/values/json.js';
import type { ColumnType } from '../../engine/values/types.js';
import type { SqlMap, Value } from '../../engine/values/value.js';

const encoder = new TextEncoder();
const NS_PER_US = 1000n;
const US_PER_DAY = 86_400_000_000n;
const U128_MASK = (1n << 128n) - 1n;

/** Validity bitmap of `values` (bit set = not null) and its null count. */
function validity(values: readonly Value[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

/** UTF-8 (or raw) bytes of variable-length values, with 32- or 64-bit offsets. */
function byteColumn(values: readonly Value[], bytesOf: (v: Value) => Uint8Array, large: boolean) {
  const parts = values.map((v) => (v === null ? new Uint8Array(0) : bytesOf(v)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(total);
  const offsets = large ? new BigInt64Array(parts.length + 1) : new Int32Array(parts.length + 1);
  let at = 0;
  parts.forEach((p, i) => {
    data.set(p, at);
    at += p.length;
    if (large) (offsets as BigInt64Array)[i + 1] = BigInt(at);
    else (offsets as Int32Array)[i + 1] = at;
  });
  return { data, valueOffsets: offsets };
}

/** Offsets of the children of list-like values (`lengthOf` of a non-null value). */
function childOffsets<T extends Int32Array | BigInt64Array>(
  values: readonly Value[],
  lengthOf: (v: Value) => number,
  offsets: T,
): T {
  let at = 0;
  values.forEach((v, i) => {
    if (v !== null) at += lengthOf(v);
    if (offsets instanceof BigInt64Array) offsets[i + 1] = BigInt(at);
    else offsets[i + 1] = at;
  });
  return offsets;
}

function decimalWords(values: readonly Value[], scale: number): Uint32Array {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    if (v === null) return;
    let u = (v as Decimal).rescale(scale).unscaled & U128_MASK; // two's complement
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(u & 0xffff_ffffn);
      u >>= 32n;
    }
  });
  return words;
}

function monthDayNano(values: readonly Value[]): Int32Array {
  const buffer = new ArrayBuffer(values.length * 16);
  const view = new DataView(buffer);
  values.forEach((v, i) => {
    if (v === null) return;
    const us = v as bigint;
    const days = us / US_PER_DAY; // Truncates toward zero: days and nanoseconds share the sign.
    view.setInt32(i * 16 + 4, Number(days), true);
    view.setBigInt64(i * 16 + 8, (us - days * US_PER_DAY) * NS_PER_US, true);
  });
  return new Int32Array(buffer);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** The Arrow column of `values` (of SQL type `sql`) as `type` (arrowType(sql)). */
export function columnData(type: DataType, sql: ColumnType, values: readonly Value[]): Data {
  const length = values.length;
  if (type.typeId === Type.Null) return makeData({ type, length, nullCount: length });
  const { nullBitmap, nullCount } = validity(values);
  const base = { type, length, nullCount, nullBitmap };
  const fill = <A extends { [i: number]: unknown }>(data: A, of: (v: Value) => A[number]): A => {
    values.forEach((v, i) => {
      if (v !== null) data[i] = of(v);
    });
    return data;
  };
  switch (sql.type) {
    case 'BOOLEAN': {
      const bits = new Uint8Array((length + 7) >> 3);
      values.forEach((v, i) => {
        if (v === true) bits[i >> 3]! |= 1 << (i & 7);
      });
      return makeData({ ...base, data: bits } as never);
    }
    case 'TINYINT':
      return makeData({ ...base, data: fill(new Int8Array(length), (v) => v as number) } as never);
    case 'SMALLINT':
      return makeData({ ...base, data: fill(new Int16Array(length), (v) => v as number) } as never);
    case 'INTEGER':
    case 'DATE':
      return makeData({ ...base, data: fill(new Int32Array(length), (v) => v as number) } as never);
    case 'UTINYINT':
      return makeData({ ...base, data: fill(new Uint8Array(length), (v) => v as number) } as never);
    case 'USMALLINT':
      return makeData({ ...base, data: fill(new Uint16Array(length), (v) => v as number) } as never);
    case 'UINTEGER':
      return makeData({ ...base, data: fill(new Uint32Array(length), (v) => v as number) } as never);
    case 'BIGINT':
      return makeData({ ...base, data: fill(new BigInt64Array(length), (v) => v as bigint) } as never);
    case 'UBIGINT':
      return makeData({ ...base, data: fill(new BigUint64Array(length), (v) => v as bigint) } as never);
    case 'REAL':
      return makeData({ ...base, data: fill(new Float32Array(length), (v) => v as number) } as never);
    case 'DOUBLE':
      return makeData({ ...base, data: fill(new Float64Array(length), (v) => v as number) } as never);
    case 'TIME':
      return makeData({
        ...base,
        data: fill(new BigInt64Array(length), (v) => BigInt(v as number)),
      } as never);
    case 'TIMESTAMP':
      return makeData({
        ...base,
        data: fill(new BigInt64Array(length), (v) => floorDiv(v as bigint, NS_PER_US)),
      } as never);
    case 'DECIMAL':
      return makeData({ ...base, data: decimalWords(values, sql.scale!) } as never);
    case 'CHAR':
    case 'VARCHAR':
    case 'UUID':
      return makeData({ ...base, ...byteColumn(values, (v) => encoder.encode(v as string), false) } as never);
    case 'VARIANT':
      return makeData({
        ...base,
        ...byteColumn(values, (v) => encoder.encode(valueToJsonText(sql, v)), false),
      } as never);
    case 'BINARY':
    case 'VARBINARY':
      return makeData({ ...base, ...byteColumn(values, (v) => v as Uint8Array, true) } as never);
    case 'INTERVAL_YEAR':
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_MONTH':
      return makeData({ ...base, data: fill(new Int32Array(length), (v) => v as number) } as never);
    case 'ARRAY': {
      const elements = values.flatMap((v) => (v === null ? [] : (v as Value[])));
      const child = columnData(type.children[0]!.type, sql.component!, elements);
      const valueOffsets = childOffsets(values, (v) => (v as Value[]).length, new BigInt64Array(length + 1));
      return makeData({ ...base, valueOffsets, child } as never);
    }
    case 'MAP': {
      const entries = values.flatMap((v) => (v === null ? [] : (v as SqlMap).entries));
      const entriesType = type.children[0]!.type as Struct;
      const child = makeData({
        type: entriesType,
        length: entries.length,
        nullCount: 0,
        children: [
          columnData(
            entriesType.children[0]!.type,
            sql.key!,
            entries.map(([k]) => k),
          ),
          columnData(
            entriesType.children[1]!.type,
            sql.value!,
            entries.map(([, e]) => e),
          ),
        ],
      });
      const valueOffsets = childOffsets(
        values,
        (v) => (v as SqlMap).entries.length,
        new Int32Array(length + 1),
      );
      return makeData({ ...base, valueOffsets, child } as never);
    }
    case 'STRUCT': {
      const children = sql.fields!.map((f, j) =>
        columnData(
          type.children[j]!.type,
          f.columntype,
          values.map((v) => (v === null ? null : ((v as Value[])[j] ?? null))),
        ),
      );
      return makeData({ ...base, children } as never);
    }
    case 'NULL':
      return makeData({ type, length, nullCount: length } as never);
    default:
      return makeData({ ...base, data: monthDayNano(values) } as never);
  }
}

/** A record batch of `rows` in `schema` (arrowSchema of the result's columns). */
export function recordBatch(
  schema: Schema,
  columnTypes: readonly ColumnType[],
  rows: readonly Value[][],
): RecordBatch {
  const children = schema.fields.map((f: Field, j) =>
    columnData(
      f.type,
      columnTypes[j]!,
      rows.map((r) => r[j] ?? null),
    ),
  );
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
