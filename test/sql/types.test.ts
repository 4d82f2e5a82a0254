/**
 * Feldera's types end to end: DDL → ingress (JSON, CSV) → views → egress JSON, CSV and the
 * ad-hoc text table; compound values as join, GROUP BY and DISTINCT keys with retractions;
 * checkpoint state round trips; CHAR/VARCHAR keep what the source sent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileProgram,
  formatCsvField,
  formatTextTable,
  makeRowJsonEncoder,
  type Program,
  parseCsvField,
  parseJsonValue,
  type Value,
} from '../../src/engine/index.js';
import { compile } from '../helpers/sql-circuit.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

const DDL = `CREATE TYPE address_typ AS (street VARCHAR(30), city VARCHAR(20), zip INT);
CREATE TABLE t (
  id INT NOT NULL PRIMARY KEY, u TINYINT UNSIGNED, b BIGINT UNSIGNED, bin VARBINARY, fb BINARY(2), g UUID,
  v VARIANT, a INT ARRAY, m MAP<VARCHAR, INT>, r ROW(x INT, y VARCHAR NULL), addr address_typ,
  c CHAR(3), vc VARCHAR(2), ts TIMESTAMP, tm TIME
) WITH ('materialized' = 'true');`;

/** Decodes JSON records into rows of `table` as the ingress path does. */
function rowsOf(program: Program, table: string, records: Record<string, unknown>[]): Value[][] {
  const cols = program.lookupRelation(table)!.columns;
  return records.map((rec) => cols.map((c) => parseJsonValue(c.type, rec[c.name] ?? null)));
}

/** The JSON text of every row of a view's step output, sorted. */
function jsonRows(
  program: Program,
  out: Map<string, { row: Value[]; weight: number }[]>,
  view: string,
): string[] {
  const enc = makeRowJsonEncoder(program.lookupRelation(view)!.columns);
  return out
    .get(view)!
    .map((e) => `${e.weight} ${enc(e.row)}`)
    .sort();
}

const RECORD = {
  id: 1,
  u: 200,
  b: 18446744073709551615n,
  bin: [1, 2, 3],
  fb: [9, 9],
  g: '123E4567-E89B-12D3-A456-426655440000',
  v: { name: 'bob', n: 5, list: [1, 'x', null] },
  a: [1, null, 3],
  m: { k: 7 },
  r: { x: 1, y: 'q' },
  addr: { street: 's', city: 'SF', zip: 1 },
  c: 'hello',
  vc: 'abc',
  ts: '2024-01-02 03:04:05.123456',
  tm: '01:02:03.123456789',
};

