import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MapRows } from '../../../src/engine/operators/map.js';
import type { Value } from '../../../src/engine/values/value.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('MapRows', () => {
  test('computes each output column from the input row', () => {
    const op = new MapRows([(r) => r[1] as Value, (r) => (r[0] as number) * 10]);
    assert.deepEqual(op.step([[{ row: [1, 'x'], weight: -1 }]]), [{ row: ['x', 10], weight: -1 }]);
  });

  test('incrementalization law (a non-injective projection)', () => {
    for (let seed = 1; seed <= 20; seed++)
      checkOperatorLaws({
        make: () => new MapRows([(r) => (r[0] === null ? null : (r[0] as number) % 2)]),
        widths: [3],
        seed,
      });
  });
});
