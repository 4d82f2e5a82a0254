import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TableInput } from '../../../src/engine/operators/table-input.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('TableInput', () => {
  test('with a primary key, an insert replaces the row with the same key', () => {
    const op = new TableInput([0], false);
    const ctx = { undo: new UndoLog(), step: 1 };
    op.step([[{ row: [1, 'a'], weight: 1 }]], ctx);
    assert.deepEqual(op.step([[{ row: [1, 'b'], weight: 1 }]], ctx), [
      { row: [1, 'a'], weight: -1 },
      { row: [1, 'b'], weight: 1 },
    ]);
  });

  test('with a primary key, a delete needs only the key and changes within a step compose', () => {
    const op = new TableInput([0], true);
    const ctx = { undo: new UndoLog(), step: 1 };
    op.step([[{ row: [1, 'a'], weight: 1 }]], ctx);
    const out = op.step(
      [
        [
          { row: [1, null], weight: -1 },
          { row: [1, 'c'], weight: 1 },
          { row: [2, 'x'], weight: 1 },
          { row: [2, null], weight: -1 },
        ],
      ],
      ctx,
    );
    assert.deepEqual(out, [
      { row: [1, 'a'], weight: -1 },
      { row: [1, 'c'], weight: 1 },
    ]);
    assert.deepEqual(op.snapshot(), [{ row: [1, 'c'], weight: 1 }]);
  });

  test('incrementalization law without a key (plain Z-set)', () => {
    for (let seed = 1; seed <= 10; seed++)
      checkOperatorLaws({ make: () => new TableInput(null, true), widths: [2], seed });
  });
});
