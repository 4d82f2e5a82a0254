/**
 * Through the manager and a pipeline process: `/query?format=arrow_ipc` and `format=parquet`
 * answer with the Arrow types Feldera gives each SQL type, read back with apache-arrow and
 * parquet-wasm here and, when Feldera's SDK venv is there, with pyarrow as the SDK reads them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Table, tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, startAndWait } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';
import { sdkPython } from '../helpers/sdk-python.js';

const PROGRAM = `
CREATE TYPE addr AS (city VARCHAR, zip INT);
CREATE TABLE t (
  id INT NOT NULL, b BOOLEAN, ti TINYINT, big BIGINT, r REAL, d DOUBLE, dec DECIMAL(10, 2),
  s VARCHAR, bin VARBINARY, dt DATE, tm TIME, ts TIMESTAMP, u UUID,
  arr INT ARRAY, m MAP<VARCHAR, INT>, a addr, v VARIANT
) WITH ('materialized' = 'true');
CREATE TABLE log (n INT) WITH ('materialized' = 'true');`;

const ROWS = [
  {
    id: 1,
    b: true,
    ti: -3,
    big: '9007199254740993',
    r: 1.5,
    d: -2.25,
    dec: -12.34,
    s: 'zürich',
    bin: [1, 255],
    dt: '2024-01-02',
    tm: '12:34:56.789',
    ts: '2024-01-02 03:04:05.678',
    u: '0191a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
    arr: [1, null, 3],
    m: { k: 7 },
    a: { city: 'Berlin', zip: 10115 },
    v: { x: [1, 'two'] },
  },
  { id: 2 },
];
const QUERY = 'SELECT * FROM t ORDER BY id';

/** The Arrow type names apache-arrow gives the columns of `t`, in order. */
const ARROW_TYPES = [
  'Int32',
  'Bool',
  'Int8',
  'Int64',
  'Float32',
  'Float64',
  'Decimal[10e+2]', // apache-arrow's name for Decimal128(10, 2)
  'Utf8',
  'LargeBinary',
  'Date32<DAY>',
  'Time64<NANOSECOND>',
  'Timestamp<MICROSECOND>',
  'Utf8',
  'LargeList<Int32>',
  'Map<{key:Utf8, value:Int32}>',
  'Struct<{city:Utf8, zip:Int32}>',
  'Utf8',
];

async function queryBytes(m: TestManager, format: string, sql = QUERY): Promise<Response> {
  return fetch(`${m.url}/v0/pipelines/fmt/query?format=${format}&sql=${encodeURIComponent(sql)}`);
}

/** The first row of `table` as plain values (bigints, decimals and binaries as text). */
function firstRow(table: Table): Record<string, unknown> {
  const row = table.get(0)!.toJSON() as Record<string, unknown>;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v instanceof Uint32Array) return v.join(',');
  if (Array.isArray(v)) return v.map(plain);
  const json = (v as { toJSON?: () => unknown } | null)?.toJSON;
  if (typeof json === 'function') {
    const value = json.call(v);
    return Array.isArray(value)
      ? value.map(plain)
      : Object.fromEntries(Object.entries(value as object).map(([k, e]) => [k, plain(e)]));
  }
  return v;
}

function assertTable(table: Table, what: string): void {
  assert.deepEqual(
    table.schema.fields.map((f) => String(f.type)),
    ARROW_TYPES,
    `${what}: Arrow types`,
  );
  assert.deepEqual(
    table.schema.fields.map((f) => f.nullable),
    [false, ...ARROW_TYPES.slice(1).map(() => true)],
    `${what}: nullability`,
  );
  assert.equal(table.numRows, 2);
  const row = firstRow(table);
  assert.equal(row.id, 1);
  assert.equal(row.b, true);
  assert.equal(row.ti, -3);
  assert.equal(row.big, '9007199254740993');
  assert.equal(row.r, 1.5);
  assert.equal(row.d, -2.25);
  // Decimal128 words, little-endian two's complement of -1234.
  assert.equal(row.dec, '4294966062,4294967295,4294967295,4294967295');
  assert.equal(row.s, 'zürich');
  assert.equal(row.bin, '01ff');
  assert.equal(row.dt, Date.UTC(2024, 0, 2), 'Date32 as milliseconds');
  assert.equal(row.tm, '45296789000000', 'nanoseconds since midnight');
  assert.equal(row.ts, Date.UTC(2024, 0, 2, 3, 4, 5, 678), 'microseconds read back as milliseconds');
  assert.equal(row.u, '0191a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b');
  assert.deepEqual(row.arr, [1, null, 3]);
  assert.deepEqual(row.a, { city: 'Berlin', zip: 10115 });
  assert.deepEqual(JSON.parse(row.v as string), { x: [1, 'two'] });
  const nulls = table.get(1)!.toJSON() as Record<string, unknown>;
  assert.deepEqual(
    Object.entries(nulls).filter(([, v]) => v !== null),
    [['id', 2]],
    `${what}: the second row is all NULL but its id`,
  );
}

