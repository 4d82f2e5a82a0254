import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram, makeRowJsonEncoder, parseJsonValue } from '../../src/engine/index.js';
import { evalSql } from '../helpers/sql-eval.js';

/**
 * Compiles `program`, pushes `rows` into its tables in one step, and returns view `v`'s rows
 * as sorted JSON texts.
 */
function run(program: string, rows: Record<string, Record<string, unknown>[]> = {}): string[] {
  const r = compileProgram(program);
  if (!r.ok)
    assert.fail(r.errors.map((e) => `${e.start_line_number}:${e.start_column} ${e.message}`).join('\n'));
  const circuit = r.program.instantiate();
  for (const [table, recs] of Object.entries(rows)) {
    const columns = r.program.lookupRelation(table)!.columns;
    circuit.push(
      table,
      recs.map((rec) => ({
        row: columns.map((c) => parseJsonValue(c.type, rec[c.name] ?? null)),
        weight: 1,
      })),
    );
  }
  circuit.step();
  const encode = makeRowJsonEncoder(r.program.lookupRelation('v')!.columns);
  return circuit
    .snapshot('v')
    .flatMap((e) => Array.from({ length: e.weight }, () => encode(e.row)))
    .sort();
}

/** The first compile error of `program` as `type @line:col: message`. */
function firstError(program: string): string {
  const r = compileProgram(program);
  if (r.ok) return assert.fail('expected a compile error');
  const e = r.errors[0]!;
  return `${e.error_type} @${e.start_line_number}:${e.start_column}: ${e.message}`;
}

const T = 'CREATE TABLE t (x INT, s VARCHAR);\n';
const T_ROWS = { t: [{ x: 1, s: 'a' }, { x: 2, s: 'b' }, { x: 3 }] };