describe('every type, from JSON ingress to JSON egress', () => {
  test('values survive a view unchanged, in their Feldera JSON forms', () => {
    const program = compile(`${DDL}\nCREATE MATERIALIZED VIEW v AS SELECT * FROM t;`);
    const c = program.instantiate();
    c.push(
      't',
      rowsOf(program, 't', [RECORD]).map((row) => ({ row, weight: 1 })),
    );
    assert.deepEqual(jsonRows(program, c.step(), 'v'), [
      '1 {"id":1,"u":200,"b":18446744073709551615,"bin":[1,2,3],"fb":[9,9],"g":"123e4567-e89b-12d3-a456-426655440000",' +
        '"v":{"list":[1,"x",null],"n":5,"name":"bob"},"a":[1,null,3],"m":{"k":7},"r":{"x":1,"y":"q"},' +
        '"addr":{"street":"s","city":"SF","zip":1},"c":"hello","vc":"abc","ts":"2024-01-02 03:04:05.123456",' +
        '"tm":"01:02:03.123456789"}',
    ]);
  });

  test('the program schema reports compound types in Feldera ColumnType shape', () => {
    const program = compile(DDL);
    const fields = program.schema.inputs[0]!.fields;
    const type = (name: string) => fields.find((f) => f.name === name)!.columntype;
    assert.deepEqual(type('a'), {
      type: 'ARRAY',
      nullable: true,
      component: { type: 'INTEGER', nullable: true },
    });
    assert.deepEqual(type('m'), {
      type: 'MAP',
      nullable: true,
      key: { type: 'VARCHAR', nullable: false, precision: -1 },
      value: { type: 'INTEGER', nullable: true },
    });
    assert.equal(type('addr').type, 'STRUCT');
    assert.deepEqual(
      type('addr').fields!.map((f) => [f.name, f.columntype.type, f.columntype.nullable]),
      [
        ['street', 'VARCHAR', true],
        ['city', 'VARCHAR', true],
        ['zip', 'INTEGER', true],
      ],
    );
    assert.deepEqual(
      type('r').fields!.map((f) => f.columntype.nullable),
      [false, true],
    );
    assert.equal(type('u').type, 'UTINYINT');
    assert.deepEqual(type('fb'), { type: 'BINARY', nullable: true, precision: 2 });
  });

  test('CHAR(n) and VARCHAR(n) keep what the source sent; CAST pads and cuts by code points', () => {
    const program = compile(`CREATE TABLE s (c CHAR(3), v VARCHAR(2));
CREATE MATERIALIZED VIEW w AS SELECT c, v, CAST(c AS CHAR(7)) AS c7, CAST('🐍🐍🐍' AS VARCHAR(2)) AS v2, CAST('ab' AS CHAR(3)) || '|' AS p FROM s;`);
    const c = program.instantiate();
    c.push(
      's',
      rowsOf(program, 's', [{ c: 'hello', v: 'abcdef' }]).map((row) => ({ row, weight: 1 })),
    );
    assert.deepEqual(jsonRows(program, c.step(), 'w'), [
      '1 {"c":"hello","v":"abcdef","c7":"hello  ","v2":"🐍🐍","p":"ab |"}',
    ]);
  });

  test('literals and constructors: X, UUID, ARRAY, MAP, ROW, structure types, subscripts, fields', () => {
    const program = compile(`${DDL}
CREATE MATERIALIZED VIEW w AS SELECT X'0AFF' AS x, UUID '123E4567-e89b-12d3-a456-426655440000' AS g,
  ARRAY[1, 2, NULL][2] AS a2, ARRAY[1][5] AS oob, MAP['a', 1, 'b', 2]['b'] AS mb, ROW(1, 'x') AS r0,
  address_typ('1 Main', 'SF', 94000).city AS city, t.r.y AS ry, addr.zip AS zip, v['list'][2] AS v2,
  CAST(v['n'] AS INT) AS vn, CAST(v['name'] AS INT) AS wrong, (1, 'a') AS tuple FROM t;`);
    const c = program.instantiate();
    c.push(
      't',
      rowsOf(program, 't', [RECORD]).map((row) => ({ row, weight: 1 })),
    );
    assert.deepEqual(jsonRows(program, c.step(), 'w'), [
      '1 {"x":[10,255],"g":"123e4567-e89b-12d3-a456-426655440000","a2":2,"oob":null,"mb":2,' +
        '"r0":{"EXPR$0":1,"EXPR$1":"x"},"city":"SF","ry":"q","zip":1,"v2":"x","vn":5,"wrong":null,' +
        '"tuple":{"EXPR$0":1,"EXPR$1":"a"}}',
    ]);
  });

  test('unsigned overflow is a step error; casts between binary, UUID and strings', () => {
    const program = compile(`CREATE TABLE n (u TINYINT UNSIGNED, s VARCHAR);
CREATE MATERIALIZED VIEW w AS SELECT u + CAST(100 AS TINYINT UNSIGNED) AS plus, CAST(CAST(s AS UUID) AS VARBINARY) AS bytes,
  CAST(X'0102' AS BINARY(3)) AS padded, CAST(CAST(258 AS INT) AS BINARY(2)) AS be, CAST('0aff' AS BINARY(2)) AS cut FROM n;`);
    const c = program.instantiate();
    c.push('n', [{ row: [100, '00000000-0000-0000-0000-0000000000ff'], weight: 1 }]);
    assert.deepEqual(jsonRows(program, c.step(), 'w'), [
      '1 {"plus":200,"bytes":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,255],"padded":[1,2,0],"be":[1,2],"cut":[48,97]}',
    ]);
    c.push('n', [{ row: [200, null], weight: 1 }]);
    assert.throws(() => c.step(), /'200 \+ 100' causes overflow for type TINYINT UNSIGNED/);
  });

  test('TIME and TIMESTAMP keep nanoseconds (extra digits are cut)', () => {
    const program = compile(`CREATE TABLE d (ts TIMESTAMP, tm TIME);
CREATE MATERIALIZED VIEW w AS SELECT ts, tm, ts + INTERVAL '0.000001' SECOND AS ts1, EXTRACT(MICROSECOND FROM ts) AS us,
  EXTRACT(NANOSECOND FROM tm) AS ns, CAST(ts AS BIGINT) AS ms, EXTRACT(NANOSECOND FROM ts) AS tsns FROM d;`);
    const c = program.instantiate();
    c.push(
      'd',
      rowsOf(program, 'd', [{ ts: '2024-01-02T03:04:05.1234567891Z', tm: '23:59:59.999999999' }]).map(
        (row) => ({
          row,
          weight: 1,
        }),
      ),
    );
    assert.deepEqual(jsonRows(program, c.step(), 'w'), [
      '1 {"ts":"2024-01-02 03:04:05.123456789","tm":"23:59:59.999999999","ts1":"2024-01-02 03:04:05.123457789","us":5123456,"ns":59999999999,"ms":1704164645123,"tsns":5123456789}',
    ]);
  });
});

