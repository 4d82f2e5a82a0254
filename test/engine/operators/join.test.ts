import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyFunction } from '../../../src/engine/build.js';
import { compilePredicate } from '../../../src/engine/expr/compile.js';
import { Join, type JoinKind } from '../../../src/engine/operators/join.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import type { Expr } from '../../../src/sql/plan.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

const INT = { type: 'INTEGER', nullable: true } as const;
const col = (index: number): Expr => ({ kind: 'col', index, type: INT });
/** Residual `left.col1 < right.col1` over the concatenated row (left width 3). */
const lessThan: Expr = {
  kind: 'call',
  fn: 'lt',
  args: [col(1), col(4)],
  type: { type: 'BOOLEAN', nullable: true },
};

function join(kind: JoinKind, residual: boolean, keys = [0]): Join {
  return new Join(
    kind,
    keyFunction(keys.map(col)),
    keyFunction(keys.map(col)),
    residual ? compilePredicate(lessThan) : null,
    3,
    3,
  );
}

describe('Join', () => {
  const ctx = () => ({ undo: new UndoLog(), step: 1 });

  test('inner join matches equal keys and never NULL keys', () => {
    const out = join('inner', false).step(
      [
        [
          { row: [1, 0, 'a'], weight: 1 },
          { row: [null, 0, 'n'], weight: 1 },
        ],
        [
          { row: [1, 5, 'b'], weight: 2 },
          { row: [null, 5, 'm'], weight: 1 },
        ],
      ],
      ctx(),
    );
    assert.deepEqual(out, [{ row: [1, 0, 'a', 1, 5, 'b'], weight: 2 }]);
  });

  test('left join pads unmatched rows and retracts the padding when a match arrives', () => {
    const op = join('left', false);
    const c = ctx();
    assert.deepEqual(op.step([[{ row: [1, 0, 'a'], weight: 1 }], []], c), [
      { row: [1, 0, 'a', null, null, null], weight: 1 },
    ]);
    assert.deepEqual(op.step([[], [{ row: [1, 5, 'b'], weight: 1 }]], c), [
      { row: [1, 0, 'a', 1, 5, 'b'], weight: 1 },
      { row: [1, 0, 'a', null, null, null], weight: -1 },
    ]);
  });

  test('mark join tags each left row with whether it has a match', () => {
    const op = join('mark', true);
    const c = ctx();
    assert.deepEqual(op.step([[{ row: [1, 0, 'a'], weight: 2 }], [{ row: [1, 0, 'b'], weight: 1 }]], c), [
      { row: [1, 0, 'a', false], weight: 2 },
    ]);
    assert.deepEqual(op.step([[], [{ row: [1, 9, 'c'], weight: 1 }]], c), [
      { row: [1, 0, 'a', true], weight: 2 },
      { row: [1, 0, 'a', false], weight: -2 },
    ]);
  });

  test('incrementalization law for every join kind, with and without a residual condition', () => {
    for (const kind of ['inner', 'left', 'right', 'full', 'mark'] as const)
      for (const residual of [false, true])
        for (let seed = 1; seed <= 12; seed++)
          checkOperatorLaws({ make: () => join(kind, residual), widths: [3, 3], seed });
  });

  test('incrementalization law for cross joins (no keys) and two-column keys', () => {
    for (let seed = 1; seed <= 10; seed++) {
      checkOperatorLaws({ make: () => join('full', true, []), widths: [3, 3], seed });
      checkOperatorLaws({ make: () => join('left', false, [0, 1]), widths: [3, 3], seed });
    }
  });
});
