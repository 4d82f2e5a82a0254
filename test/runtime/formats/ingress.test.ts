import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decimal } from '../../../src/engine/values/index.js';
import { SqlMap, Variant } from '../../../src/engine/values/value.js';
import {
  decodeIngress,
  type IngressOptions,
  scanIngressSliced,
  type TableShape,
} from '../../../src/runtime/formats/ingress.js';
import { ApiError } from '../../../src/types/errors.js';

const table: TableShape = {
  name: 't',
  columns: [
    { name: 'id', caseSensitive: false, type: { type: 'BIGINT', nullable: false } },
    {
      name: 'price',
      caseSensitive: false,
      type: { type: 'DECIMAL', nullable: true, precision: 20, scale: 2 },
    },
    { name: 'Name', caseSensitive: true, type: { type: 'VARCHAR', nullable: true, precision: -1 } },
  ],
  primaryKey: [0],
};

const json: IngressOptions = { format: 'json', updateFormat: 'insert_delete', array: false };

function decode(body: string | Buffer, options: IngressOptions) {
  return decodeIngress(table, body, options).rows;
}

function rejects(body: string | Buffer, options: IngressOptions, reason: RegExp, record?: number) {
  assert.throws(
    () => decodeIngress(table, body, options),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, String(err));
      assert.equal(err.errorCode, 'ParseError');
      assert.match(err.message, reason);
      if (record !== undefined) assert.equal((err.details as { record: number }).record, record);
      return true;
    },
  );
}

describe('decodeIngress', () => {
  test('insert_delete with exact BIGINT and DECIMAL', () => {
    const rows = decode(
      '{"insert": {"id": 9007199254740993, "price": 12345678901234567.89, "Name": "a"}}\n{"delete": {"ID": 1}}',
      json,
    );
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.row[0], 9007199254740993n);
    assert.ok(rows[0]?.row[1] instanceof Decimal);
    assert.equal(String(rows[0]?.row[1]), '12345678901234567.89');
    assert.deepEqual(rows[1], { row: [1n, null, null], weight: -1 });
  });

  test('raw and weighted formats, arrays', () => {
    assert.equal(decode('[{"id": 1}, {"id": 2}]', { ...json, updateFormat: 'raw', array: true }).length, 2);
    const w = decode('{"weight": 3, "data": {"id": 5}}', { ...json, updateFormat: 'weighted' });
    assert.deepEqual(w, [{ row: [5n, null, null], weight: 3 }]);
  });

  test('Debezium change events: c and r insert after, d deletes before, u does both', () => {
    const debezium: IngressOptions = { format: 'json', updateFormat: 'debezium', array: false };
    const rows = decode(
      [
        '{"schema": {}, "payload": {"op": "c", "before": null, "after": [1, "2.50", "a"], "source": {"db": "x"}}}',
        '{"payload": {"op": "r", "after": {"id": 2}}}',
        '{"payload": {"op": "u", "before": {"id": 1}, "after": [1, "3.00", "b"]}}',
        '{"payload": {"op": "d", "before": {"id": 2}, "after": null}}',
      ].join('\n'),
      debezium,
    );
    assert.deepEqual(
      rows.map((r) => [r.row[0], r.weight]),
      [
        [1n, 1],
        [2n, 1],
        [1n, -1],
        [1n, 1],
        [2n, -1],
      ],
    );
    rejects('{"payload": {"op": "x", "after": [1, null, null]}}', debezium, /Debezium change event/, 1);
    rejects('{"payload": {"op": "u", "after": [1, null, null]}}', debezium, /"u" event needs "before"/, 1);
    rejects('{"op": "c", "after": [1, null, null]}', debezium, /Debezium change event/, 1);
  });

  test('a lenient scan skips bad records and reports them; strict decoding refuses at the first', async () => {
    const body =
      '{"insert": {"id": 1}}\n{"insert": {"id": "two"}}\n{"insert": {"id": 3}}\n{"insert": {"oops": 1}}';
    rejects(body, json, /record 2 for table 't': column 'id'/, 2);
    const rows = await scanIngressSliced(table, body, { ...json, skipBadRecords: true }, 1);
    assert.equal(rows.count, 2);
    assert.deepEqual(
      rows.read(0, 2).map((r) => r.row[0]),
      [1n, 3n],
    );
    assert.equal(rows.errorCount, 2);
    assert.equal(rows.stopped, false);
    assert.deepEqual(
      rows.errors.map((e) => [e.event_number, e.field, e.invalid_text]),
      [
        [2, 'id', '{"insert": {"id": "two"}}'],
        [4, 'oops', '{"insert": {"oops": 1}}'],
      ],
    );
    const broken = await scanIngressSliced(
      table,
      '{"insert": {"id": 1}}\n{"insert": {',
      { ...json, skipBadRecords: true },
      10,
    );
    assert.equal(broken.stopped, true);
    assert.equal(broken.errorCount, 1);
    assert.equal(broken.errors[0]?.event_number, 2);
  });

  test('CSV in column order', () => {
    const rows = decode('1,2.50,x\n2,,"y,z"\n', { ...json, format: 'csv' });
    assert.equal(rows.length, 2);
    assert.equal(String(rows[0]?.row[1]), '2.50');
    assert.equal(rows[1]?.row[2], 'y,z');
  });

  test('every bad record rejects the whole request, naming its position', () => {
    rejects('{"insert": {"id": 1}}\n{"insert": {"id": "x"}}', json, /record 2.*id/, 2);
    rejects('{"insert": {"id": 1, "nope": 2}}', json, /unknown column 'nope'/, 1);
    rejects('{"insert": {"price": 1}}', json, /NOT NULL column 'id'/, 1);
    rejects('{"insert": {"id": 1, "name": "wrong case"}}', json, /unknown column 'name'/, 1);
    rejects('{"upsert": {"id": 1}}', json, /expected \{"insert"/, 1);
    rejects('{"insert": {"id": 1}', json, /invalid JSON/);
    rejects('{"insert": {"id": 99999999999999999999}}', json, /id/);
    rejects('{"weight": 1.5, "data": {"id": 1}}', { ...json, updateFormat: 'weighted' }, /weight/);
    rejects('1,2\n', { ...json, format: 'csv' }, /expected 3 fields/, 1);
    rejects('1,abc,x\n', { ...json, format: 'csv' }, /price/, 1);
  });
});