describe('compound values as keys', () => {
  test('joins, GROUP BY and DISTINCT on arrays, maps and rows follow inserts and deletes', () => {
    const program = compile(`CREATE TABLE l (k INT ARRAY, r ROW(a INT, b VARCHAR), x INT);
CREATE TABLE rr (k INT ARRAY, m MAP<VARCHAR, INT>);
CREATE MATERIALIZED VIEW j AS SELECT l.x, rr.m FROM l JOIN rr ON l.k = rr.k;
CREATE MATERIALIZED VIEW g AS SELECT r, SUM(x) AS s FROM l GROUP BY r;
CREATE MATERIALIZED VIEW d AS SELECT DISTINCT m FROM rr;`);
    const c = program.instantiate();
    const l1 = [[1, 2], [1, 'a'], 10];
    const l2 = [[1, 2], [1, 'a'], 5];
    const r1 = [[1, 2], rowsOf(program, 'rr', [{ m: { x: 1, y: 2 } }])[0]![1]!];
    const r2 = [[3], rowsOf(program, 'rr', [{ m: { y: 2, x: 1 } }])[0]![1]!];
    c.push(
      'l',
      [l1, l2].map((row) => ({ row: row as Value[], weight: 1 })),
    );
    c.push(
      'rr',
      [r1, r2].map((row) => ({ row: row as Value[], weight: 1 })),
    );
    let out = c.step();
    assert.deepEqual(jsonRows(program, out, 'j'), [
      '1 {"x":10,"m":{"x":1,"y":2}}',
      '1 {"x":5,"m":{"x":1,"y":2}}',
    ]);
    assert.deepEqual(jsonRows(program, out, 'g'), ['1 {"r":{"a":1,"b":"a"},"s":15}']);
    assert.deepEqual(
      jsonRows(program, out, 'd'),
      ['1 {"m":{"x":1,"y":2}}'],
      'maps built in any order are equal',
    );
    c.push('l', [{ row: l1 as Value[], weight: -1 }]);
    c.push('rr', [{ row: r1 as Value[], weight: -1 }]);
    out = c.step();
    assert.deepEqual(jsonRows(program, out, 'j'), [
      '-1 {"x":10,"m":{"x":1,"y":2}}',
      '-1 {"x":5,"m":{"x":1,"y":2}}',
    ]);
    assert.deepEqual(jsonRows(program, out, 'g'), [
      '-1 {"r":{"a":1,"b":"a"},"s":15}',
      '1 {"r":{"a":1,"b":"a"},"s":5}',
    ]);
    assert.deepEqual(jsonRows(program, out, 'd'), []);
  });

  test('state with every type survives a checkpoint round trip', async () => {
    const program = compile(`${DDL}
CREATE MATERIALIZED VIEW g AS SELECT a, m, r, v, COUNT(*) AS n, MAX(bin) AS mb FROM t GROUP BY a, m, r, v;`);
    const storage = fileBackedStorage();
    const loaded = () => {
      const c = program.instantiate();
      c.attachStorage(storage);
      c.push(
        't',
        // Past 2^63 nanoseconds: no fixed 64-bit field may carry a TIMESTAMP.
        rowsOf(program, 't', [RECORD, { ...RECORD, id: 2, ts: '9999-12-31 23:59:59.123456789' }]).map(
          (row) => ({
            row,
            weight: 1,
          }),
        ),
      );
      c.step();
      return c;
    };
    const c = loaded();
    const state = await c.checkpoint();
    state.release();
    const copy = program.instantiate();
    copy.attachStorage(storage);
    copy.restore(state.meta);
    assert.deepEqual(copy.snapshot('g'), c.snapshot('g'));
    assert.deepEqual(copy.snapshot('t'), c.snapshot('t'));
    const twin = await loaded().checkpoint();
    twin.release();
    assert.deepEqual(
      twin.files.map((f) => f.sha256),
      state.files.map((f) => f.sha256),
      'state encodes deterministically',
    );
    copy.push('t', [{ row: [2], weight: -1 }]);
    assert.deepEqual(
      jsonRows(program, copy.step(), 'g').length,
      2,
      'the restored group retracts and re-emits',
    );
  });
});

