import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decimal } from '../../../src/engine/values/index.js';
import { decodeIngress, type IngressOptions, type TableShape } from '../../../src/runtime/formats/ingress.js';
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

function rejects(body: string, options: IngressOptions, reason: RegExp, record?: number) {
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
    const rows = decodeIngress(
      table,
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
    assert.equal(
      decodeIngress(table, '[{"id": 1}, {"id": 2}]', { ...json, updateFormat: 'raw', array: true }).length,
      2,
    );
    const w = decodeIngress(table, '{"weight": 3, "data": {"id": 5}}', { ...json, updateFormat: 'weighted' });
    assert.deepEqual(w, [{ row: [5n, null, null], weight: 3 }]);
  });

  test('CSV in column order', () => {
    const rows = decodeIngress(table, '1,2.50,x\n2,,"y,z"\n', { ...json, format: 'csv' });
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
