/**
 * The Arrow encodings of ad-hoc results, read back with apache-arrow (arrow_ipc) and
 * parquet-wasm (parquet): the value conversions at their edges (negative timestamps and
 * decimals, NULLs inside nested values, intervals), streams of several batches and empty ones.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type { ColumnDesc, ColumnType } from '../../../src/engine/values/index.js';
import { parseJsonValue } from '../../../src/engine/values/index.js';
import { type Row, Variant } from '../../../src/engine/values/value.js';
import { arrowIpcWriter, parquetWriter } from '../../../src/runtime/adhoc/arrow-output.js';
import { arrowSchema } from '../../../src/runtime/adhoc/arrow-schema.js';
import type { ApiError } from '../../../src/types/errors.js';

const t = (type: ColumnType['type'], more: Partial<ColumnType> = {}): ColumnType => ({
  type,
  nullable: true,
  ...more,
});

const COLUMNS: ColumnDesc[] = [
  { name: 'ts', type: t('TIMESTAMP') },
  { name: 'dec', type: t('DECIMAL', { precision: 38, scale: 3 }) },
  { name: 'ym', type: t('INTERVAL_YEAR_MONTH') },
  { name: 'ds', type: t('INTERVAL_DAY_SECOND') },
  { name: 'nested', type: t('ARRAY', { component: t('ARRAY', { component: t('INTEGER') }) }) },
  { name: 'm', type: t('MAP', { key: t('INTEGER', { nullable: false }), value: t('VARCHAR') }) },
  { name: 'v', type: t('VARIANT') },
];

const value = (j: number, json: unknown) => parseJsonValue(COLUMNS[j]!.type, json);

const ROWS: Row[] = [
  [
    -1500n, // nanoseconds before the epoch
    value(1, '-12345678901234567890123.456'),
    14,
    -(86_400_000_000n + 1_500_000n),
    value(4, [[1, null], null, []]),
    value(5, { 2: 'two', 1: null }),
    Variant.NULL,
  ],
  [null, null, null, null, null, null, null],
];

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

function decimalText(words: Uint32Array): string {
  let v = 0n;
  for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(words[w]!);
  return BigInt.asIntN(128, v).toString();
}

describe('ad-hoc Arrow encodings', () => {
  test('values at their edges survive the IPC stream', () => {
    const out = arrowIpcWriter(COLUMNS);
    const table = tableFromIPC(concat([out.rows(ROWS.slice(0, 1)), out.rows(ROWS.slice(1)), out.end()]));
    assert.equal(table.batches.length, 2);
    const row = table.get(0)!;
    assert.equal(table.getChild('ts')!.data[0]!.values[0], -2n, 'microseconds rounded toward minus infinity');
    assert.equal(decimalText(row.dec as Uint32Array), '-12345678901234567890123456');
    assert.equal(table.getChild('ym')!.data[0]!.values[0], 14, 'whole months');
    const ds = table.getChild('ds')!.data[0]!;
    const view = new DataView(ds.values.buffer, ds.values.byteOffset);
    assert.deepEqual(
      [view.getInt32(0, true), view.getInt32(4, true), view.getBigInt64(8, true)],
      [0, -1, -1_500_000_000n],
      'months, days and nanoseconds share the sign',
    );
    assert.deepEqual(JSON.parse(JSON.stringify(row.nested)), [[1, null], null, []]);
    const map = row.m as { toJSON(): Record<string, unknown> };
    assert.deepEqual(map.toJSON(), { 1: null, 2: 'two' });
    assert.equal(row.v, 'null', 'the VARIANT null is the JSON text null, not SQL NULL');
    assert.deepEqual(
      Object.values(table.get(1)!.toJSON()),
      COLUMNS.map(() => null),
    );
  });

  test('an empty result is a schema and the end-of-stream marker', () => {
    const out = arrowIpcWriter(COLUMNS);
    const table = tableFromIPC(concat([out.rows([]), out.end()]));
    assert.equal(table.numRows, 0);
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      COLUMNS.map((c) => c.name),
    );
  });

  test('parquet holds the same table, also when empty; a day-time interval is refused', () => {
    assert.throws(
      () => parquetWriter(COLUMNS),
      (err: ApiError) => err.errorCode === 'InvalidQuery' && /'ds'.*INTERVAL/.test(err.message),
    );
    const columns = COLUMNS.filter((c) => c.name !== 'ds');
    const rows = ROWS.map((r) => r.filter((_, j) => COLUMNS[j]!.name !== 'ds'));
    const out = parquetWriter(columns);
    assert.equal(out.rows(rows).length, 0, 'nothing is sent before the end');
    const table = tableFromIPC(readParquet(out.end()).intoIPCStream());
    assert.equal(table.numRows, 2);
    assert.equal(decimalText(table.get(0)!.dec as Uint32Array), '-12345678901234567890123456');
    assert.equal(
      String(table.schema.fields.find((f) => f.name === 'dec')!.type),
      String(arrowSchema(columns).fields[1]!.type),
    );
    const small = parquetWriter(columns, { maxBufferedBytes: 2048 });
    assert.throws(
      () => {
        for (let i = 0; i < 100; i++) small.rows(rows);
      },
      (err: ApiError) => err.errorCode === 'AdHocQueryOutOfMemory' && err.status === 400,
      'encoded batches past the budget stop the query',
    );
    const empty = parquetWriter(columns);
    assert.equal(tableFromIPC(readParquet(empty.end()).intoIPCStream()).numRows, 0);
  });
});