describe('CSV and text forms', () => {
  const program = compile(DDL);
  const col = (name: string) => program.lookupRelation('t')!.columns.find((c) => c.name === name)!.type;

  test('CSV fields: compound values as JSON text, strings as sent, null words', () => {
    assert.deepEqual(parseCsvField(col('a'), '[1, 2, null]'), [1, 2, null]);
    assert.deepEqual(
      parseCsvField(
        { type: 'ARRAY', nullable: true, component: { type: 'VARCHAR', nullable: true, precision: -1 } },
        "[ 'abc', '123']",
      ),
      ['abc', '123'],
    );
    assert.equal(parseCsvField(col('c'), 'hello'), 'hello');
    assert.equal(parseCsvField(col('u'), 'NULL'), null);
    assert.equal(parseCsvField(col('ts'), '2024-01-02 03:04:05.5'), 1704164645500000000n);
    assert.equal(parseCsvField(col('ts'), '2024-01-02 03:04:05.000000007'), 1704164645000000007n);
    assert.equal(formatCsvField(col('ts'), 1704164645000000007n), '2024-01-02 03:04:05.000000007');
    assert.throws(() => parseCsvField(col('ts'), 'yesterday'), /invalid TIMESTAMP/);
    const m = parseCsvField(col('m'), '{"k": 1}');
    assert.equal(formatCsvField(col('m'), m), '"{""k"":1}"');
    assert.equal(formatCsvField(col('tm'), 1_000_000_001), '00:00:01.000000001');
  });

  test('ad-hoc queries print compound values and intervals in the text table', () => {
    const c = compile(`${DDL}
CREATE LOCAL VIEW iv AS SELECT (ts - TIMESTAMP '2024-01-01 00:00:00') DAY TO SECOND AS d FROM t;`).instantiate();
    c.push(
      't',
      rowsOf(program, 't', [RECORD]).map((row) => ({ row, weight: 1 })),
    );
    c.step();
    const q = c.query(
      "SELECT a, m, r, (ts - TIMESTAMP '2024-01-01 00:00:00') DAY TO SECOND AS d, INTERVAL '1-2' YEAR TO MONTH AS ym FROM t",
    );
    assert.equal(
      formatTextTable(q.columns, q.rows),
      [
        '+------------+---------+-----------------+--------------------+-------+',
        '| a          | m       | r               | d                  | ym    |',
        '+------------+---------+-----------------+--------------------+-------+',
        '| [1,null,3] | {"k":7} | {"x":1,"y":"q"} | +1 03:04:05.123456 | +1-02 |',
        '+------------+---------+-----------------+--------------------+-------+',
        '',
      ].join('\n'),
    );
  });

  test('interval columns are refused in output views only, as in Feldera', () => {
    const r = compileProgram(
      `CREATE TABLE d (ts TIMESTAMP); CREATE VIEW v AS SELECT (ts - ts) DAY AS i FROM d;`,
    );
    assert.equal(r.ok, false);
  });
});

describe('ingress of nested values', () => {
  test('numbers inside arrays and maps keep their exact text', async () => {
    const { decodeIngress } = await import('../../src/runtime/formats/ingress.js');
    const program = compile('CREATE TABLE big (a BIGINT ARRAY, m MAP<VARCHAR, DECIMAL(20, 1)>, v VARIANT);');
    const { rows } = decodeIngress(
      { name: 'big', columns: program.lookupRelation('big')!.columns, primaryKey: null },
      '{"insert": {"a": [9223372036854775807], "m": {"x": 123456789012345678.9}, "v": [0.1000000000000000055]}}',
      { format: 'json', updateFormat: 'insert_delete', array: false },
    );
    const enc = makeRowJsonEncoder(program.lookupRelation('big')!.columns);
    assert.equal(
      enc(rows[0]!.row),
      '{"a":[9223372036854775807],"m":{"x":123456789012345678.9},"v":[0.1000000000000000055]}',
    );
  });
});
