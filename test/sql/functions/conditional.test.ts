/**
 * Conditional functions and operators: COALESCE, IFNULL, NULLIF, IF, GREATEST, LEAST (and the
 * _IGNORE_NULLS forms), CASE, <=>, BETWEEN [SYMMETRIC], IS [NOT] UNKNOWN, with the NULL rules
 * of Feldera's reference and the types Calcite gives them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalValues, type Table } from '../../helpers/sql-eval.js';

const ROW: Table = {
  columns: 'i INT, d DECIMAL(6, 2), r REAL, s VARCHAR, b BOOLEAN, a VARCHAR ARRAY, m MAP<VARCHAR, INT>',
  rows: [{ i: -12, d: -1111.52, r: -57681.18, s: 'hello ', b: true, a: ['x'], m: { a: 12 } }],
};

describe('conditional functions', () => {
  test("the reference's examples", () => {
    assert.deepEqual(evalValues(['COALESCE(NULL, 5)', 'NULLIF(5, 5)', 'NULLIF(5, 0)', 'IFNULL(NULL, 3)']), [
      '5',
      'null',
      '5',
      '3',
    ]);
  });

  test('GREATEST and LEAST are NULL if any argument is; the _IGNORE_NULLS forms skip NULLs', () => {
    assert.deepEqual(
      evalValues(
        [
          'GREATEST(i, -1)',
          'LEAST(i, -1, 7)',
          'GREATEST(i, NULL)',
          'GREATEST_IGNORE_NULLS(NULL, i, -1)',
          'LEAST_IGNORE_NULLS(NULL, i, -1)',
          'GREATEST_IGNORE_NULLS(CAST(NULL AS INT), NULL)',
          "LEAST(s, '0.12')",
          'GREATEST(b, FALSE)',
          "GREATEST(a, ARRAY['y'])",
          "LEAST(ROW(4, 'cat'), ROW(5, NULL))",
        ],
        ROW,
      ),
      ['-1', '-12', 'null', '-1', '-12', 'null', '"0.12"', 'true', '["y"]', '{"EXPR$0":4,"EXPR$1":"cat"}'],
    );
  });

  test('a REAL meets a DECIMAL at DOUBLE in results, but compares as a REAL', () => {
    assert.deepEqual(
      evalValues(['LEAST(r, -0.1234567)', 'r = -57681.18', 'r IN (-57681.18)', 'COALESCE(r, -1)'], ROW),
      ['-57681.1796875', 'true', 'true', '-57681.18'],
    );
  });

  test('COALESCE of a string and a number is a VARCHAR; NULLIF keeps the type of its first argument', () => {
    assert.deepEqual(
      evalValues(
        ['COALESCE(NULL, s, -1)', 'COALESCE(CAST(NULL AS VARCHAR), 2)', 'NULLIF(d, -0.52)', 'NULLIF(i, -12)'],
        ROW,
      ),
      ['"hello "', '"2"', '-1111.52', 'null'],
    );
  });

  test('IF and CASE', () => {
    assert.deepEqual(
      evalValues(
        [
          "IF(i <= -12, 'correct', 'incorrect')",
          "IF(NULL, 'yes', 'no')",
          "CASE i WHEN 1, -12 THEN 'listed' ELSE 'not' END",
          'CASE WHEN i > 0 THEN 1 END',
          "CASE d WHEN -1111.52 THEN 'a' WHEN -0.52 THEN 'b' END",
        ],
        ROW,
      ),
      ['"correct"', '"no"', '"listed"', 'null', '"a"'],
    );
  });

  test('<=>, IS [NOT] DISTINCT FROM, BETWEEN [SYMMETRIC], IS UNKNOWN', () => {
    assert.deepEqual(
      evalValues(
        [
          'i <=> NULL',
          'i <=> -12',
          'CAST(NULL AS INT) <=> NULL',
          'i BETWEEN -11 AND -13',
          'i BETWEEN SYMMETRIC -11 AND -13',
          'i NOT BETWEEN SYMMETRIC -11 AND -13',
          'b IS UNKNOWN',
          '(i > NULL) IS UNKNOWN',
          '(i > NULL) IS NOT UNKNOWN',
        ],
        ROW,
      ),
      ['false', 'true', 'true', 'false', 'true', 'false', 'false', 'true', 'false'],
    );
  });

  test("arguments without a common type are compile-time errors in Feldera's words", () => {
    const columns = 'u UUID, x VARBINARY, s VARCHAR, m MAP<VARCHAR, INT>, a VARCHAR ARRAY, r ROW(i INT)';
    assert.match(
      compileError("COALESCE(NULL, u, X'0B1620')", columns),
      /Parameters must be of the same type/,
    );
    assert.match(compileError('GREATEST(a, m)', columns), /Parameters must be of the same type/);
    assert.match(compileError('GREATEST(s, FALSE)', columns), /cannot infer the return type of GREATEST/);
    assert.match(
      compileError("NULLIF(m, ARRAY['apple'])", columns),
      /Cannot apply 'NULLIF' to arguments of type/,
    );
    assert.match(compileError('r IS UNKNOWN', columns), /Cannot apply 'IS UNKNOWN' to arguments of type/);
    assert.match(compileError("IF(1, 'a', 'b')", columns), /Expected a BOOLEAN expression/);
  });
});
