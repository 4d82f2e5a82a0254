/**
 * UNNEST in FROM (bind-query.ts, the `unnest` plan node, engine/unnest.ts): column names and
 * types, the lateral and CROSS JOIN forms, incremental maintenance, ad-hoc queries, refusals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { compile, contents, insert, show } from '../helpers/sql-circuit.js';
import { describeError, evalSql } from '../helpers/sql-eval.js';

const ARRAYS = {
  columns: 'id INT, xs INT ARRAY, m MAP<VARCHAR, INT>',
  rows: [
    { id: 1, xs: [5, null, 5], m: { k: 1, a: 2 } },
    { id: 2, xs: null, m: null },
  ],
};

function refusal(program: string): string {
  const r = compileProgram(program);
  if (r.ok) return assert.fail('expected a compile error');
  return describeError(r.errors[0]!);
}

describe('UNNEST', () => {
  test('several collections at once are refused, as Feldera refuses them, in every form', () => {
    // Uncorrelated (Feldera: "UNNEST with multiple vectors"), lateral (Feldera: "could not
    // decorrelate"), WITH ORDINALITY, an ARRAY beside a MAP, three collections. The error
    // points at the second collection.
    const forms: [from: string, second: string][] = [
      ["UNNEST(ARRAY[1, 2, 3], ARRAY['a'])", "ARRAY['a']"],
      ['t, UNNEST(t.xs, t.xs) AS u (x, y)', 't.xs)'],
      ['t CROSS JOIN UNNEST(t.xs, t.m) WITH ORDINALITY AS u (x, k, w, i)', 't.m'],
      ['t JOIN UNNEST(t.m, t.xs, t.xs) AS u ON TRUE', 't.xs,'],
    ];
    for (const [from, second] of forms) {
      const view = `CREATE VIEW v AS SELECT * FROM ${from};`;
      assert.equal(
        refusal(`CREATE TABLE t (xs INT ARRAY, m MAP<VARCHAR, INT>);\n${view}`),
        `Not yet implemented @2:${view.indexOf(second) + 1}: UNNEST of more than one collection is not supported (Feldera refuses it too)`,
      );
    }
  });

  test('outer joins and USING with an UNNEST that reads the left side are refused at the join', () => {
    const head = 'CREATE TABLE t (id INT, xs INT ARRAY);\nCREATE VIEW v AS SELECT * FROM t';
    const left =
      'LEFT JOIN with UNNEST is not supported: Feldera drops the rows whose collection is NULL or empty, where SQL keeps them';
    assert.equal(
      refusal(`${head} LEFT OUTER JOIN UNNEST(t.xs) AS u (x) ON x > 1;`),
      `Not yet implemented @2:32: ${left}`,
    );
    assert.equal(
      refusal(`${head} RIGHT JOIN UNNEST(t.xs) AS u (x) ON TRUE;`),
      'Not yet implemented @2:32: RIGHT JOIN with UNNEST is not supported',
    );
    assert.equal(
      refusal(`${head} FULL JOIN UNNEST(t.xs) AS u (x) ON TRUE;`),
      'Not yet implemented @2:32: FULL JOIN with UNNEST is not supported',
    );
    assert.equal(
      refusal(`${head} JOIN UNNEST(t.xs) AS u (id) USING (id);`),
      'Not yet implemented @2:32: JOIN UNNEST ... USING is not supported',
    );
  });

  test('an UNNEST that does not read the left side joins as an ordinary relation, any join type', () => {
    const T = {
      columns: 'id INT, a INT ARRAY',
      rows: [
        { id: 1, a: [1] },
        { id: 2, a: null },
        { id: null, a: [3] },
      ],
    };
    assert.deepEqual(evalSql('id, x', T, 'LEFT JOIN UNNEST(ARRAY[1, 7]) AS u (x) ON t.id = x'), [
      '{"id":1,"x":1}',
      '{"id":2,"x":null}',
      '{"id":null,"x":null}',
    ]);
    assert.deepEqual(evalSql('id, x', T, 'RIGHT JOIN UNNEST(ARRAY[1, 7]) AS u (x) ON t.id = x'), [
      '{"id":1,"x":1}',
      '{"id":null,"x":7}',
    ]);
    // A NULL collection is an empty relation: the outer join keeps every left row.
    assert.deepEqual(evalSql('id, x', T, 'LEFT JOIN UNNEST(CAST(NULL AS INT ARRAY)) AS u (x) ON TRUE'), [
      '{"id":1,"x":null}',
      '{"id":2,"x":null}',
      '{"id":null,"x":null}',
    ]);
    assert.deepEqual(
      evalSql('*', T, 'FULL JOIN UNNEST(ARRAY[1, 7]) WITH ORDINALITY AS u (id, i) USING (id)'),
      [
        '{"id":1,"a":[1],"i":1}',
        '{"id":2,"a":null,"i":null}',
        '{"id":7,"a":null,"i":2}',
        '{"id":null,"a":[3],"i":null}',
      ],
    );
    assert.deepEqual(evalSql('*', T, 'NATURAL JOIN UNNEST(MAP[2, 20, 1, 10]) AS u (id, v)'), [
      '{"id":1,"a":[1],"v":10}',
      '{"id":2,"a":null,"v":20}',
    ]);
    const p = compile(`CREATE TABLE t (id INT NOT NULL, a INT ARRAY);
CREATE VIEW v AS SELECT * FROM t LEFT JOIN UNNEST(ARRAY[1, 7]) WITH ORDINALITY AS u (x, i) ON t.id = x;`);
    assert.deepEqual(
      p.lookupRelation('v')!.columns.map((c) => `${c.name} ${c.type.nullable ? 'NULL' : 'NOT NULL'}`),
      ['id NOT NULL', 'a NULL', 'x NULL', 'i NULL'],
    );
  });

  test('an outer join with a constant UNNEST follows inserts and deletes', () => {
    const c = compile(`CREATE TABLE t (id INT);
CREATE MATERIALIZED VIEW v AS SELECT id, x FROM t LEFT JOIN UNNEST(ARRAY[1, 1, 2]) AS u (x) ON t.id = x;`).instantiate();
    insert(c, 't', [[1], [9]]);
    c.step();
    assert.deepEqual(contents(c, 'v'), ['(1, 1)', '(1, 1)', '(9, null)']);
    insert(c, 't', [[1]], -1);
    insert(c, 't', [[2]]);
    c.step();
    assert.deepEqual(contents(c, 'v'), ['(2, 2)', '(9, null)']);
  });

  test('a NATURAL JOIN with a lateral UNNEST: no common columns is a cross join, common ones are refused', () => {
    const T = { columns: 'id INT, a INT ARRAY', rows: [{ id: 1, a: [4, 5] }] };
    assert.deepEqual(evalSql('*', T, 'NATURAL JOIN UNNEST(t.a) AS u (x)'), [
      '{"id":1,"a":[4,5],"x":4}',
      '{"id":1,"a":[4,5],"x":5}',
    ]);
    assert.equal(
      refusal(
        'CREATE TABLE t (id INT, a INT ARRAY);\nCREATE VIEW v AS SELECT * FROM t NATURAL JOIN UNNEST(t.a) AS u (id);',
      ),
      'Not yet implemented @2:32: NATURAL JOIN with an UNNEST that has common columns is not supported',
    );
  });

  test('the workarounds docs/sql.md gives for the refused forms, maintained incrementally', () => {
    const c = compile(`CREATE TABLE t (id INT, a INT ARRAY, b VARCHAR ARRAY);
CREATE MATERIALIZED VIEW zipped AS SELECT id, x, y, i
  FROM t, UNNEST(t.a) WITH ORDINALITY AS p (x, i), UNNEST(t.b) WITH ORDINALITY AS q (y, j) WHERE i = j;
CREATE MATERIALIZED VIEW kept AS SELECT id, x
  FROM t CROSS JOIN UNNEST(CASE WHEN CARDINALITY(t.a) > 0 THEN t.a ELSE ARRAY[NULL] END) AS u (x);`).instantiate();
    insert(c, 't', [
      [1, [1, 2, 3], ['p', 'q']],
      [2, null, ['r']],
      [3, [], []],
    ]);
    c.step();
    // Zipping by the ordinals pairs the i-th elements while both collections have one.
    assert.deepEqual(contents(c, 'zipped'), ["(1, 1, 'p', 1)", "(1, 2, 'q', 2)"]);
    // A NULL or empty collection keeps its row with a NULL element, as LEFT JOIN ... ON TRUE would.
    assert.deepEqual(contents(c, 'kept'), ['(1, 1)', '(1, 2)', '(1, 3)', '(2, null)', '(3, null)']);
    // Replacing one row changes only that row's output.
    insert(c, 't', [[1, [1, 2, 3], ['p', 'q']]], -1);
    insert(c, 't', [[1, [7], ['s', 'u']]]);
    insert(c, 't', [[2, null, ['r']]], -1);
    c.step();
    assert.deepEqual(contents(c, 'zipped'), ["(1, 7, 's', 1)"]);
    assert.deepEqual(contents(c, 'kept'), ['(1, 7)', '(3, null)']);
  });

  test('the lateral form numbers elements from 1 and keeps duplicates and NULL elements', () => {
    assert.deepEqual(evalSql('id, x, i', ARRAYS, ', UNNEST(t.xs) WITH ORDINALITY AS u (x, i)'), [
      '{"id":1,"x":5,"i":1}',
      '{"id":1,"x":5,"i":3}',
      '{"id":1,"x":null,"i":2}',
    ]);
  });

  test('default column names follow Calcite; a one-column alias names the column', () => {
    const p = compile(`CREATE TABLE t (xs INT ARRAY, m MAP<VARCHAR, INT>);
CREATE VIEW a AS SELECT * FROM UNNEST(ARRAY[1, 2]);
CREATE VIEW b AS SELECT * FROM UNNEST(ARRAY['x']) WITH ORDINALITY;
CREATE VIEW c AS SELECT e.* FROM t, UNNEST(t.m) AS e;
CREATE VIEW d AS SELECT x FROM t CROSS JOIN UNNEST(t.xs) AS x;
CREATE VIEW e AS SELECT r.* FROM UNNEST(ARRAY[ROW(1, 'a')]) AS r;`);
    const names = (v: string) => p.lookupRelation(v)!.columns.map((c) => `${c.name} ${c.type.type}`);
    assert.deepEqual(names('a'), ['EXPR$0 INTEGER']);
    assert.deepEqual(names('b'), ['EXPR$0 VARCHAR', 'ORDINALITY INTEGER']);
    assert.deepEqual(names('c'), ['KEY VARCHAR', 'VALUE INTEGER']);
    assert.deepEqual(names('d'), ['x INTEGER']);
    assert.deepEqual(names('e'), ['EXPR$0 INTEGER', 'EXPR$1 VARCHAR']);
  });

  test('a MAP unnests into key and value in key order; JOIN ... ON filters', () => {
    assert.deepEqual(evalSql('id, k, v', ARRAYS, 'CROSS JOIN UNNEST(t.m) WITH ORDINALITY AS u (k, v, n)'), [
      '{"id":1,"k":"a","v":2}',
      '{"id":1,"k":"k","v":1}',
    ]);
    assert.deepEqual(evalSql('id, x', ARRAYS, 'JOIN UNNEST(xs) AS u (x) ON x IS NULL'), [
      '{"id":1,"x":null}',
    ]);
  });

  test('a view over UNNEST follows inserts and deletes of the source row', () => {
    const c = compile(`CREATE TABLE t (id INT, xs VARCHAR ARRAY);
CREATE MATERIALIZED VIEW v AS SELECT x, COUNT(*) AS n FROM t, UNNEST(xs) AS u (x) GROUP BY x;`).instantiate();
    insert(c, 't', [
      [1, ['a', 'b']],
      [2, ['b']],
    ]);
    c.step();
    assert.deepEqual(contents(c, 'v'), ["('a', 1n)", "('b', 2n)"]);
    insert(c, 't', [[1, ['a', 'b']]], -1);
    c.step();
    assert.deepEqual(contents(c, 'v'), ["('b', 1n)"]);
  });

  test('ad-hoc queries unnest over snapshots', () => {
    const c = compile(`CREATE TABLE t (id INT, xs INT ARRAY) WITH ('materialized' = 'true');`).instantiate();
    c.query('INSERT INTO t VALUES (1, ARRAY[3, 4]), (2, NULL)');
    c.step();
    const r = c.query('SELECT id, x FROM t, UNNEST(xs) AS u (x) ORDER BY x DESC');
    assert.deepEqual(
      r.rows.map((row) => row.map(show).join(', ')),
      ['1, 4', '1, 3'],
    );
  });

  test('errors and refusals name the construct and its position', () => {
    const head = 'CREATE TABLE t (id INT, xs INT ARRAY, n INT);\nCREATE VIEW v AS SELECT * FROM t';
    assert.equal(
      refusal(`${head}, UNNEST(n) AS u (x);`),
      'Compilation error @2:42: UNNEST needs an ARRAY or a MAP, got INTEGER',
    );
    assert.equal(
      refusal(`${head} LEFT JOIN UNNEST(xs) AS u (x) ON TRUE;`),
      'Not yet implemented @2:32: LEFT JOIN with UNNEST is not supported: Feldera drops the rows whose collection is NULL or empty, where SQL keeps them',
    );
    assert.equal(
      refusal(`${head}, UNNEST(xs) WITH ORDINALITY AS u (x);`),
      'Compilation error @2:35: The alias list has 1 names for 2 columns of UNNEST',
    );
    assert.equal(
      refusal(`${head} WHERE 3 IN (SELECT x FROM UNNEST(t.xs) AS u (x));`),
      "Not yet implemented @2:67: Correlated reference to 't.xs' is only supported in the WHERE clause of EXISTS and IN subqueries",
    );
  });
});
