/**
 * STDDEV_POP / STDDEV_SAMP / STDDEV and VAR_POP / VAR_SAMP / VARIANCE: Feldera's formula in the
 * argument's type (integer divisions truncate), exact DECIMALs truncated to their scale, NULLs,
 * one-value and empty groups, DISTINCT, retractions and overflow.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql } from '../../helpers/sql-eval.js';
import { viewAfterSteps } from '../../helpers/sql-steps.js';

const STATS = 'STDDEV_POP(x) AS sp, STDDEV_SAMP(x) AS ss, VAR_POP(x) AS vp, VAR_SAMP(x) AS vs';

function stats(type: string, values: unknown[], select = STATS): string[] {
  return evalSql(select, { columns: `x ${type}`, rows: values.map((x) => ({ x })) });
}

describe('standard deviation and variance', () => {
  test('integers: the result has the argument type and both divisions truncate', () => {
    // n = 2, s = 9, q = 41: (41 - 81 / 2) = 1, so VAR_SAMP = 1 and VAR_POP = 1 / 2 = 0.
    assert.deepEqual(stats('INT', [5, 4]), ['{"sp":0,"ss":1,"vp":0,"vs":1}']);
    // n = 3, s = 7, q = 21: 21 - 49 / 3 = 5; VAR_SAMP = 5 / 2 = 2, VAR_POP = 5 / 3 = 1.
    assert.deepEqual(stats('BIGINT', [1, 2, 4, null]), ['{"sp":1,"ss":1,"vp":1,"vs":2}']);
  });

  test('unsigned integers square without overflowing their type (255 and 1 give 179)', () => {
    assert.deepEqual(stats('TINYINT UNSIGNED', [255, 1], 'STDDEV(x) AS s'), ['{"s":179}']);
  });

  test('DECIMAL: exact, then truncated to the scale', () => {
    // Mean 17; squared deviations 42.25 + 10.5625 + 10.5625 = 63.375.
    // VAR_POP = 21.125, STDDEV_POP = 4.5961...; VAR_SAMP = 31.6875, STDDEV_SAMP = 5.6291...
    assert.deepEqual(stats('DECIMAL(6, 2)', ['10.50', '20.25', '20.25']), [
      '{"sp":4.59,"ss":5.62,"vp":21.12,"vs":31.68}',
    ]);
  });

  test('DOUBLE', () => {
    const [row] = stats('DOUBLE', [1, 2, 4]);
    const r = JSON.parse(row!) as Record<string, number>;
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
    close(r.vs!, 7 / 3);
    close(r.vp!, 14 / 9);
    close(r.ss!, Math.sqrt(7 / 3));
    close(r.sp!, Math.sqrt(14 / 9));
  });

  test('one value: the population statistics are 0, the sample ones NULL; no value: NULL', () => {
    assert.deepEqual(stats('INT', [7, null]), ['{"sp":0,"ss":null,"vp":0,"vs":null}']);
    assert.deepEqual(stats('DECIMAL(4, 1)', []), ['{"sp":null,"ss":null,"vp":null,"vs":null}']);
  });

  test('STDDEV is STDDEV_SAMP and VARIANCE is VAR_SAMP; DISTINCT uses each value once', () => {
    assert.deepEqual(
      stats(
        'INT',
        [2, 2, 4],
        'STDDEV(x) AS s, VARIANCE(x) AS v, VAR_SAMP(DISTINCT x) AS d, VAR_SAMP(x) AS a',
      ),
      ['{"s":1,"v":1,"d":2,"a":1}'],
    );
  });

  test('per group, with FILTER', () => {
    const t = {
      columns: 'g INT, x INT',
      rows: [
        { g: 1, x: 1 },
        { g: 1, x: 9 },
        { g: 2, x: 3 },
      ],
    };
    assert.deepEqual(
      evalSql('g, STDDEV_POP(x) FILTER (WHERE x < 5) AS s, VAR_POP(x) AS v', t, 'GROUP BY g'),
      ['{"g":1,"s":0,"v":16}', '{"g":2,"s":0,"v":0}'],
    );
  });

  test('retractions subtract from the sums', () => {
    const steps = viewAfterSteps('x INT', 'VAR_SAMP(x) AS v, STDDEV_POP(x) AS s', [
      { insert: [{ x: 1 }, { x: 2 }, { x: 4 }] },
      { delete: [{ x: 4 }] },
      { delete: [{ x: 1 }] },
      { delete: [{ x: 2 }] },
    ]);
    assert.deepEqual(steps, [
      ['{"v":2,"s":1}'],
      ['{"v":1,"s":0}'],
      ['{"v":null,"s":0}'],
      ['{"v":null,"s":null}'],
    ]);
  });

  test("an intermediate beyond Feldera's 128 bits fails the step with Feldera's message", () => {
    // Two values of 9223372 * 10^12: s = 18446744 * 10^12, and s * s exceeds 2^127.
    const steps = viewAfterSteps('x BIGINT', 'STDDEV(x * 1000000000000) AS s', [
      { insert: [{ x: 9223372 }, { x: 9223372 }] },
    ]);
    assert.match(
      steps[0]![0]!,
      /'18446744000000000000 \* 18446744000000000000' causes overflow for type BIGINT/,
    );
  });

  test('a variance that does not fit the argument type fails the step', () => {
    const steps = viewAfterSteps('x DECIMAL(6, 2)', 'VAR_POP(x) AS v', [
      { insert: [{ x: 9999.99 }, { x: -9999.99 }] },
    ]);
    assert.match(steps[0]![0]!, /VAR_POP overflow: result 99999800.00 does not fit DECIMAL\(6, 2\)/);
  });

  test('the argument must be numeric', () => {
    assert.equal(
      compileError('STDDEV_POP(s)'),
      "Compilation error @2:25: Cannot apply 'STDDEV_POP' to arguments of type 'STDDEV_POP(<VARCHAR>)'. Supported form(s): 'STDDEV_POP(<NUMERIC>)'",
    );
  });
});