describe('ad-hoc query formats arrow_ipc and parquet', () => {
  let m: TestManager;

  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'fmt', program_code: PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('fmt', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'fmt');
    // A BIGINT beyond 2^53 goes in as a JSON number, which JSON.stringify cannot write.
    await ingestAndWait(m, 'fmt', 't', inserts(ROWS).replace('"9007199254740993"', '9007199254740993'));
  });
  after(async () => {
    await m.close();
  });

  test('arrow_ipc: an Arrow IPC stream with Feldera types', async () => {
    const res = await queryBytes(m, 'arrow_ipc');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    assertTable(table, 'arrow_ipc');
    const map = table.get(0)!.toJSON().m as { toJSON(): unknown };
    assert.deepEqual(plain(map), { k: 7 });
  });

  test('arrow_ipc: an empty result is a schema and no batches; many rows come as several batches', async () => {
    const empty = tableFromIPC(
      new Uint8Array(
        await (await queryBytes(m, 'arrow_ipc', 'SELECT id, s FROM t WHERE id < 0')).arrayBuffer(),
      ),
    );
    assert.equal(empty.numRows, 0);
    assert.deepEqual(
      empty.schema.fields.map((f) => f.name),
      ['id', 's'],
    );
    const sql =
      'SELECT x.id * 1000 + y.id AS n FROM t x, t y, t z, t w, t v, t q, t r, t s2, t s3, t s4, t s5, t s6';
    const many = tableFromIPC(new Uint8Array(await (await queryBytes(m, 'arrow_ipc', sql)).arrayBuffer()));
    assert.equal(many.numRows, 4096);
    assert.ok(many.batches.length > 1, `one IPC message per engine batch, got ${many.batches.length}`);
    assert.deepEqual(
      [...many.getChild('n')!].sort((a, b) => a - b).slice(0, 3),
      [1001, 1001, 1001],
      'the rows themselves',
    );
  });

  test('parquet: a Snappy-compressed Parquet file with the same schema', async () => {
    const res = await queryBytes(m, 'parquet');
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString(), 'PAR1');
    assert.equal(Buffer.from(bytes.subarray(-4)).toString(), 'PAR1');
    const table = tableFromIPC(readParquet(bytes).intoIPCStream());
    assertTable(table, 'parquet');
  });

  test('an INSERT answers its count in the binary formats too', async () => {
    const res = await queryBytes(m, 'arrow_ipc', 'INSERT INTO log VALUES (1), (2)');
    assert.equal(res.status, 200);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(
      table.toArray().map((r) => r.toJSON()),
      [{ count: 2n }],
    );
  });

  test('an unknown format is refused in the error shape', async () => {
    const res = await m.request(
      'GET',
      `/v0/pipelines/fmt/query?format=avro&sql=${encodeURIComponent(QUERY)}`,
    );
    assertError(res, 400, 'InvalidFormat');
    assert.match(res.body.message, /text, json, arrow_ipc, parquet/);
    assert.deepEqual(res.body.details.supported, ['text', 'json', 'arrow_ipc', 'parquet']);
  });

  test("format=hash is refused with a reason, since Sluice cannot reproduce Feldera's digest", async () => {
    const res = await m.request(
      'GET',
      `/v0/pipelines/fmt/query?format=hash&sql=${encodeURIComponent(QUERY)}`,
    );
    assertError(res, 400, 'InvalidFormat');
    assert.match(res.body.message, /'hash'.*digest/);
    assert.equal(res.body.details.format, 'hash');
  });

  test('pyarrow (the SDK reader) reads both answers', async (t) => {
    const sdk = sdkPython();
    if ('skip' in sdk) {
      t.skip(sdk.skip);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'sluice-adhoc-fmt-'));
    try {
      const ipcPath = join(dir, 'r.arrows');
      const parquetPath = join(dir, 'r.parquet');
      writeFileSync(ipcPath, new Uint8Array(await (await queryBytes(m, 'arrow_ipc')).arrayBuffer()));
      writeFileSync(parquetPath, new Uint8Array(await (await queryBytes(m, 'parquet')).arrayBuffer()));
      const script = `
import json, sys, pyarrow as pa, pyarrow.parquet as pq
def text_if_wide(v):
    return str(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53 else v
def describe(table):
    rows = [{k: text_if_wide(v) for k, v in r.items()} for r in table.to_pylist()]
    return {"types": [str(f.type) for f in table.schema], "rows": rows}
with pa.ipc.open_stream(sys.argv[1]) as reader:
    ipc = pa.Table.from_batches(list(reader), reader.schema)
print(json.dumps({"ipc": describe(ipc), "parquet": describe(pq.read_table(sys.argv[2]))}, default=str))
`;
      const out = JSON.parse(
        execFileSync(sdk.python, ['-c', script, ipcPath, parquetPath], { encoding: 'utf8' }),
      );
      const types = [
        'int32',
        'bool',
        'int8',
        'int64',
        'float',
        'double',
        'decimal128(10, 2)',
        'string',
        'large_binary',
        'date32[day]',
        'time64[ns]',
        'timestamp[us]',
        'string',
        'large_list<item: int32>',
        'map<string, int32>',
        'struct<city: string, zip: int32>',
        'string',
      ];
      for (const kind of ['ipc', 'parquet']) {
        // Parquet names a map's entries group after its column, and pyarrow shows that name.
        const expected =
          kind === 'ipc' ? types : types.map((t) => (t.startsWith('map<') ? "map<string, int32 ('m')>" : t));
        assert.deepEqual(out[kind].types, expected, `${kind}: pyarrow types`);
        const [first, second] = out[kind].rows;
        assert.deepEqual(
          { ...first, v: JSON.parse(first.v) },
          {
            id: 1,
            b: true,
            ti: -3,
            big: '9007199254740993',
            r: 1.5,
            d: -2.25,
            dec: '-12.34',
            s: 'zürich',
            bin: "b'\\x01\\xff'",
            dt: '2024-01-02',
            tm: '12:34:56.789000',
            ts: '2024-01-02 03:04:05.678000',
            u: '0191a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
            arr: [1, null, 3],
            m: [['k', 7]],
            a: { city: 'Berlin', zip: 10115 },
            v: { x: [1, 'two'] },
          },
          `${kind}: first row`,
        );
        assert.equal(second.id, 2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
