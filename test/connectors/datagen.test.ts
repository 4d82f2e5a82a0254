import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fieldGenerator } from '../../src/connectors/datagen/fields.js';
import { RecordGenerator } from '../../src/connectors/datagen/generator.js';
import { RecordRandom, Zipf } from '../../src/connectors/datagen/random.js';
import {
  DatagenConfigError,
  DEFAULT_FIELD,
  type FieldSettings,
  readDatagenConfig,
  unknownFieldMessage,
} from '../../src/connectors/datagen/settings.js';
import type { ColumnType } from '../../src/engine/values/types.js';
import type { ColumnInfo } from '../../src/sql/catalog.js';

const col = (type: ColumnType, name = 'c'): ColumnInfo => ({ name, caseSensitive: false, type });
const field = (settings: Partial<FieldSettings>): FieldSettings => ({ ...DEFAULT_FIELD, ...settings });

/** The first `n` values of a column's generator. */
function values(type: ColumnType, settings: Partial<FieldSettings>, n: number, seed = 1) {
  const gen = fieldGenerator(col(type), field(settings), null);
  return Array.from({ length: n }, (_, i) => gen(i, new RecordRandom(seed, 0, i)));
}

const INT: ColumnType = { type: 'INTEGER', nullable: false };
const TINY: ColumnType = { type: 'TINYINT', nullable: false };
const BIG: ColumnType = { type: 'BIGINT', nullable: false };
const DOUBLE: ColumnType = { type: 'DOUBLE', nullable: false };
const TEXT: ColumnType = { type: 'VARCHAR', nullable: true, precision: -1 };
const DATE: ColumnType = { type: 'DATE', nullable: false };
const TIME: ColumnType = { type: 'TIME', nullable: false, precision: 0 };
const TS: ColumnType = { type: 'TIMESTAMP', nullable: false, precision: 0 };

describe('datagen increment strategy (Feldera semantics)', () => {
  test('integers count from 0, wrap at the type maximum, and a range with a scale steps within it', () => {
    assert.deepEqual(values(INT, {}, 3), [0, 1, 2]);
    assert.deepEqual(values(TINY, {}, 130).slice(126), [126, 0, 1, 2]);
    assert.deepEqual(values(BIG, { scale: 1000 }, 2), [0n, 1000n]);
    // Feldera's test_scaled_range_increment: range [10, 20), scale 3.
    assert.deepEqual(values(INT, { range: [10, 20], scale: 3 }, 5), [10, 13, 16, 19, 12]);
  });

  test('reals, booleans, strings', () => {
    const reals = values(DOUBLE, { range: [1.1, 10.1] }, 3) as number[];
    for (const [i, v] of reals.entries()) assert.ok(Math.abs(v - (1.1 + i)) < 1e-9);
    assert.deepEqual(values({ type: 'BOOLEAN', nullable: false }, {}, 4), [false, true, false, true]);
    assert.deepEqual(values(TEXT, { scale: 5 }, 3), ['0', '5', '10']);
  });

  test('dates step by days, times and timestamps by milliseconds, wrapping in their range', () => {
    assert.deepEqual(values(DATE, { range: ['2024-08-28', '2024-08-30'] }, 3), [
      '2024-08-28',
      '2024-08-29',
      '2024-08-28',
    ]);
    assert.deepEqual(values(DATE, { range: [0, 2] }, 2), ['1970-01-01', '1970-01-02']);
    assert.deepEqual(values(TIME, { range: ['00:00:05', '00:00:07'], scale: 1000 }, 3), [
      '00:00:05',
      '00:00:06',
      '00:00:05',
    ]);
    assert.deepEqual(values(TIME, {}, 2), ['00:00:00', '00:00:00.001']);
    assert.deepEqual(
      values(TS, { range: ['2024-08-28T00:00:00Z', '2024-08-28T00:00:02Z'], scale: 1000 }, 3),
      ['2024-08-28 00:00:00', '2024-08-28 00:00:01', '2024-08-28 00:00:00'],
    );
    assert.deepEqual(values(TS, { range: [86_400_000, 86_400_010] }, 1), ['1970-01-02 00:00:00']);
  });

  test('values: picked by index; an empty list gives NULL', () => {
    // Feldera's test_values.
    assert.deepEqual(values(INT, { values: [99, 100, 101] }, 4), [99, 100, 101, 99]);
    assert.deepEqual(values(TEXT, { values: [] }, 2), [null, null]);
  });
});

