/**
 * JSON ingress of ROW and user-defined type values given as arrays of their field values, the
 * form Feldera's deserializer reads by position (its Python tests send tuples): at the top of
 * a column and nested in rows, arrays and maps; a wrong number of values rejects the request.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ColumnType } from '../../../src/engine/values/types.js';
import { SqlMap } from '../../../src/engine/values/value.js';
import { decodeIngress, type IngressOptions, type TableShape } from '../../../src/runtime/formats/ingress.js';
import { ApiError } from '../../../src/types/errors.js';

const INT: ColumnType = { type: 'INTEGER', nullable: true };
const VARCHAR: ColumnType = { type: 'VARCHAR', nullable: true, precision: -1 };

function row(fields: [string, ColumnType][], nullable = true): ColumnType {
  return {
    type: 'STRUCT',
    nullable,
    fields: fields.map(([name, columntype]) => ({ name, case_sensitive: false, columntype, unused: false })),
  };
}

/** A user-defined type `pair AS (i1 INT NOT NULL, v1 VARCHAR)`, as a column would carry it. */
const PAIR = row([
  ['i1', { ...INT, nullable: false }],
  ['v1', VARCHAR],
]);

const table: TableShape = {
  name: 't',
  columns: [
    { name: 'id', caseSensitive: false, type: INT },
    {
      name: 'r',
      caseSensitive: false,
      type: row([
        ['p', PAIR],
        ['n', INT],
      ]),
    },
    { name: 'a', caseSensitive: false, type: { type: 'ARRAY', nullable: true, component: PAIR } },
    { name: 'm', caseSensitive: false, type: { type: 'MAP', nullable: true, key: VARCHAR, value: PAIR } },
  ],
  primaryKey: null,
};

const json: IngressOptions = { format: 'json', updateFormat: 'insert_delete', array: false };

describe('JSON ingress of ROW values given as arrays', () => {
  test('fields are read by position, nested in rows, arrays and maps, mixed with objects', () => {
    const { rows } = decodeIngress(
      table,
      [
        '{"insert": {"id": 1, "r": [[4, "cat"], 7], "a": [[1, null], {"i1": 2, "v1": "x"}, null], "m": {"k": [3, "dog"]}}}',
        '{"insert": {"id": 2, "r": {"p": [5, null], "n": null}, "a": [], "m": null}}',
        '{"insert": {"id": 3, "r": null}}',
      ].join('\n'),
      json,
    );
    assert.deepEqual(
      rows.map((r) => r.row),
      [
        [1, [[4, 'cat'], 7], [[1, null], [2, 'x'], null], new SqlMap([['k', [3, 'dog']]])],
        [2, [[5, null], null], [], null],
        [3, null, null, null],
      ],
    );
  });

  test('a wrong number of values, or a NULL in a NOT NULL field, rejects the whole request', () => {
    const rejects = (record: string, reason: RegExp) =>
      assert.throws(
        () => decodeIngress(table, `{"insert": {"id": 0}}\n${record}`, json),
        (err: unknown) => {
          assert.ok(err instanceof ApiError, String(err));
          assert.equal(err.errorCode, 'ParseError');
          assert.match(err.message, reason);
          assert.equal((err.details as { record: number }).record, 2);
          return true;
        },
      );
    rejects(
      '{"insert": {"r": [[4, "cat", 9], 7]}}',
      /column 'r\.p': expected an object or an array of 2 field values, got an array of 3/,
    );
    rejects(
      '{"insert": {"r": [[4, "cat"]]}}',
      /column 'r': expected an object or an array of 2 field values, got an array of 1/,
    );
    rejects(
      '{"insert": {"a": [[]]}}',
      /column 'a': expected an object or an array of 2 field values, got an array of 0/,
    );
    rejects('{"insert": {"r": [[null, "cat"], 7]}}', /column 'r\.p\.i1': NULL value for a NOT NULL column/);
  });
});
