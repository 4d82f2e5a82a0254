import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatTextTable } from '../../../src/engine/index.js';

describe('formatTextTable', () => {
  test('formats 300,000 rows without overflowing the call stack', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [i]);
    const text = formatTextTable([{ name: 'n', type: { type: 'INTEGER', nullable: false } }], rows);
    assert.ok(text.includes('| 299999 |'));
  });

  test('draws a box around aligned columns', () => {
    const text = formatTextTable(
      [
        { name: 'id', type: { type: 'INTEGER', nullable: false } },
        { name: 'name', type: { type: 'VARCHAR', nullable: true } },
      ],
      [
        [1, 'alice'],
        [22, null],
      ],
    );
    assert.equal(
      text,
      [
        '+----+-------+',
        '| id | name  |',
        '+----+-------+',
        '| 1  | alice |',
        '| 22 | NULL  |',
        '+----+-------+',
        '',
      ].join('\n'),
    );
  });

  test('floats that are not finite print as Arrow prints them', () => {
    const text = formatTextTable(
      [{ name: 'x', type: { type: 'DOUBLE', nullable: true } }],
      [[Number.NaN], [Infinity], [-Infinity]],
    );
    assert.deepEqual(text.split('\n').slice(3, 6), ['| NaN  |', '| inf  |', '| -inf |']);
  });
});