describe('datagen random strategies', () => {
  test('uniform stays in its range, times wrap around midnight, null_percentage 100 is all NULL', () => {
    for (const v of values(INT, { strategy: 'uniform', range: [10, 20] }, 200))
      assert.ok((v as number) >= 10 && (v as number) < 20);
    for (const v of values(TIME, { strategy: 'uniform', scale: 3 }, 200))
      assert.match(v as string, /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d/);
    for (const v of values(DATE, { strategy: 'zipf', range: ['2020-01-01', '2020-01-11'] }, 100))
      assert.ok((v as string) >= '2020-01-01' && (v as string) < '2020-01-11');
    assert.deepEqual(values(INT, { nullPercentage: 100 }, 3), [null, null, null]);
    const some = values(INT, { nullPercentage: 50 }, 400).filter((v) => v === null).length;
    assert.ok(some > 120 && some < 280, `${some} of 400 NULL at 50%`);
  });

  test('a Zipf sample is in 1..n and rank 1 comes about 1/H(n, s) of the time', () => {
    const zipf = new Zipf(10, 1);
    let ones = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const k = zipf.sample(new RecordRandom(3, 0, i));
      assert.ok(Number.isInteger(k) && k >= 1 && k <= 10);
      if (k === 1) ones++;
    }
    const harmonic = Array.from({ length: 10 }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b);
    assert.ok(Math.abs(ones / n - 1 / harmonic) < 0.02, `P(1) = ${ones / n}, expected ${1 / harmonic}`);
    assert.throws(() => new Zipf(0, 1), /invalid Zipf/);
  });

  test('records depend on (seed, plan, index) only: any split of a range makes the same records', () => {
    const columns = [col(BIG, 'id'), col(INT, 'u'), col(TEXT, 's'), col(TS, 'ts')];
    const settings = readDatagenConfig(
      {
        plan: [
          { fields: { u: { strategy: 'uniform' }, s: { strategy: 'uniform' }, ts: { strategy: 'zipf' } } },
        ],
      },
      columns,
    );
    const gen = new RecordGenerator(settings, columns, null);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 50 }), (seed, split) => {
        const whole = gen.generate(seed, 0, 0, 50).rows;
        const parts = [...gen.generate(seed, 0, 0, split).rows, ...gen.generate(seed, 0, split, 50).rows];
        assert.deepEqual(parts, whole);
      }),
      { numRuns: 30 },
    );
    assert.notDeepEqual(gen.generate(1, 0, 0, 5).rows, gen.generate(2, 0, 0, 5).rows);
  });

  test('bytes count each record as compact JSON, as Feldera\'s datagen does (5 x {"c1":0..4} = 40)', () => {
    const one = [col(INT, 'c1')];
    assert.equal(
      new RecordGenerator(readDatagenConfig({ plan: [{}] }, one), one, null).generate(0, 0, 0, 5).bytes,
      40,
    );
    const two = [col(INT, 'id'), col(TEXT, 's')];
    const out = new RecordGenerator(readDatagenConfig({ plan: [{}] }, two), two, null).generate(0, 0, 9, 11);
    const text = out.rows.map((r) => JSON.stringify({ id: r[0], s: r[1] })).join('');
    assert.equal(out.bytes, text.length, text);
  });

  test('a value its column refuses makes that record a parse error; the others are kept', () => {
    const columns = [col({ type: 'DECIMAL', nullable: false, precision: 3, scale: 1 }, 'd')];
    const gen = new RecordGenerator(readDatagenConfig({ plan: [{}] }, columns), columns, null);
    const out = gen.generate(0, 0, 98, 102);
    assert.deepEqual(
      out.rows.map((r) => String(r[0])),
      ['98.0', '99.0'],
    );
    assert.deepEqual(
      out.errors.map((e) => e.index),
      [100, 101],
    );
    assert.match(out.errors[0]!.message, /column 'd'.*\(generated 100\)/);
  });
});

