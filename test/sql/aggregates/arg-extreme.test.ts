/** ARG_MAX / ARG_MIN: ties, NULLs on either side, types, FILTER, DISTINCT and retractions. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql } from '../../helpers/sql-eval.js';
import { viewAfterSteps } from '../../helpers/sql-steps.js';

const T = {
  columns: 'g INT, v VARCHAR, c INT',
  rows: [
    { g: 1, v: 'a', c: 3 },
    { g: 1, v: 'b', c: 5 },
    { g: 1, v: null, c: 5 },
    { g: 1, v: 'c', c: null },
    { g: 1, v: 'd', c: 1 },
    { g: 2, v: 'p', c: 1 },
    { g: 2, v: null, c: 1 },
    { g: 3, v: 'q', c: null },
  ],
};

describe('ARG_MAX and ARG_MIN', () => {
  test('a NULL compared value loses to any other in both; ties go to the larger (smaller) value, NULL the smallest', () => {
    assert.deepEqual(evalSql('g, ARG_MAX(v, c) AS hi, ARG_MIN(v, c) AS lo', T, 'GROUP BY g'), [
      '{"g":1,"hi":"b","lo":"d"}',
      '{"g":2,"hi":"p","lo":null}',
      '{"g":3,"hi":"q","lo":"q"}',
    ]);
  });

  test('DISTINCT changes nothing; FILTER leaves rows out', () => {
    assert.deepEqual(
      evalSql(
        "ARG_MAX(DISTINCT v, c) AS d, ARG_MAX(v, c) FILTER (WHERE v < 'b') AS f, ARG_MIN(c, v) AS m",
        T,
      ),
      ['{"d":"b","f":"a","m":3}'],
    );
  });

  test('over no rows the result is NULL', () => {
    assert.deepEqual(evalSql('ARG_MAX(v, c) AS hi', T, 'WHERE FALSE'), ['{"hi":null}']);
  });

  test('any comparable type: maps compare by their sorted entries, rows field by field', () => {
    const t = {
      columns: 'id INT, m MAP<VARCHAR, INT>, r ROW(a INT, b VARCHAR NULL)',
      rows: [
        { id: 1, m: { a: 1 }, r: { a: 1, b: 'z' } },
        { id: 2, m: { b: 0 }, r: { a: 2, b: 'a' } },
        { id: 3, m: { a: 2 }, r: { a: 1, b: null } },
      ],
    };
    assert.deepEqual(evalSql('ARG_MAX(id, m) AS m, ARG_MIN(id, r) AS r, ARG_MAX(r, id) AS v', t), [
      '{"m":2,"r":3,"v":{"a":1,"b":null}}',
    ]);
  });

  test('retracting the winner finds the next one', () => {
    const steps = viewAfterSteps('v VARCHAR, c INT', 'ARG_MAX(v, c) AS hi, ARG_MIN(v, c) AS lo', [
      {
        insert: [
          { v: 'a', c: 3 },
          { v: 'b', c: 5 },
          { v: 'c', c: 1 },
        ],
      },
      {
        delete: [
          { v: 'b', c: 5 },
          { v: 'c', c: 1 },
        ],
      },
      { delete: [{ v: 'a', c: 3 }] },
    ]);
    assert.deepEqual(steps, [['{"hi":"b","lo":"c"}'], ['{"hi":"a","lo":"a"}'], ['{"hi":null,"lo":null}']]);
  });

  test('a row with a NULL compared value wins only while it is the only candidate', () => {
    const steps = viewAfterSteps('v VARCHAR, c INT', 'ARG_MAX(v, c) AS hi, ARG_MIN(v, c) AS lo', [
      {
        insert: [
          { v: 'x', c: null },
          { v: 'y', c: 4 },
        ],
      },
      { delete: [{ v: 'y', c: 4 }] },
      { insert: [{ v: 'w', c: 9 }] },
      { insert: [{ v: 'u', c: null }], delete: [{ v: 'w', c: 9 }] },
    ]);
    assert.deepEqual(steps, [
      ['{"hi":"y","lo":"y"}'],
      ['{"hi":"x","lo":"x"}'],
      ['{"hi":"w","lo":"w"}'],
      ['{"hi":"x","lo":"u"}'],
    ]);
  });

  test('ARG_MIN of a column by itself skips NULL keys: the smallest key, not NULL', () => {
    const t = {
      columns: 'x INT, k INT',
      rows: [
        { x: 1, k: null },
        { x: 2, k: 5 },
        { x: 3, k: 7 },
      ],
    };
    assert.deepEqual(evalSql('ARG_MIN(x, k) AS a, ARG_MIN(k, k) AS b, ARG_MAX(k, k) AS c', t), [
      '{"a":2,"b":5,"c":7}',
    ]);
  });

  test('two arguments are required', () => {
    assert.match(
      compileError('ARG_MAX(x)'),
      /Invalid number of arguments to function 'ARG_MAX'. Was expecting 2 arguments/,
    );
  });
});
