import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlatMap } from '../../../src/engine/operators/flat-map.js';
import { unnestRows } from '../../../src/engine/unnest.js';
import { SqlMap, type Value } from '../../../src/engine/values/value.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';
import type { Random } from '../../helpers/sql-random.js';

const column0 = (row: readonly Value[]) => row[0] as Value;

describe('FlatMap', () => {
  test('each input row becomes its expansion, with its weight', () => {
    const op = new FlatMap(unnestRows(column0, 'element', true, 0));
    assert.deepEqual(
      op.step([
        [
          { row: [[7, null, 7], 'a'], weight: -2 },
          { row: [null, 'b'], weight: 1 },
          { row: [[], 'c'], weight: 1 },
        ],
      ]),
      [
        { row: [[7, null, 7], 'a', 7, 1], weight: -2 },
        { row: [[7, null, 7], 'a', null, 2], weight: -2 },
        { row: [[7, null, 7], 'a', 7, 3], weight: -2 },
      ],
    );
  });

  test('STRUCT elements expand into their fields, a NULL element into NULL fields', () => {
    const expand = unnestRows(column0, 'fields', false, 2);
    assert.deepEqual(expand([[[1, 'x'], null]]), [
      [[[1, 'x'], null], 1, 'x'],
      [[[1, 'x'], null], null, null],
    ]);
  });

  test('MAP entries expand in key order, numbered WITH ORDINALITY', () => {
    const map = new SqlMap([
      ['b', 2],
      ['a', null],
    ]);
    assert.deepEqual(unnestRows(column0, 'entries', true, 0)([map]), [
      [map, 'a', null, 1],
      [map, 'b', 2, 2],
    ]);
  });

  test('incrementalization law (arrays with duplicates, NULLs and NULL arrays)', () => {
    const row = (r: Random) => [
      r.chance(0.2) ? null : Array.from({ length: r.int(0, 3) }, () => (r.chance(0.2) ? null : r.int(0, 2))),
      r.int(0, 2),
    ];
    for (let seed = 1; seed <= 20; seed++)
      checkOperatorLaws({
        make: () => new FlatMap(unnestRows(column0, 'element', seed % 2 === 0, 0)),
        widths: [2],
        seed,
        row,
      });
  });
});
