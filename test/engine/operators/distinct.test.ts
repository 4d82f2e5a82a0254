import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Distinct } from '../../../src/engine/operators/distinct.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('Distinct', () => {
  test('emits a row once while its multiplicity is positive', () => {
    const op = new Distinct();
    const ctx = { undo: new UndoLog(), step: 1 };
    assert.deepEqual(op.step([[{ row: [1], weight: 3 }]], ctx), [{ row: [1], weight: 1 }]);
    assert.deepEqual(op.step([[{ row: [1], weight: -2 }]], ctx), []);
    assert.deepEqual(op.step([[{ row: [1], weight: -1 }]], ctx), [{ row: [1], weight: -1 }]);
  });

  test('incrementalization law', () => {
    for (let seed = 1; seed <= 30; seed++)
      checkOperatorLaws({ make: () => new Distinct(), widths: [2], seed });
  });
});
