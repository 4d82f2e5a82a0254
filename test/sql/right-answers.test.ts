/**
 * The right answers issue 10 lists, each observed wrong before: NULL is the smallest value in
 * ORDER BY ... LIMIT; SUM of DECIMAL widens and AVG of DECIMAL truncates; SUBSTRING and
 * CHAR_LENGTH count code points; a global aggregate holds (0, NULL) after the first step
 * even without input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeRowJsonEncoder } from '../../src/engine/index.js';
import { compile } from '../helpers/sql-circuit.js';
import { evalSql, evalValues } from '../helpers/sql-eval.js';

describe('right answers', () => {
  const xs = { columns: 'x INT', rows: [{ x: 1 }, { x: null }, { x: 2 }] };

  test('ORDER BY x LIMIT 2 holds {NULL, 1}; DESC holds {2, 1}', () => {
    assert.deepEqual(evalSql('x', xs, 'ORDER BY x LIMIT 2'), ['{"x":1}', '{"x":null}']);
    assert.deepEqual(evalSql('x', xs, 'ORDER BY x DESC LIMIT 2'), ['{"x":1}', '{"x":2}']);
  });

  test('SUM of DECIMAL(6, 2) widens; AVG of DECIMAL(6, 2) truncates', () => {
    const d = (a: string, b: string) => ({ columns: 'd DECIMAL(6, 2)', rows: [{ d: a }, { d: b }] });
    assert.deepEqual(evalSql('SUM(d) AS s', d('5681.08', '7689.88')), ['{"s":13370.96}']);
    assert.deepEqual(evalSql('AVG(d) AS a', d('2231.90', '3802.71')), ['{"a":3017.30}']);
    assert.deepEqual(evalSql('AVG(d) AS a', d('-2231.90', '-3802.71')), ['{"a":-3017.30}']);
  });

  test('SUBSTRING and CHAR_LENGTH count code points', () => {
    assert.deepEqual(
      evalValues(['SUBSTRING(s FROM 2 FOR 3)', 'CHAR_LENGTH(s)'], {
        columns: 's VARCHAR',
        rows: [{ s: '🐍🐍' }],
      }),
      ['"🐍"', '2'],
    );
  });

  test('SELECT COUNT(*), SUM(x) holds (0, NULL) after a step with no input', () => {
    const program = compile(
      'CREATE TABLE t (x INT); CREATE MATERIALIZED VIEW v AS SELECT COUNT(*) AS c, SUM(x) AS s FROM t;',
    );
    const c = program.instantiate();
    const out = c.step();
    const enc = makeRowJsonEncoder(program.lookupRelation('v')!.columns);
    assert.deepEqual(
      out.get('v')!.map((e) => `${e.weight} ${enc(e.row)}`),
      ['1 {"c":0,"s":null}'],
    );
    assert.deepEqual(c.query('SELECT * FROM v').rows, [[0n, null]]);
  });
});
