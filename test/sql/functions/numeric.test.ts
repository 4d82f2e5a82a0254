/**
 * Numeric functions that keep their argument's type: the reference's examples (integer.md,
 * decimal.md, float.md), Feldera's runtime results for the illegal-argument table's values,
 * NULLs, overflow and illegal arguments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql, evalValues, type Table } from '../../helpers/sql-eval.js';

const ROW: Table = {
  columns: 'i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, s VARCHAR, b BOOLEAN, ts TIMESTAMP',
  rows: [{ i: -12, d: -1111.52, r: -57681.18, f: -38.2711234601246, s: '-0.14', b: true }],
};
const NULLS: Table = { columns: ROW.columns, rows: [{}] };

describe('numeric functions', () => {
  test('ABS, CEIL, FLOOR, SIGN keep the type; strings are read as DOUBLE', () => {
    assert.deepEqual(
      evalValues(
        ['ABS(i)', 'ABS(d)', 'ABS(s)', 'CEIL(f)', 'CEIL(d)', 'FLOOR(r)', 'FLOOR(s)', 'SIGN(d)', 'SIGN(i)'],
        ROW,
      ),
      ['12', '1111.52', '0.14', '-38', '-1111', '-57682', '-1', '-1', '-1'],
    );
  });

  test('ROUND, TRUNCATE and BROUND at a number of digits, negative digits left of the point', () => {
    // evalSql keeps the exact JSON text, so a DECIMAL shows its type's scale. ROUND of a
    // DECIMAL without digits is whole and half to even (Feldera's round_SqlDecimal); with
    // digits it keeps the scale and rounds half away from zero.
    assert.deepEqual(
      evalSql(
        [
          'ROUND(d) AS a',
          'ROUND(f, 2) AS b',
          'TRUNCATE(d) AS c',
          'TRUNC(f, 2) AS e',
          'BROUND(d, 1) AS g',
          'BROUND(CAST(2.5 AS DECIMAL(3, 1)), 0) AS h',
          'BROUND(CAST(3.5 AS DECIMAL(3, 1)), 0) AS j',
          'ROUND(CAST(2.5 AS DECIMAL(3, 1)), 0) AS k',
          'ROUND(1250, -2) AS l',
          'TRUNCATE(1299, -2) AS m',
          'BROUND(1250, -2) AS n',
          'ROUND(i) AS o',
          'ROUND(d, -2) AS p',
          'ROUND(CAST(3.5 AS DECIMAL(3, 1))) AS q',
          'ROUND(CAST(2.5 AS DECIMAL(3, 1))) AS r',
          'ROUND(CAST(-2.5 AS DECIMAL(3, 1))) AS s',
        ].join(', '),
        ROW,
      ),
      [
        '{"a":-1112,"b":-38.27,"c":-1111.00,"e":-38.27,"g":-1111.50,"h":2.0,"j":4.0,"k":3.0,' +
          '"l":1300,"m":1200,"n":1200,"o":-12,"p":-1100.00,"q":4,"r":2,"s":-2}',
      ],
    );
  });

  test('floating-point ROUND is half away from zero, as Feldera runtime; -0 becomes 0', () => {
    const t: Table = { columns: 'f DOUBLE, r REAL', rows: [{ f: 2.5, r: -2.5 }] };
    assert.deepEqual(
      evalValues(
        [
          'ROUND(f)',
          'ROUND(-f)',
          'ROUND(r)',
          'ROUND(0.125e0, 2)',
          'ROUND(f, -1)',
          'CAST(ROUND(-0.4e0) AS VARCHAR)',
          'CAST(TRUNCATE(-0.5e0) AS VARCHAR)',
        ],
        t,
      ),
      ['3', '-3', '-3', '0.13', '0', '"0.0"', '"0.0"'],
    );
  });

  test("MOD takes the dividend's sign (the reference's table)", () => {
    assert.deepEqual(
      evalValues(['MOD(8, 3)', 'MOD(8, -3)', 'MOD(-8, 3)', 'MOD(-8, -3)', 'MOD(d, 3)', '-i % 5'], {
        ...ROW,
        rows: [{ i: -12 }],
      }),
      ['2', '2', '-2', '-2', 'null', '2'],
    );
    assert.deepEqual(evalValues(['MOD(d, 3)', 'MOD(s, 3)'], { ...ROW, rows: [{ d: -1111.52, s: '14' }] }), [
      '-1.52',
      '2',
    ]);
  });

  test('DIV_NULL is NULL where division has no value', () => {
    assert.deepEqual(
      evalValues(
        ['DIV_NULL(i, 0)', 'DIV_NULL(i, 5)', 'DIV_NULL(d, 0.0)', 'DIV_NULL(f, 0)', 'DIV_NULL(f, 2)'],
        ROW,
      ),
      ['null', '-2', 'null', 'null', '-19.1355617300623'],
    );
  });

  test('NULL in, NULL out', () => {
    assert.deepEqual(
      evalValues(['ABS(i)', 'ROUND(d, 1)', 'ROUND(f, NULL)', 'SIGN(r)', 'MOD(i, 2)', 'BROUND(d, 1)'], NULLS),
      ['null', 'null', 'null', 'null', 'null', 'null'],
    );
  });

  test('integer results that leave the type fail the step, in Feldera words', () => {
    const t: Table = { columns: 't TINYINT, u TINYINT UNSIGNED, n INT', rows: [{ t: -128, u: 250, n: 0 }] };
    assert.throws(
      () => evalSql('ABS(t) AS x', t),
      /'-(-128)' causes overflow for type TINYINT|causes overflow for type TINYINT/,
    );
    assert.throws(
      () => evalSql('t - CAST(1 AS TINYINT) AS x', t),
      /'-128 - 1' causes overflow for type TINYINT/,
    );
    assert.throws(() => evalSql('u + u AS x', t), /'250 \+ 250' causes overflow for type TINYINT UNSIGNED/);
    assert.throws(() => evalSql('u / CAST(n AS TINYINT UNSIGNED) AS x', t), /'250 \/ 0' causes overflow/);
    assert.throws(() => evalSql('t % n AS x', t), /remainder with a divisor of zero/);
    assert.throws(() => evalSql('ROUND(t, -1) AS x', t), /causes overflow for type TINYINT/);
  });

  test('illegal arguments are compile-time errors', () => {
    const columns = 'i INT, b BOOLEAN, s VARCHAR, ts TIMESTAMP, x VARBINARY';
    assert.match(
      compileError('ABS(b)', columns),
      /Cannot apply 'ABS' to arguments of type 'ABS\(<BOOLEAN>\)'/,
    );
    assert.match(compileError('CEIL(x)', columns), /Cannot apply 'CEIL'/);
    assert.match(compileError('BROUND(s, 1)', columns), /Cannot apply 'BROUND'/);
    assert.match(compileError('ROUND(i, s)', columns), /Cannot apply 'ROUND'/);
    assert.match(compileError('MOD(b, 2)', columns), /Cannot apply 'MOD'/);
    assert.match(compileError('SIGN(ts)', columns), /Cannot apply 'SIGN'/);
  });
});
