import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Integrate } from '../../../src/engine/operators/integrate.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('Integrate', () => {
  test('keeps the accumulated contents and passes the consolidated delta on', () => {
    const op = new Integrate();
    const undo = new UndoLog();
    assert.deepEqual(
      op.step(
        [
          [
            { row: [1], weight: 1 },
            { row: [1], weight: 1 },
            { row: [2], weight: 1 },
            { row: [2], weight: -1 },
          ],
        ],
        { undo, step: 1 },
      ),
      [{ row: [1], weight: 2 }],
    );
    undo.clear();
    op.step([[{ row: [3], weight: 1 }]], { undo, step: 2 });
    undo.rollback();
    assert.deepEqual(op.snapshot(), [{ row: [1], weight: 2 }]);
  });

  test('incrementalization law', () => {
    for (let seed = 1; seed <= 10; seed++)
      checkOperatorLaws({ make: () => new Integrate(), widths: [2], seed });
  });
});