const floats: TableShape = {
  name: 'f',
  columns: [
    { name: 'id', caseSensitive: false, type: { type: 'INTEGER', nullable: false } },
    { name: 'd', caseSensitive: false, type: { type: 'DOUBLE', nullable: true } },
    { name: 'r', caseSensitive: false, type: { type: 'REAL', nullable: true } },
  ],
  primaryKey: [0],
};

describe('decodeIngress refuses input that could be read two ways', () => {
  test('a column given twice, as the same key or under another case, names the record', () => {
    rejects(
      '{"insert": {"id": 1}}\n{"insert": {"id": 4001, "Name": "x", "id": 1}}',
      json,
      /"id" appears twice/,
      2,
    );
    rejects('{"insert": {"id": 1, "ID": 2}}', json, /column 'id' is given twice \(as 'id' and 'ID'\)/, 1);
    rejects('{"insert": {"id": 1}, "insert": {"id": 2}}', json, /"insert" appears twice/, 1);
    rejects('[{"id": 1}, {"id": 2, "id": 3}]', { ...json, updateFormat: 'raw', array: true }, /twice/, 2);
  });

  test('insert and delete in one record', () => {
    rejects('{"insert": {"id": 1}, "delete": {"id": 2}}', json, /not "insert" and "delete"/, 1);
    rejects('{"update": {"id": 1}, "insert": {"id": 2}}', json, /not "update" and "insert"/, 1);
  });

  test('invalid UTF-8 names the record that holds the first bad byte; valid UTF-8 passes', () => {
    const prefix = Buffer.from('{"insert": {"id": 1, "Name": "é"}}\n{"insert": {"id": 2, "Name": "');
    const body = Buffer.concat([prefix, Buffer.from([0xff]), Buffer.from('"}}\n')]);
    rejects(body, json, new RegExp(`invalid UTF-8 at byte ${prefix.length} `), 2);
    for (const bad of [[0xc3], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const csv = Buffer.concat([Buffer.from('1,2.5,a\n2,3.5,'), Buffer.from(bad), Buffer.from('\n')]);
      rejects(csv, { ...json, format: 'csv' }, /invalid UTF-8/, 2);
    }
    // The bad byte breaks the JSON syntax: still reported as what it is.
    const broken = Buffer.concat([Buffer.from('{"insert": {"id": 1}}\n{"insert": '), Buffer.from([0xfe])]);
    rejects(broken, json, /invalid UTF-8/, 2);
    assert.equal(decode(Buffer.from('{"insert": {"id": 1, "Name": "😀 ü"}}'), json)[0]?.row[2], '😀 ü');
  });

  test('a byte order mark is refused, not stripped', () => {
    rejects(Buffer.from('\ufeff{"insert": {"id": 1}}'), json, /byte order mark/, 1);
    rejects(Buffer.from('\ufeff1,2,x\n'), { ...json, format: 'csv' }, /byte order mark/, 1);
  });

  test('numbers: integers take integer literals only, floats must be in range, strings are not numbers', () => {
    const f = (body: string) => decodeIngress(floats, body, json).rows;
    const bad = (body: string, reason: RegExp) =>
      assert.throws(
        () => f(body),
        (err: unknown) => err instanceof ApiError && reason.test(err.message),
      );
    bad('{"insert": {"id": 1, "d": 1e309}}', /1e309 is out of range for DOUBLE/);
    bad('{"insert": {"id": 1, "d": -1e309}}', /out of range/);
    bad('{"insert": {"id": 1, "r": 1e39}}', /out of range for REAL/);
    bad('{"insert": {"id": 1.0}}', /expected an integer, got 1.0/);
    bad('{"insert": {"id": 1e2}}', /expected an integer, got 1e2/);
    bad('{"insert": {"id": "1"}}', /expected INTEGER, got string/);
    bad('{"insert": {"id": 1, "d": "NaN"}}', /expected DOUBLE, got string/);
    bad('{"insert": {"id": 01}}', /invalid JSON/);
    bad('{"insert": {"id": 1, "d": NaN}}', /invalid JSON/);
    bad('{"insert": {"id": 1}} xyz', /record 2 .*invalid JSON/);
    assert.deepEqual(f('{"insert": {"id": 7, "d": 1e308, "r": 1e-50}}')[0]?.row, [7, 1e308, 0]);
    rejects('{"insert": {"id": "5"}}', json, /expected BIGINT, got string/, 1);
  });

  test('CSV floats carry NaN and the infinities as Feldera writes them; overflowing literals are refused', () => {
    const csv = { ...json, format: 'csv' as const };
    const rows = decodeIngress(floats, '1,NaN,inf\n2,-inf,Infinity\n3,+INF,-nan\n4,1.5e3,.5\n', csv).rows;
    assert.ok(Number.isNaN(rows[0]?.row[1]));
    assert.deepEqual(
      rows.slice(1).map((r) => r.row),
      [
        [2, -Infinity, Infinity],
        [3, Infinity, rows[2]?.row[2]],
        [4, 1500, 0.5],
      ],
    );
    assert.ok(Number.isNaN(rows[2]?.row[2]));
    for (const [text, reason] of [
      ['1,1e309,1', /out of range for DOUBLE/],
      ['1,1,1e39', /out of range for REAL/],
      ['1,0x10,1', /expected a DOUBLE number/],
      ['1,infinit,1', /expected a DOUBLE number/],
    ] as const)
      assert.throws(
        () => decodeIngress(floats, `2,1,1\n${text}\n`, csv),
        (err: unknown) =>
          err instanceof ApiError &&
          reason.test(err.message) &&
          (err.details as { record: number }).record === 2,
      );
  });
});

const unkeyed: TableShape = { ...table, name: 'u', primaryKey: null };

describe('decodeIngress: rows as arrays, updates (issue 9, item 7)', () => {
  test('a row may be an array of all values in column order, in every update format', () => {
    const expect = [{ row: ['1', '2.50', 'a'], weight: 1 }];
    const same = (rows: unknown) =>
      assert.deepEqual(JSON.stringify(rows, replacer), JSON.stringify(expect, replacer));
    same(decode('{"insert": [1, 2.5, "a"]}', json));
    same(decode('[1, 2.5, "a"]', { ...json, updateFormat: 'raw' }));
    same(decode('[[1, 2.5, "a"]]', { ...json, updateFormat: 'raw', array: true }));
    same(decode('{"weight": 1, "data": [1, 2.5, "a"]}', { ...json, updateFormat: 'weighted' }));
    same(decode('[{"insert": [1, 2.5, "a"]}]', { ...json, array: true }));
    assert.deepEqual(decode('{"delete": [1, null, null]}', json), [{ row: [1n, null, null], weight: -1 }]);
    // Each value is read by its column's rules.
    rejects('{"insert": ["1", 2.5, "a"]}', json, /column 'id': expected BIGINT, got string/, 1);
    rejects('{"insert": [null, 2.5, "a"]}', json, /column 'id': NULL value for a NOT NULL column/, 1);
  });

  test('an array row must hold every column: no more, no fewer', () => {
    rejects('{"insert": [1, 2.5]}', json, /must hold the 3 column values of the table in order, got 2/, 1);
    rejects('[1, 2.5, "a", 4]', { ...json, updateFormat: 'raw' }, /got 4/, 1);
    rejects('{"insert": 5}', json, /expected a row: a JSON object .* or an array/, 1);
  });

  test('update: sets the columns given, marks them in the patch, needs the key', () => {
    const [u] = decode('{"update": {"id": 7, "Name": null}}', json);
    assert.deepEqual(u, { row: [7n, null, null], weight: 1, patch: [true, false, true] });
    const [all] = decode('{"update": [7, 1.25, "x"]}', json);
    assert.deepEqual(all?.patch, [true, true, true]);
    rejects('{"update": {"Name": "x"}}', json, /an update must give the primary key column 'id'/, 1);
    rejects('{"update": {"id": 7, "nope": 1}}', json, /unknown column 'nope'/, 1);
  });

  test('update on a table without a primary key is refused with what to send instead', () => {
    assert.throws(
      () => decodeIngress(unkeyed, '{"update": {"id": 1}}', json),
      (err: unknown) =>
        err instanceof ApiError &&
        err.errorCode === 'ParseError' &&
        /table 'u' has no primary key: send \{"delete": \.\.\.\} and \{"insert": \.\.\.\} instead/.test(
          err.message,
        ),
    );
  });
});

/** Prints Decimals and bigints as text so rows compare with JSON.stringify. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' || value instanceof Decimal ? String(value) : value;
}

describe('decodeIngress of ROW and MAP columns', () => {
  const INT = { type: 'INTEGER' as const, nullable: false };
  const VARIANT = { type: 'VARIANT' as const, nullable: false };
  const shape: TableShape = {
    name: 'nested',
    columns: [
      {
        name: 'r',
        caseSensitive: false,
        type: {
          type: 'STRUCT',
          nullable: true,
          fields: [
            { name: 'tag', columntype: VARIANT, case_sensitive: false, unused: false },
            { name: 'n', columntype: INT, case_sensitive: false, unused: false },
          ],
        },
      },
      {
        name: 'm',
        caseSensitive: false,
        type: { type: 'MAP', nullable: true, key: INT, value: { ...INT, nullable: true } },
      },
      {
        name: 'dm',
        caseSensitive: false,
        type: { type: 'MAP', nullable: true, key: { type: 'DATE', nullable: false }, value: INT },
      },
    ],
    primaryKey: [],
  };
  const rows = (body: string) => decodeIngress(shape, body, json).rows.map((r) => r.row);
  const fails = (body: string, reason: RegExp) =>
    assert.throws(
      () => decodeIngress(shape, body, json),
      (err: unknown) => err instanceof ApiError && reason.test(err.message),
    );

  test('JSON null in a NOT NULL VARIANT field is the VARIANT null', () => {
    const [row] = rows('{"insert": {"r": {"tag": null, "n": 4}}}');
    assert.deepEqual(row![0], [Variant.NULL, 4]);
  });

  test('JSON null in a NOT NULL field of another type names the field', () => {
    fails('{"insert": {"r": {"tag": 1, "n": null}}}', /column 'r\.n': NULL value/);
  });

  test('non-string MAP keys are read from the key text; a key that does not parse is named', () => {
    const [row] = rows(
      '{"insert": {"m": {"7": 70, "-2": null}, "dm": {"2024-02-29": 1, "\\"2000-01-01\\"": 2}}}',
    );
    assert.ok(row![1] instanceof SqlMap && row![2] instanceof SqlMap);
    assert.deepEqual(row![1].entries, [
      [-2, null],
      [7, 70],
    ]);
    assert.deepEqual(
      row![2].entries.map(([k, v]) => [k, v]),
      [
        [10957, 2],
        [19782, 1],
      ],
    );
    fails('{"insert": {"m": {"seven": 70}}}', /column 'm': map key "seven": expected INTEGER/);
    fails('{"insert": {"dm": {"2024-02-30": 1}}}', /column 'dm': map key "2024-02-30"/);
  });
});
