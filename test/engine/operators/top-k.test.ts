import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TopK } from '../../../src/engine/operators/top-k.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('TopK', () => {
  test('keeps the first rows in order and refills when one leaves', () => {
    const op = new TopK([{ index: 0, desc: false, nullsFirst: false }], 2, 0);
    const ctx = { undo: new UndoLog(), step: 1 };
    const out = op.step([[3, 1, 2, null].map((v) => ({ row: [v], weight: 1 }))], ctx);
    assert.deepEqual(new Set(out.map((e) => e.row[0])), new Set([1, 2]));
    assert.deepEqual(op.step([[{ row: [1], weight: -1 }]], ctx), [
      { row: [3], weight: 1 },
      { row: [1], weight: -1 },
    ]);
  });

  test('changes after the window do not touch the output', () => {
    const op = new TopK([{ index: 0, desc: true, nullsFirst: true }], 1, 0);
    const ctx = { undo: new UndoLog(), step: 1 };
    op.step([[{ row: [10], weight: 1 }]], ctx);
    assert.deepEqual(op.step([[{ row: [5], weight: 1 }]], ctx), []);
  });

  test('incrementalization law for limits, offsets, directions and NULL placement', () => {
    const configs = [
      { limit: 3, offset: 0, desc: false, nullsFirst: false },
      { limit: 2, offset: 1, desc: true, nullsFirst: true },
      { limit: 0, offset: 0, desc: false, nullsFirst: true },
      { limit: null, offset: 2, desc: true, nullsFirst: false },
    ];
    for (const c of configs)
      for (let seed = 1; seed <= 20; seed++)
        checkOperatorLaws({
          make: () => new TopK([{ index: 0, desc: c.desc, nullsFirst: c.nullsFirst }], c.limit, c.offset),
          widths: [2],
          seed,
        });
  });
});
