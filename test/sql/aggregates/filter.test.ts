/** Aggregate calls: FILTER (WHERE ...) on the standard aggregates, COUNT of several arguments, and their errors. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql } from '../../helpers/sql-eval.js';
import { viewAfterSteps } from '../../helpers/sql-steps.js';

const T = {
  columns: 'g INT, x INT NOT NULL, y INT',
  rows: [
    { g: 1, x: 1, y: null },
    { g: 1, x: 2, y: 20 },
    { g: 1, x: 2, y: 30 },
    { g: 2, x: 5, y: 50 },
  ],
};

describe('FILTER (WHERE ...)', () => {
  test('only rows where the condition is TRUE reach the aggregate', () => {
    assert.deepEqual(
      evalSql(
        'COUNT(*) FILTER (WHERE y > 10) AS c, COUNT(y) FILTER (WHERE x = 2) AS cy, SUM(x) FILTER (WHERE y IS NOT NULL) AS s, AVG(y) FILTER (WHERE x < 5) AS a, MIN(y) FILTER (WHERE x > 1) AS lo, MAX(x) FILTER (WHERE y < 40) AS hi, SUM(DISTINCT x) FILTER (WHERE x > 1) AS ds',
        T,
      ),
      ['{"c":3,"cy":2,"s":9,"a":25,"lo":20,"hi":2,"ds":7}'],
    );
  });

  test('calls differing only in their filter are different columns', () => {
    assert.deepEqual(
      evalSql('COUNT(*) AS a, COUNT(*) FILTER (WHERE x > 1) AS b, COUNT(*) FILTER (WHERE x > 2) AS c', T),
      ['{"a":4,"b":3,"c":1}'],
    );
  });

  test('a NULL condition excludes the row; a group with no row left gives 0 for COUNT and NULL for SUM', () => {
    assert.deepEqual(
      evalSql('g, COUNT(*) FILTER (WHERE y > 25) AS c, SUM(x) FILTER (WHERE y > 25) AS s', T, 'GROUP BY g'),
      ['{"g":1,"c":1,"s":2}', '{"g":2,"c":1,"s":5}'],
    );
    assert.deepEqual(
      evalSql('g, COUNT(*) FILTER (WHERE NULL) AS c, SUM(x) FILTER (WHERE y > 99) AS s', T, 'GROUP BY g'),
      ['{"g":1,"c":0,"s":null}', '{"g":2,"c":0,"s":null}'],
    );
  });

  test('a row whose filter column flips moves in and out of the aggregate', () => {
    const steps = viewAfterSteps('k INT, v INT', 'SUM(v) FILTER (WHERE k > 0) AS s, COUNT(*) AS n', [
      {
        insert: [
          { k: 1, v: 10 },
          { k: 0, v: 5 },
        ],
      },
      { delete: [{ k: 0, v: 5 }], insert: [{ k: 1, v: 5 }] },
      {
        delete: [
          { k: 1, v: 10 },
          { k: 1, v: 5 },
        ],
        insert: [{ k: -1, v: 7 }],
      },
    ]);
    assert.deepEqual(steps, [['{"s":10,"n":2}'], ['{"s":15,"n":2}'], ['{"s":null,"n":1}']]);
  });

  test('the condition must be BOOLEAN, and only aggregates take FILTER', () => {
    assert.match(compileError('COUNT(*) FILTER (WHERE x)'), /FILTER needs a BOOLEAN condition, got INTEGER/);
    assert.match(compileError('UPPER(s) FILTER (WHERE x > 1)'), /UPPER is not an aggregate function/);
  });
});

describe('COUNT of several arguments', () => {
  test('counts the rows where every argument is non-NULL; DISTINCT counts distinct tuples', () => {
    const t = {
      columns: 'a INT, b VARCHAR',
      rows: [
        { a: 1, b: 'x' },
        { a: 1, b: 'x' },
        { a: 2, b: null },
        { a: null, b: 'y' },
        { a: 3, b: 'x' },
      ],
    };
    assert.deepEqual(evalSql('COUNT(a, b) AS n, COUNT(DISTINCT a, b) AS d', t), ['{"n":3,"d":2}']);
  });
});
