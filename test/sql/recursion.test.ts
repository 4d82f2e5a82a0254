/**
 * Recursive views (Feldera's reference, "Mutually-Recursive Queries"): DECLARE RECURSIVE VIEW,
 * the compile-time checks of sql/recursion.ts, and what the circuit computes with them (the
 * fixed point of engine/operators/fixpoint.ts), step by step, retractions included.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Circuit, compileProgram, EngineError } from '../../src/engine/index.js';
import { compile, contents, delta, insert } from '../helpers/sql-circuit.js';

/** The program's messages as `type line:col message`, errors first; `[]` when it compiles cleanly. */
function messages(sql: string): string[] {
  const r = compileProgram(sql);
  const all = r.ok ? r.warnings : r.errors;
  return all.map(
    (e) => `${e.warning ? 'warning' : 'error'} ${e.start_line_number}:${e.start_column} ${e.message}`,
  );
}

const CLOSURE = `CREATE TABLE edges (x INT, y INT);
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x;
CREATE MATERIALIZED VIEW closure AS (SELECT * FROM edges) UNION (SELECT * FROM step);`;

describe('recursive views: compiling', () => {
  test('a declared view may be read before its definition, by itself and by others', () => {
    assert.deepEqual(messages(CLOSURE), []);
    const program = compile(CLOSURE);
    assert.deepEqual(
      program.views.map((v) => v.name),
      ['closure'],
      'the LOCAL member is not an output',
    );
    assert.deepEqual(
      program
        .lookupRelation('closure')!
        .columns.map((c) => `${c.name} ${c.type.type}${c.type.nullable ? '' : '!'}`),
      ['x INTEGER', 'y INTEGER'],
    );
  });

  test("the query's type must be the declared one, column names included", () => {
    const mismatch = messages(
      "DECLARE RECURSIVE VIEW v (v INT);\nCREATE VIEW v AS SELECT CAST(v.v AS VARCHAR) AS v FROM v UNION SELECT '1';",
    );
    assert.equal(mismatch.length, 1);
    assert.match(
      mismatch[0]!,
      /^error 2:13 .*Type of view 'v' \(v VARCHAR\) does not match the declared type \(v INTEGER\)/,
    );
    assert.match(
      messages(
        'DECLARE RECURSIVE VIEW v (v INT);\nCREATE VIEW v (v0) AS SELECT v FROM v UNION SELECT 1;',
      )[0]!,
      /Type of view 'v' \(v0 INTEGER\) does not match the declared type \(v INTEGER\)/,
    );
    // A NOT NULL declaration refuses a nullable query; a nullable one accepts a NOT NULL query.
    assert.match(
      messages(
        'DECLARE RECURSIVE VIEW v (v INT NOT NULL);\nCREATE VIEW v AS SELECT CAST(NULL AS INT) AS v UNION SELECT v FROM v;',
      )[0]!,
      /\(v INTEGER\) does not match the declared type \(v INTEGER NOT NULL\)/,
    );
    assert.deepEqual(
      messages(
        'DECLARE RECURSIVE VIEW v (v INT);\nCREATE VIEW v AS SELECT 1 AS v UNION SELECT v + 0 FROM v WHERE v < 0;',
      ).filter((m) => m.startsWith('error')),
      [],
    );
  });

  test('an undeclared member of a recursive group must be LOCAL', () => {
    const sql = CLOSURE.replace('CREATE LOCAL VIEW step', 'CREATE VIEW step');
    assert.match(
      messages(sql)[0]!,
      /^error 3:13 .*View 'step' must be declared either as LOCAL or as RECURSIVE/,
    );
  });

  test('declarations that are never defined, never used, or not recursive', () => {
    assert.match(
      messages('DECLARE RECURSIVE VIEW v (x INT);\nCREATE VIEW w AS SELECT x FROM v;')[0]!,
      /^error 1:24 .*View 'v' is declared recursive but never defined/,
    );
    assert.deepEqual(messages('DECLARE RECURSIVE VIEW v (x INT);'), [
      "warning 1:24 Unused view declaration 'v'",
    ]);
    assert.deepEqual(
      messages('DECLARE RECURSIVE VIEW v (x INT NOT NULL);\nCREATE VIEW v AS SELECT 1 AS x;'),
      ["warning 2:13 View 'v' is declared recursive, but is not used in any recursive computation"],
    );
    assert.match(
      messages('CREATE TABLE t (x INT);\nDECLARE RECURSIVE VIEW t (x INT);')[0]!,
      /^error 2:24 Duplicate definition of 't'/,
    );
    assert.match(
      messages('DECLARE RECURSIVE VIEW v (x INT PRIMARY KEY);')[0]!,
      /column names and types only/,
    );
  });

  test('window functions (OVER) are refused, in recursion as anywhere', () => {
    const sql = `CREATE TABLE t (x INT);
DECLARE RECURSIVE VIEW v (x BIGINT);
CREATE VIEW v AS SELECT COUNT(*) OVER (ORDER BY x) AS x FROM (SELECT x FROM v UNION SELECT x FROM t);`;
    assert.match(messages(sql)[0]!, /^error 3:34 Window functions \(OVER\) are not supported/);
  });

  test('a view that reads a declared view before its definition, without recursion, runs after it', () => {
    const sql = `CREATE TABLE t (x INT);
DECLARE RECURSIVE VIEW r (x INT);
CREATE VIEW early AS SELECT x * 10 AS y FROM r;
CREATE VIEW r AS SELECT x FROM t;`;
    const circuit = compile(sql).instantiate();
    insert(circuit, 't', [[1], [2]]);
    const out = circuit.step();
    assert.deepEqual(delta(out, 'early'), ['1 × (10)', '1 × (20)']);
    assert.deepEqual(delta(out, 'r'), ['1 × (1)', '1 × (2)']);
  });
});

