import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvUpdateEncoder, deletesFirst, jsonUpdateEncoder } from '../../../src/runtime/formats/output.js';
import type { ColumnInfo } from '../../../src/sql/catalog.js';

const columns: ColumnInfo[] = [
  { name: 'id', caseSensitive: false, type: { type: 'INTEGER', nullable: false } },
  { name: 's', caseSensitive: false, type: { type: 'VARCHAR', nullable: true } },
] as ColumnInfo[];

describe('output encoders', () => {
  test('deletions come first, in their order; a batch without deletions is left as it is', () => {
    const rows = [
      { row: [1, 'a'], weight: 1 },
      { row: [2, 'b'], weight: -1 },
      { row: [3, 'c'], weight: 2 },
      { row: [4, 'd'], weight: -3 },
    ];
    assert.deepEqual(
      deletesFirst(rows).map((r) => r.row[0]),
      [2, 4, 1, 3],
    );
    const inserts = [{ row: [1, 'a'], weight: 1 }];
    assert.equal(deletesFirst(inserts), inserts);
  });

  test('JSON writes one record per unit of weight; CSV one line per row with its weight', () => {
    const rows = [
      { row: [1, 'x,y'], weight: 2 },
      { row: [2, null], weight: -1 },
    ];
    assert.deepEqual(jsonUpdateEncoder(columns).records(rows), [
      '{"delete":{"id":2,"s":null}}',
      '{"insert":{"id":1,"s":"x,y"}}',
      '{"insert":{"id":1,"s":"x,y"}}',
    ]);
    assert.deepEqual(csvUpdateEncoder(columns).records(rows), ['2,,-1\n', '1,"x,y",2\n']);
  });
});
