import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SetMembership } from '../../../src/engine/operators/set-membership.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('SetMembership', () => {
  const ctx = () => ({ undo: new UndoLog(), step: 1 });
  const a = [
    { row: [1], weight: 3 },
    { row: [null], weight: 1 },
    { row: [2], weight: 1 },
  ];
  const b = [
    { row: [1], weight: 1 },
    { row: [null], weight: 1 },
  ];

  test('INTERSECT and EXCEPT treat NULL as equal to NULL', () => {
    assert.deepEqual(new SetMembership('intersect', false).step([a, b], ctx()), [
      { row: [1], weight: 1 },
      { row: [null], weight: 1 },
    ]);
    assert.deepEqual(new SetMembership('except', false).step([a, b], ctx()), [{ row: [2], weight: 1 }]);
  });

  test('ALL variants use multiplicities', () => {
    assert.deepEqual(new SetMembership('except', true).step([a, b], ctx()), [
      { row: [1], weight: 2 },
      { row: [2], weight: 1 },
    ]);
    assert.deepEqual(new SetMembership('intersect', true).step([a, b], ctx()), [
      { row: [1], weight: 1 },
      { row: [null], weight: 1 },
    ]);
  });

  test('incrementalization law', () => {
    for (const op of ['intersect', 'except'] as const)
      for (const all of [false, true])
        for (let seed = 1; seed <= 15; seed++)
          checkOperatorLaws({ make: () => new SetMembership(op, all), widths: [2, 2], seed });
  });
});
