import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aggregate, type AggregateSpec } from '../../../src/engine/operators/aggregate.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { Decimal } from '../../../src/engine/values/decimal.js';
import type { ColumnType } from '../../../src/engine/values/types.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

const INT: ColumnType = { type: 'INTEGER', nullable: true };
const BIGINT: ColumnType = { type: 'BIGINT', nullable: false };
const VARCHAR: ColumnType = { type: 'VARCHAR', nullable: true, precision: -1 };

function spec(fn: string, arg: number | null, argType: ColumnType | null, distinct = false): AggregateSpec {
  const type = fn === 'count' || fn === 'count_star' ? BIGINT : { ...argType!, nullable: true };
  return { call: { fn, arg, distinct, type }, argType };
}

const ALL: AggregateSpec[] = [
  spec('count_star', null, null),
  spec('count', 1, INT),
  spec('count', 1, INT, true),
  spec('sum', 1, INT),
  spec('sum', 1, INT, true),
  spec('avg', 1, INT),
  spec('min', 1, INT),
  spec('max', 2, VARCHAR),
  spec('min', 2, VARCHAR),
];

describe('Aggregate', () => {
  test('a global aggregate has one row, even over no input', () => {
    const op = new Aggregate([], [spec('count_star', null, null), spec('sum', 0, INT)]);
    assert.deepEqual(op.step([[]], { undo: new UndoLog(), step: 1 }), [{ row: [0n, null], weight: 1 }]);
  });

  test('groups appear and disappear with their rows', () => {
    const op = new Aggregate([0], [spec('count_star', null, null)]);
    const ctx = { undo: new UndoLog(), step: 1 };
    assert.deepEqual(op.step([[{ row: ['g', 1], weight: 2 }]], ctx), [{ row: ['g', 2n], weight: 1 }]);
    assert.deepEqual(op.step([[{ row: ['g', 1], weight: -2 }]], ctx), [{ row: ['g', 2n], weight: -1 }]);
  });

  test('MIN finds the next value after the current minimum is deleted', () => {
    const op = new Aggregate([], [spec('min', 0, INT)]);
    const ctx = { undo: new UndoLog(), step: 1 };
    op.step([[1, 2, 3].map((v) => ({ row: [v], weight: 1 }))], ctx);
    assert.deepEqual(op.step([[{ row: [1], weight: -1 }]], { ...ctx, step: 2 }), [
      { row: [1], weight: -1 },
      { row: [2], weight: 1 },
    ]);
  });

  test('SUM of DECIMAL is exact', () => {
    const dec: ColumnType = { type: 'DECIMAL', nullable: true, precision: 38, scale: 2 };
    const op = new Aggregate([], [spec('sum', 0, dec)]);
    const rows = Array.from({ length: 10 }, () => ({ row: [Decimal.parse('0.10')!], weight: 1 }));
    const out = op.step([rows], { undo: new UndoLog(), step: 1 });
    assert.equal(String(out[0]!.row[0]), '1.00');
  });

  test('incrementalization law, grouped and global, every aggregate function', () => {
    for (let seed = 1; seed <= 25; seed++) {
      checkOperatorLaws({ make: () => new Aggregate([0], ALL), widths: [3], seed });
      checkOperatorLaws({ make: () => new Aggregate([], ALL), widths: [3], seed });
    }
  });
});
