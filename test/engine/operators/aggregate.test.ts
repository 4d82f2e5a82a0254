import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aggregate, type AggregateSpec } from '../../../src/engine/operators/aggregate.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { Decimal } from '../../../src/engine/values/decimal.js';
import type { ColumnType } from '../../../src/engine/values/types.js';
import type { Row } from '../../../src/engine/values/value.js';
import type { AggregateCall } from '../../../src/sql/plan.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';
import type { Random } from '../../helpers/sql-random.js';

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

const BOOL: ColumnType = { type: 'BOOLEAN', nullable: true };
const LONG: ColumnType = { type: 'BIGINT', nullable: true };
const DEC: ColumnType = { type: 'DECIMAL', nullable: true, precision: 6, scale: 2 };
const DOUBLE: ColumnType = { type: 'DOUBLE', nullable: true };
const PAIR: ColumnType = {
  type: 'STRUCT',
  nullable: false,
  fields: ['EXPR$0', 'EXPR$1'].map((name) => ({
    name,
    case_sensitive: false,
    columntype: INT,
    unused: false,
  })),
};

/** Rows of (key, INT, BOOLEAN, BIGINT, DECIMAL(6, 2), DOUBLE, ROW(INT, INT)) from small domains. */
function wideRow(r: Random): Row {
  const small = () => (r.chance(0.15) ? null : r.int(-3, 3));
  return [
    r.chance(0.1) ? null : r.int(0, 2),
    small(),
    r.chance(0.15) ? null : r.chance(0.5),
    r.chance(0.15) ? null : BigInt(r.int(-5, 5)) * 1_000_000_007n,
    r.chance(0.15) ? null : Decimal.parse(`${r.int(-300, 300) / 100}`)!,
    r.chance(0.15) ? null : r.pick([-1.5, 0.1, 0.2, 3, 1e-7]),
    [small(), small()],
  ];
}

function wide(
  fn: string,
  arg: number | null,
  argType: ColumnType | null,
  type: ColumnType,
  extra: Partial<AggregateCall> = {},
): AggregateSpec {
  return { call: { fn, arg, distinct: false, type, ...extra }, argType };
}

const ARRAY: ColumnType = { type: 'ARRAY', nullable: false, component: INT };

/** Every kernel of the aggregate library over `wideRow`, with FILTER, DISTINCT and options. */
const WIDE: AggregateSpec[] = [
  wide('every', 2, BOOL, BOOL),
  wide('some', 2, BOOL, BOOL),
  wide('count_star', null, null, BIGINT, { filter: 2 }),
  wide('sum', 1, INT, INT, { filter: 2 }),
  wide('count', 1, INT, BIGINT, { distinct: true, filter: 2 }),
  wide('bit_and', 1, INT, INT),
  wide('bit_or', 3, LONG, LONG),
  wide('bit_xor', 1, INT, INT),
  wide('bit_xor', 3, LONG, LONG, { distinct: true }),
  wide('stddev_samp', 1, INT, INT),
  wide('stddev_pop', 3, LONG, LONG),
  wide('var_samp', 4, DEC, DEC),
  wide('stddev_pop', 4, DEC, DEC, { distinct: true }),
  wide('var_pop', 5, DOUBLE, DOUBLE),
  wide('stddev_samp', 5, DOUBLE, DOUBLE),
  wide('arg_max', 6, PAIR, INT),
  wide('arg_min', 6, PAIR, INT, { filter: 2 }),
  wide('array_agg', 1, INT, ARRAY),
  wide('array_agg', 1, INT, ARRAY, { filter: 2, options: { distinct: true } }),
  wide('array_agg', 1, INT, ARRAY, { options: { ignoreNulls: true } }),
  wide('array_agg', 6, PAIR, ARRAY, { options: { order: [{ desc: true, nullsFirst: false }] } }),
  wide('map_agg', 6, PAIR, { type: 'MAP', nullable: false, key: INT, value: INT }),
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

  test('incrementalization law with retractions: the whole aggregate library, FILTER and DISTINCT', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const row = (r: Random) => wideRow(r);
      checkOperatorLaws({ make: () => new Aggregate([0], WIDE), widths: [7], seed, row, steps: 16 });
      checkOperatorLaws({ make: () => new Aggregate([], WIDE), widths: [7], seed, row, steps: 16 });
    }
  });

  test('FILTER skips rows whose condition is not TRUE, but the group keeps existing', () => {
    const op = new Aggregate([0], [wide('count_star', null, null, BIGINT, { filter: 1 })]);
    const ctx = { undo: new UndoLog(), step: 1 };
    const out = op.step(
      [
        [
          { row: ['g', false], weight: 1 },
          { row: ['g', null], weight: 1 },
        ],
      ],
      ctx,
    );
    assert.deepEqual(out, [{ row: ['g', 0n], weight: 1 }]);
    assert.deepEqual(op.step([[{ row: ['g', true], weight: 2 }]], { ...ctx, step: 2 }), [
      { row: ['g', 0n], weight: -1 },
      { row: ['g', 2n], weight: 1 },
    ]);
  });
});
