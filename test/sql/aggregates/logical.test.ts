/** EVERY / SOME and their aliases, and COUNTIF: NULLs, empty groups, DISTINCT, FILTER, retractions. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql } from '../../helpers/sql-eval.js';
import { viewAfterSteps } from '../../helpers/sql-steps.js';

const T = {
  columns: 'g INT, b BOOLEAN, n INT',
  rows: [
    { g: 1, b: true, n: 10 },
    { g: 1, b: null, n: 20 },
    { g: 2, b: false, n: 30 },
    { g: 2, b: true, n: 40 },
    { g: 3, b: null, n: 50 },
  ],
};

describe('EVERY and SOME', () => {
  test('NULL values are ignored; a group with no TRUE or FALSE value gives NULL', () => {
    assert.deepEqual(evalSql('g, EVERY(b) AS e, SOME(b) AS s', T, 'GROUP BY g'), [
      '{"g":1,"e":true,"s":true}',
      '{"g":2,"e":false,"s":true}',
      '{"g":3,"e":null,"s":null}',
    ]);
  });

  test('BOOL_AND and LOGICAL_AND are EVERY; BOOL_OR and LOGICAL_OR are SOME; DISTINCT changes nothing', () => {
    assert.deepEqual(
      evalSql(
        'BOOL_AND(n > 5) AS a, LOGICAL_AND(n > 15) AS b, BOOL_OR(n > 45) AS c, LOGICAL_OR(n > 50) AS d, EVERY(DISTINCT b) AS e',
        T,
      ),
      ['{"a":true,"b":false,"c":true,"d":false,"e":false}'],
    );
  });

  test('over no rows the global result is NULL', () => {
    assert.deepEqual(evalSql('EVERY(b) AS e, SOME(n > 0) AS s', T, 'WHERE n < 0'), ['{"e":null,"s":null}']);
  });

  test('FILTER leaves out rows, so a group may have no value left', () => {
    assert.deepEqual(evalSql('g, EVERY(b) FILTER (WHERE n > 35) AS e', T, 'GROUP BY g'), [
      '{"g":1,"e":null}',
      '{"g":2,"e":true}',
      '{"g":3,"e":null}',
    ]);
  });

  test('retracting the only FALSE makes EVERY TRUE again; retracting every value makes it NULL', () => {
    const steps = viewAfterSteps('b BOOLEAN', 'EVERY(b) AS e, SOME(b) AS s', [
      { insert: [{ b: true }, { b: false }, { b: true }] },
      { delete: [{ b: false }] },
      { delete: [{ b: true }, { b: true }] },
    ]);
    assert.deepEqual(steps, [['{"e":false,"s":true}'], ['{"e":true,"s":true}'], ['{"e":null,"s":null}']]);
  });

  test('the argument must be BOOLEAN', () => {
    assert.equal(
      compileError('EVERY(x)'),
      "Compilation error @2:25: Cannot apply 'EVERY' to arguments of type 'EVERY(<INTEGER>)'. Supported form(s): 'EVERY(<BOOLEAN>)'",
    );
    assert.match(compileError('SOME(x, x)'), /Invalid number of arguments to function 'SOME'/);
  });
});

describe('COUNTIF', () => {
  test('counts the rows where the condition is TRUE (not NULL); 0 for none', () => {
    assert.deepEqual(evalSql('g, COUNTIF(b) AS c, COUNTIF(n > 25) AS big', T, 'GROUP BY g'), [
      '{"g":1,"c":1,"big":0}',
      '{"g":2,"c":1,"big":2}',
      '{"g":3,"c":0,"big":1}',
    ]);
    assert.deepEqual(evalSql('COUNTIF(b) AS c', T, 'WHERE FALSE'), ['{"c":0}']);
  });

  test('DISTINCT is ignored, as in Feldera (rows are counted, not truth values)', () => {
    assert.deepEqual(evalSql('COUNTIF(DISTINCT n > 15) AS c', T), ['{"c":4}']);
  });

  test('with FILTER both conditions must hold', () => {
    assert.deepEqual(evalSql('COUNTIF(n > 15) FILTER (WHERE b) AS c', T), ['{"c":1}']);
  });

  test('retractions subtract', () => {
    const steps = viewAfterSteps('n INT', 'COUNTIF(n > 1) AS c', [
      { insert: [{ n: 1 }, { n: 2 }, { n: 3 }] },
      { delete: [{ n: 3 }], insert: [{ n: 0 }] },
    ]);
    assert.deepEqual(steps, [['{"c":2}'], ['{"c":1}']]);
  });

  test('the argument must be BOOLEAN', () => {
    assert.match(
      compileError('COUNTIF(s)'),
      /Cannot apply 'COUNTIF' to arguments of type 'COUNTIF\(<VARCHAR>\)'/,
    );
  });
});