describe('WITH (common table expressions)', () => {
  test('several items, a later one reading an earlier one, one read twice', () => {
    assert.deepEqual(
      run(
        `${T}CREATE MATERIALIZED VIEW v AS WITH a AS (SELECT x FROM t WHERE x >= 2), b (y, z) AS (SELECT x, x * x FROM a)
         SELECT a.x, b1.z, b2.y FROM a JOIN b b1 ON a.x = b1.y JOIN b b2 ON b2.y = 5 - a.x;`,
        T_ROWS,
      ),
      ['{"x":2,"z":4,"y":3}', '{"x":3,"z":9,"y":2}'],
    );
  });

  test('SELECT * of an item has its (renamed) columns; an item can be grouped and aggregated', () => {
    assert.deepEqual(
      run(
        `${T}CREATE MATERIALIZED VIEW v AS WITH c (n, label) AS (SELECT x, COALESCE(s, '?') FROM t)
         SELECT * FROM c WHERE n <> 2;`,
        T_ROWS,
      ),
      ['{"n":1,"label":"a"}', '{"n":3,"label":"?"}'],
    );
    assert.deepEqual(
      run(
        `${T}CREATE MATERIALIZED VIEW v AS WITH c AS (SELECT x FROM t) SELECT COUNT(*) AS n, SUM(x) AS total FROM c;`,
        T_ROWS,
      ),
      ['{"n":3,"total":6}'],
    );
  });

  test('an item shadows a table; an inner WITH shadows an outer one; WITH in a subquery and in UNION', () => {
    assert.deepEqual(
      run(
        `${T}CREATE MATERIALIZED VIEW v AS WITH t AS (SELECT x + 10 AS x FROM t)
         SELECT x FROM (WITH t AS (SELECT x + 100 AS x FROM t) SELECT x FROM t) q
         UNION ALL SELECT x FROM t WHERE x IN (WITH w AS (SELECT 11 AS x) SELECT x FROM w);`,
        T_ROWS,
      ),
      ['{"x":111}', '{"x":112}', '{"x":113}', '{"x":11}'],
    );
  });

  test('an item reads only earlier items: a forward or self reference is an unknown object', () => {
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a AS (SELECT x FROM b), b AS (SELECT x FROM t) SELECT x FROM a;`),
      "Error in SQL statement @2:43: Object 'b' not found",
    );
  });

  test('misuse is an error at its position', () => {
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a AS (SELECT x FROM t), a AS (SELECT s FROM t) SELECT * FROM a;`),
      "Error in SQL statement @2:47: Duplicate name 'a' in WITH clause",
    );
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a (p, q) AS (SELECT x FROM t) SELECT * FROM a;`),
      "Error in SQL statement @2:23: 'a' lists 2 column names but its query returns 1 columns",
    );
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a (p) AS (SELECT x FROM t) SELECT a.x FROM a;`),
      "Error in SQL statement @2:57: Column 'a.x' not found in any table",
    );
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH RECURSIVE r AS (SELECT x FROM t) SELECT x FROM r;`),
      'Not yet implemented @2:23: WITH RECURSIVE is not supported (Feldera writes recursion with DECLARE RECURSIVE VIEW)',
    );
  });

  test('WITH in a joined FROM subquery', () => {
    assert.deepEqual(
      evalSql(
        'q.y',
        { columns: 'x INT', rows: [{ x: 1 }, { x: 2 }] },
        'JOIN (WITH w AS (SELECT x * 2 AS y FROM t) SELECT y FROM w) q ON q.y = t.x',
      ),
      ['{"y":2}'],
    );
  });
});

const AB = `CREATE TABLE a (k INT, x VARCHAR, n INT);
CREATE TABLE b (k INT, n INT, y VARCHAR);
`;
const AB_ROWS = {
  a: [
    { k: 1, x: 'a1', n: 10 },
    { k: 2, x: 'a2', n: 20 },
    { k: 3, x: 'a3', n: 30 },
  ],
  b: [
    { k: 1, n: 10, y: 'b1' },
    { k: 2, n: 99, y: 'b2' },
    { k: 4, n: 40, y: 'b4' },
  ],
};

describe('NATURAL JOIN and JOIN ... USING', () => {
  test('SELECT * has the common columns once, first, then the others of each side', () => {
    assert.deepEqual(run(`${AB}CREATE MATERIALIZED VIEW v AS SELECT * FROM a NATURAL JOIN b;`, AB_ROWS), [
      '{"k":1,"n":10,"x":"a1","y":"b1"}',
    ]);
    assert.deepEqual(run(`${AB}CREATE MATERIALIZED VIEW v AS SELECT * FROM a JOIN b USING (k);`, AB_ROWS), [
      '{"k":1,"x":"a1","n":10,"n0":10,"y":"b1"}',
      '{"k":2,"x":"a2","n":20,"n0":99,"y":"b2"}',
    ]);
  });

  test('outer NATURAL joins: the preserved side fills the common columns; FULL coalesces them', () => {
    assert.deepEqual(
      run(`${AB}CREATE MATERIALIZED VIEW v AS SELECT k, n, x, y FROM a NATURAL LEFT JOIN b;`, AB_ROWS),
      [
        '{"k":1,"n":10,"x":"a1","y":"b1"}',
        '{"k":2,"n":20,"x":"a2","y":null}',
        '{"k":3,"n":30,"x":"a3","y":null}',
      ],
    );
    assert.deepEqual(
      run(
        `${AB}CREATE MATERIALIZED VIEW v AS SELECT k, x, y FROM a NATURAL FULL OUTER JOIN b WHERE k > 1;`,
        AB_ROWS,
      ),
      [
        '{"k":2,"x":"a2","y":null}',
        '{"k":2,"x":null,"y":"b2"}',
        '{"k":3,"x":"a3","y":null}',
        '{"k":4,"x":null,"y":"b4"}',
      ],
    );
  });

  test('qualified names still reach each side; a chain of NATURAL joins; no common column is a cross join', () => {
    assert.deepEqual(
      run(
        `${AB}CREATE TABLE c (y VARCHAR, z INT);
         CREATE MATERIALIZED VIEW v AS SELECT a.x, b.k AS bk, z FROM a NATURAL JOIN b NATURAL JOIN c;`,
        {
          ...AB_ROWS,
          c: [
            { y: 'b1', z: 7 },
            { y: 'b2', z: 8 },
          ],
        },
      ),
      ['{"x":"a1","bk":1,"z":7}'],
    );
    assert.deepEqual(
      run(
        `CREATE TABLE p (i INT); CREATE TABLE q (j INT);
         CREATE MATERIALIZED VIEW v AS SELECT * FROM p NATURAL JOIN q;`,
        { p: [{ i: 1 }, { i: 2 }], q: [{ j: 5 }] },
      ),
      ['{"i":1,"j":5}', '{"i":2,"j":5}'],
    );
  });

  test('misuse is an error at its position', () => {
    assert.equal(
      firstError(`${AB}CREATE VIEW v AS SELECT * FROM a NATURAL JOIN b ON a.k = b.k;`),
      'Error parsing SQL @3:49: A NATURAL join cannot have ON',
    );
    assert.equal(
      firstError(`CREATE TABLE p (k INT); CREATE TABLE q (k VARCHAR);
CREATE VIEW v AS SELECT * FROM p NATURAL JOIN q;`),
      "Error in SQL statement @2:32: Column 'k' has incompatible types INTEGER and VARCHAR",
    );
    assert.equal(
      firstError(`${AB}CREATE VIEW v AS SELECT * FROM a JOIN b USING (z);`),
      "Error in SQL statement @3:48: Column 'z' not found in any table",
    );
  });
});