describe('datagen settings are checked against the table', () => {
  const columns = [col(INT, 'id'), col({ ...TEXT }, 'name')];
  const bad = (config: unknown, message: RegExp) =>
    assert.throws(
      () => new RecordGenerator(readDatagenConfig(config, columns), columns, null),
      (err: unknown) => {
        assert.ok(err instanceof DatagenConfigError, String(err));
        assert.match(err.message, message);
        return true;
      },
    );

  test('defaults: one unlimited plan, one worker, batches of 10000 (or the rate)', () => {
    const s = readDatagenConfig(undefined, columns);
    assert.deepEqual(s.plans, [{ limit: null, rate: null, chunk: 10_000, fields: [null, null] }]);
    assert.equal(s.workers, 1);
    assert.equal(readDatagenConfig({ plan: [{ rate: 5 }] }, columns).plans[0]!.chunk, 5);
    assert.equal(
      readDatagenConfig({ plan: [{ rate: 0 }] }, columns).plans[0]!.rate,
      null,
      'rate 0 is no limit',
    );
    assert.equal(
      readDatagenConfig({ plan: [{ fields: { NAME: {} } }] }, columns).plans[0]!.fields[1]?.strategy,
      'increment',
    );
  });

  test('a field that names no column is kept for the runtime to refuse (Feldera fails the start, not the compile)', () => {
    const s = readDatagenConfig(
      { plan: [{ fields: { nope: {}, id: {} } }, { fields: { other: {} } }] },
      columns,
    );
    assert.deepEqual(s.unknownFields, ['nope', 'other']);
    assert.equal(s.plans[0]!.fields[0]?.strategy, 'increment');
    assert.equal(
      unknownFieldMessage('nope'),
      'Field `nope` specified in datagen does not exist in the table schema.',
    );
  });

  test('each mistake is named', () => {
    bad({ plan: [{ fields: { nope: { strategy: 'sideways' } } }] }, /unknown strategy "sideways"/);
    bad({ plan: [{ limits: 3 }] }, /plan\[0\]: unknown key 'limits'/);
    bad({ seeds: 1 }, /unknown key 'seeds'/);
    bad({ workers: 0 }, /workers must be at least 1/);
    bad({ plan: [{ worker_chunk_size: 0 }] }, /worker_chunk_size must be at least 1/);
    bad({ plan: [{ limit: -1 }] }, /limit must be a non-negative integer/);
    bad(
      { plan: [{ fields: { id: { strategy: 'email' } } }] },
      /field 'id': invalid strategy 'email' for type INTEGER/,
    );
    bad({ plan: [{ fields: { id: { strategy: 'sideways' } } }] }, /unknown strategy "sideways"/);
    bad({ plan: [{ fields: { id: { range: [5, 1] } } }] }, /invalid range, min > max/);
    bad({ plan: [{ fields: { id: { range: [5, 5] } } }] }, /empty range/);
    bad({ plan: [{ fields: { id: { range: ['a', 'b'] } } }] }, /range values must be integers/);
    bad({ plan: [{ fields: { id: { values: [1, 'two'] } } }] }, /invalid value "two" at values\[1\]/);
    bad({ plan: [{ fields: { name: { range: [3, 3] } } }] }, /field 'name': empty range/);
  });
});
