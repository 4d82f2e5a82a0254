import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Filter } from '../../../src/engine/operators/filter.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('Filter', () => {
  test('keeps rows whose predicate holds, with their weights', () => {
    const op = new Filter((row) => row[0] === 1);
    const out = op.step([
      [
        { row: [1], weight: 2 },
        { row: [2], weight: 1 },
        { row: [1], weight: -1 },
      ],
    ]);
    assert.deepEqual(out, [
      { row: [1], weight: 2 },
      { row: [1], weight: -1 },
    ]);
  });

  test('incrementalization law', () => {
    for (let seed = 1; seed <= 20; seed++)
      checkOperatorLaws({ make: () => new Filter((row) => (row[0] as number) > 1), widths: [3], seed });
  });
});
