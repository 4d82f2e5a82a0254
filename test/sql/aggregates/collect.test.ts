/**
 * ARRAY_AGG (element order, DISTINCT, IGNORE NULLS, ORDER BY, empty groups) and MAP_AGG, with
 * retractions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql } from '../../helpers/sql-eval.js';
import { viewAfterSteps } from '../../helpers/sql-steps.js';

const T = {
  columns: 'g INT, a INT, b INT, s VARCHAR',
  rows: [
    { g: 1, a: 1, b: 9, s: 'x' },
    { g: 1, a: null, b: 8, s: 'y' },
    { g: 2, a: 1, b: 7, s: 'x' },
    { g: 2, a: 3, b: 0, s: null },
  ],
};

describe('ARRAY_AGG', () => {
  test("elements come in the order of the aggregate's input rows (arguments left to right, NULL first)", () => {
    // Input rows (a, b): (NULL, 8), (1, 7), (1, 9), (3, 0).
    assert.deepEqual(evalSql('ARRAY_AGG(a) AS a, ARRAY_AGG(b) AS b', T), [
      '{"a":[null,1,1,3],"b":[8,7,9,0]}',
    ]);
    // Alone, b's input rows are just b.
    assert.deepEqual(evalSql('ARRAY_AGG(b) AS b', T), ['{"b":[0,7,8,9]}']);
    assert.deepEqual(evalSql('g, ARRAY_AGG(s) AS s', T, 'GROUP BY g'), [
      '{"g":1,"s":["x","y"]}',
      '{"g":2,"s":[null,"x"]}',
    ]);
  });

  test('DISTINCT keeps one of each value, NULL included, in value order; IGNORE NULLS drops NULLs', () => {
    assert.deepEqual(
      evalSql(
        'ARRAY_AGG(DISTINCT a) AS d, ARRAY_AGG(a IGNORE NULLS) AS i, ARRAY_AGG(a RESPECT NULLS) AS r',
        T,
      ),
      ['{"d":[null,1,3],"i":[1,1,3],"r":[null,1,1,3]}'],
    );
  });

  test('ORDER BY decides first (NULL the smallest unless NULLS FIRST / LAST says), then the input row', () => {
    assert.deepEqual(
      evalSql(
        'ARRAY_AGG(a ORDER BY b DESC) AS x, ARRAY_AGG(b ORDER BY a) AS y, ARRAY_AGG(b ORDER BY a DESC NULLS LAST) AS z',
        T,
      ),
      ['{"x":[1,null,1,3],"y":[8,7,9,0],"z":[0,7,9,8]}'],
    );
  });

  test('rows and other compound values are elements too', () => {
    assert.deepEqual(evalSql('ARRAY_AGG(ROW(a, s)) FILTER (WHERE g = 2) AS r', T), [
      '{"r":[{"EXPR$0":1,"EXPR$1":"x"},{"EXPR$0":3,"EXPR$1":null}]}',
    ]);
  });

  test('no rows give an empty array, never NULL', () => {
    assert.deepEqual(evalSql('ARRAY_AGG(a) AS a', T, 'WHERE FALSE'), ['{"a":[]}']);
    assert.deepEqual(evalSql('g, ARRAY_AGG(a) FILTER (WHERE b > 8) AS a', T, 'GROUP BY g'), [
      '{"g":1,"a":[1]}',
      '{"g":2,"a":[]}',
    ]);
  });

  test('retractions remove one copy of an element', () => {
    const steps = viewAfterSteps('a INT', 'ARRAY_AGG(a) AS a, ARRAY_AGG(DISTINCT a) AS d', [
      { insert: [{ a: 2 }, { a: 1 }, { a: 2 }] },
      { delete: [{ a: 2 }] },
      { delete: [{ a: 2 }, { a: 1 }] },
    ]);
    assert.deepEqual(steps, [['{"a":[1,2,2],"d":[1,2]}'], ['{"a":[1,2],"d":[1,2]}'], ['{"a":[],"d":[]}']]);
  });

  test('DISTINCT with ORDER BY is refused', () => {
    assert.match(
      compileError('ARRAY_AGG(DISTINCT x ORDER BY x)'),
      /^Not yet implemented @2:25: ARRAY_AGG with both DISTINCT and ORDER BY is not supported/,
    );
    assert.match(compileError('SUM(x ORDER BY x)'), /SUM does not take ORDER BY/);
    assert.match(compileError('MIN(x IGNORE NULLS)'), /MIN does not take IGNORE NULLS/);
  });
});

describe('MAP_AGG', () => {
  test('each non-NULL key maps to its largest value', () => {
    const t = {
      columns: 'k VARCHAR, v INT',
      rows: [
        { k: 'x', v: 1 },
        { k: 'x', v: 5 },
        { k: 'y', v: null },
        { k: null, v: 3 },
      ],
    };
    assert.deepEqual(evalSql('MAP_AGG(k, v) AS m', t), ['{"m":{"x":5,"y":null}}']);
    assert.deepEqual(evalSql('MAP_AGG(k, v) AS m', t, 'WHERE FALSE'), ['{"m":{}}']);
  });

  test('retracting the largest value of a key exposes the next', () => {
    const steps = viewAfterSteps('k INT, v VARCHAR', 'MAP_AGG(k, v) AS m', [
      {
        insert: [
          { k: 1, v: 'a' },
          { k: 1, v: 'b' },
          { k: 2, v: 'c' },
        ],
      },
      { delete: [{ k: 1, v: 'b' }] },
      { delete: [{ k: 1, v: 'a' }] },
    ]);
    assert.deepEqual(steps, [['{"m":{"1":"b","2":"c"}}'], ['{"m":{"1":"a","2":"c"}}'], ['{"m":{"2":"c"}}']]);
  });
});