describe('recursive views: running', () => {
  test("the reference's transitive closure, with inserts and deletes", () => {
    const circuit = compile(CLOSURE).instantiate();
    insert(circuit, 'edges', [[0, 1]]);
    assert.deepEqual(delta(circuit.step(), 'closure'), ['1 × (0, 1)']);
    insert(circuit, 'edges', [[1, 2]]);
    assert.deepEqual(delta(circuit.step(), 'closure'), ['1 × (0, 2)', '1 × (1, 2)']);
    insert(circuit, 'edges', [[0, 1]], -1);
    assert.deepEqual(delta(circuit.step(), 'closure'), ['-1 × (0, 1)', '-1 × (0, 2)']);
    assert.deepEqual(contents(circuit, 'closure'), ['(1, 2)']);
  });

  test('a cycle: every node reaches every node, and deleting one edge of it removes what it derived', () => {
    const circuit = compile(CLOSURE).instantiate();
    insert(circuit, 'edges', [
      [1, 2],
      [2, 3],
      [3, 1],
      [3, 4],
    ]);
    circuit.step();
    assert.deepEqual(contents(circuit, 'closure'), [
      '(1, 1)',
      '(1, 2)',
      '(1, 3)',
      '(1, 4)',
      '(2, 1)',
      '(2, 2)',
      '(2, 3)',
      '(2, 4)',
      '(3, 1)',
      '(3, 2)',
      '(3, 3)',
      '(3, 4)',
    ]);
    // Without 3 -> 1 the cycle is gone: rows that only the cycle supported go, even those
    // (like (1, 1)) that supported themselves through it.
    insert(circuit, 'edges', [[3, 1]], -1);
    const out = circuit.step();
    assert.deepEqual(delta(out, 'closure'), [
      '-1 × (1, 1)',
      '-1 × (2, 1)',
      '-1 × (2, 2)',
      '-1 × (3, 1)',
      '-1 × (3, 2)',
      '-1 × (3, 3)',
    ]);
    // A duplicate edge is one more derivation of the same rows: deleting one copy changes nothing.
    insert(circuit, 'edges', [[1, 2]]);
    assert.deepEqual(delta(circuit.step(), 'closure'), []);
    insert(circuit, 'edges', [[1, 2]], -1);
    assert.deepEqual(delta(circuit.step(), 'closure'), []);
    assert.deepEqual(contents(circuit, 'closure'), [
      '(1, 2)',
      '(1, 3)',
      '(1, 4)',
      '(2, 3)',
      '(2, 4)',
      '(3, 4)',
    ]);
  });

  test('mutual recursion: nodes reachable in an even and in an odd number of steps', () => {
    const sql = `CREATE TABLE e (x INT, y INT);
CREATE TABLE start (x INT);
DECLARE RECURSIVE VIEW even (x INT);
DECLARE RECURSIVE VIEW odd (x INT);
CREATE MATERIALIZED VIEW even AS SELECT x FROM start UNION SELECT e.y AS x FROM odd JOIN e ON odd.x = e.x;
CREATE MATERIALIZED VIEW odd AS SELECT e.y AS x FROM even JOIN e ON even.x = e.x;`;
    const circuit = compile(sql).instantiate();
    insert(circuit, 'e', [
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    insert(circuit, 'start', [[1]]);
    let out = circuit.step();
    assert.deepEqual(delta(out, 'even'), ['1 × (1)', '1 × (3)']);
    assert.deepEqual(delta(out, 'odd'), ['1 × (2)', '1 × (4)']);
    // An edge back to the start closes an odd cycle (1 2 3 1): everything is both even and odd.
    insert(circuit, 'e', [[3, 1]]);
    out = circuit.step();
    assert.deepEqual(delta(out, 'even'), ['1 × (2)', '1 × (4)']);
    assert.deepEqual(delta(out, 'odd'), ['1 × (1)', '1 × (3)']);
    insert(circuit, 'e', [[3, 1]], -1);
    out = circuit.step();
    assert.deepEqual(delta(out, 'even'), ['-1 × (2)', '-1 × (4)']);
    assert.deepEqual(delta(out, 'odd'), ['-1 × (1)', '-1 × (3)']);
  });

  test('an aggregate inside the recursion: shortest distances, which grow again when an edge goes', () => {
    const sql = `CREATE TABLE e (x INT, y INT);
CREATE TABLE source (x INT);
DECLARE RECURSIVE VIEW dist (node INT, d INT);
CREATE MATERIALIZED VIEW dist AS
  SELECT node, MIN(d) AS d FROM (
    SELECT x AS node, 0 AS d FROM source
    UNION ALL
    SELECT e.y AS node, dist.d + 1 AS d FROM dist JOIN e ON dist.node = e.x
  ) AS candidates GROUP BY node;`;
    const circuit = compile(sql).instantiate();
    insert(circuit, 'e', [
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 1],
      [1, 4],
    ]);
    insert(circuit, 'source', [[1]]);
    circuit.step();
    assert.deepEqual(contents(circuit, 'dist'), ['(1, 0)', '(2, 1)', '(3, 2)', '(4, 1)']);
    insert(circuit, 'e', [[1, 4]], -1);
    assert.deepEqual(delta(circuit.step(), 'dist'), ['-1 × (4, 1)', '1 × (4, 3)']);
  });

  test('a recursion of constants is computed on the first step; views outside read the group', () => {
    const sql = `DECLARE RECURSIVE VIEW n (v INT NOT NULL);
CREATE LOCAL VIEW n AS SELECT 1 AS v UNION SELECT v + 1 AS v FROM n WHERE v < 5;
CREATE VIEW total AS SELECT SUM(v) AS s FROM n;`;
    const circuit = compile(sql).instantiate();
    assert.deepEqual(delta(circuit.step(), 'total'), ['1 × (15)']);
    assert.deepEqual(delta(circuit.step(), 'total'), []);
  });

  test("the reference's bounded Fibonacci", () => {
    const sql = `DECLARE RECURSIVE VIEW fibonacci (n INT NOT NULL, value INT NOT NULL);
CREATE VIEW fibonacci AS
  (SELECT 0 AS n, 0 AS value UNION ALL SELECT 1 AS n, 1 AS value)
  UNION ALL
  (SELECT curr.n + 1 AS n, (prev.value + curr.value) AS value
   FROM fibonacci AS curr JOIN fibonacci AS prev ON prev.n = curr.n - 1
   WHERE curr.n <= 45);
CREATE VIEW fib_outputs AS SELECT * FROM fibonacci;`;
    const out = compile(sql).instantiate().step();
    const rows = delta(out, 'fib_outputs');
    assert.equal(rows.length, 47);
    assert.ok(rows.includes('1 × (46, 1836311903)'));
    assert.ok(rows.includes('1 × (10, 55)'));
  });

  test('a recursion without a bound fails its step (INTEGER overflow, as the reference shows) and loses nothing', () => {
    const sql = `CREATE TABLE seed (n INT);
DECLARE RECURSIVE VIEW fibonacci (n INT, value INT);
CREATE VIEW fibonacci AS
  (SELECT 0 AS n, 0 AS value UNION ALL SELECT n, 1 AS value FROM seed)
  UNION ALL
  (SELECT curr.n + 1 AS n, (prev.value + curr.value) AS value
   FROM fibonacci AS curr JOIN fibonacci AS prev ON prev.n = curr.n - 1);`;
    const circuit: Circuit = compile(sql).instantiate();
    assert.deepEqual(delta(circuit.step(), 'fibonacci'), ['1 × (0, 0)']);
    insert(circuit, 'seed', [[1]]);
    assert.throws(
      () => circuit.step(),
      (e: unknown) =>
        e instanceof EngineError &&
        e.code === 'RuntimeError' &&
        /^Error computing 'fibonacci' in step 2: in recursive view 'fibonacci' \(iteration \d+\): '1134903170 \+ 1836311903' causes overflow for type INTEGER$/.test(
          e.message,
        ),
    );
    // The failed step was rolled back: the circuit still works, without the seed.
    circuit.discardPending();
    insert(circuit, 'seed', [[5]]);
    assert.deepEqual(delta(circuit.step(), 'fibonacci'), ['1 × (5, 1)']);
  });
});
