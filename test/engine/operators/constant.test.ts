import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Constant } from '../../../src/engine/operators/constant.js';
import { UndoLog } from '../../../src/engine/undo-log.js';

describe('Constant', () => {
  test('emits its rows in the first step only', () => {
    const op = new Constant(() => [[1], [2]]);
    assert.equal(op.step([], { undo: new UndoLog(), step: 1 }).length, 2);
    assert.deepEqual(op.step([], { undo: new UndoLog(), step: 2 }), []);
  });
});
