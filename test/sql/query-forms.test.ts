import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram, makeRowJsonEncoder, parseJsonValue } from '../../src/engine/index.js';
import { planAdHoc } from '../../src/sql/adhoc.js';
import { NO_USER_TYPES } from '../../src/sql/catalog.js';
import { describeError, evalSql } from '../helpers/sql-eval.js';

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
  return describeError(r.errors[0]!);
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

  test('WITH inside a correlated EXISTS subquery', () => {
    assert.deepEqual(
      run(
        `${T}CREATE TABLE u (y INT);
CREATE MATERIALIZED VIEW v AS SELECT x FROM t
  WHERE EXISTS (WITH w AS (SELECT y + 1 AS z FROM u) SELECT 1 FROM w WHERE w.z = t.x);`,
        { ...T_ROWS, u: [{ y: 0 }, { y: 2 }, { y: 7 }] },
      ),
      ['{"x":1}', '{"x":3}'],
    );
  });

  test('an ad-hoc query may start with WITH', () => {
    const columns = [{ name: 'x', type: { type: 'INTEGER' as const, nullable: true } }];
    const plan = planAdHoc('WITH w (y) AS (SELECT x FROM t) SELECT y FROM w NATURAL JOIN w AS w2', {
      resolve: () => ({ name: 't', columns }),
      table: () => undefined,
      types: NO_USER_TYPES,
    });
    assert.equal(plan.kind, 'query');
    assert.deepEqual(plan.kind === 'query' && plan.query.rel.columns.map((c) => c.name), ['y']);
  });

  test('an item reads only earlier items: a forward or self reference is an unknown object', () => {
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a AS (SELECT x FROM b), b AS (SELECT x FROM t) SELECT x FROM a;`),
      "Compilation error @2:43: Object 'b' not found",
    );
  });

  test('misuse is an error at its position', () => {
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a AS (SELECT x FROM t), a AS (SELECT s FROM t) SELECT * FROM a;`),
      "Compilation error @2:47: Duplicate name 'a' in WITH clause",
    );
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a (p, q) AS (SELECT x FROM t) SELECT * FROM a;`),
      "Compilation error @2:23: 'a' lists 2 column names but its query returns 1 columns",
    );
    assert.equal(
      firstError(`${T}CREATE VIEW v AS WITH a (p) AS (SELECT x FROM t) SELECT a.x FROM a;`),
      "Compilation error @2:57: Column 'a.x' not found in any table",
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
      "Compilation error @2:32: Column 'k' has incompatible types INTEGER and VARCHAR",
    );
    assert.equal(
      firstError(`${AB}CREATE VIEW v AS SELECT * FROM a JOIN b USING (z);`),
      "Compilation error @3:48: Column 'z' not found in any table",
    );
  });
});

describe('SQL user-defined functions (CREATE FUNCTION ... AS expr)', () => {
  test("the reference's example, and functions over columns, calling earlier functions, with lambdas", () => {
    assert.deepEqual(
      run(`CREATE FUNCTION contains_number(str VARCHAR NOT NULL, value INTEGER)
RETURNS BOOLEAN NOT NULL
AS (str LIKE ('%' || CAST(value AS VARCHAR) || '%'));
CREATE MATERIALIZED VIEW v AS SELECT contains_number(CAST('YES: 10 NO:5' AS VARCHAR), 5) AS c;`),
      ['{"c":true}'],
    );
    assert.deepEqual(
      run(
        `${T}CREATE FUNCTION dbl(x INTEGER) RETURNS INTEGER AS x * 2;
CREATE FUNCTION label(n INT, s VARCHAR) RETURNS VARCHAR AS COALESCE(s, '?') || ':' || CAST(dbl(n) AS VARCHAR);
CREATE FUNCTION bumped(a INT ARRAY) RETURNS INT ARRAY AS TRANSFORM(a, e -> dbl(e) + 1);
CREATE MATERIALIZED VIEW v AS SELECT dbl(x) AS d, label(x, s) AS l, bumped(ARRAY[x, 10]) AS b FROM t;`,
        T_ROWS,
      ),
      ['{"d":2,"l":"a:2","b":[3,21]}', '{"d":4,"l":"b:4","b":[5,21]}', '{"d":6,"l":"?:6","b":[7,21]}'],
    );
  });

  test('arguments convert to the parameter types and the body to the return type; NULL flows through', () => {
    assert.deepEqual(
      run(
        `${T}CREATE FUNCTION half(v DECIMAL(10, 2)) RETURNS DECIMAL(10, 2) AS v / 2;
CREATE FUNCTION plus_one(v BIGINT) RETURNS VARCHAR AS v + 1;
CREATE MATERIALIZED VIEW v AS SELECT half(x) AS h, plus_one(x) AS p FROM t WHERE x <> 2
  UNION ALL SELECT half(NULL), plus_one(NULL);`,
        T_ROWS,
      ),
      ['{"h":0.50,"p":"2"}', '{"h":1.50,"p":"4"}', '{"h":null,"p":null}'],
    );
  });

  test('a function called with a column in a grouped query, and in GROUP BY', () => {
    assert.deepEqual(
      run(
        `${T}CREATE FUNCTION parity(n INT) RETURNS INT AS n % 2;
CREATE MATERIALIZED VIEW v AS SELECT parity(x) AS p, COUNT(*) AS c, SUM(parity(x + 1)) AS q FROM t GROUP BY parity(x);`,
        T_ROWS,
      ),
      ['{"p":0,"c":1,"q":1}', '{"p":1,"c":2,"q":0}'],
    );
  });

  test('a function whose definition fails is reported once, not again at each call', () => {
    const r = compileProgram(`CREATE FUNCTION g(a INT) RETURNS INT AS a + z;
CREATE VIEW v AS SELECT g(1) AS k;
CREATE VIEW w AS SELECT g(2) AS k;`);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => `${e.start_line_number}:${e.start_column} ${e.message}`),
      ["1:45 At line 1, column 45: Column 'z' not found in any table"],
    );
  });

  test('misuse is an error at its position', () => {
    const F = 'CREATE FUNCTION f(a INT, b VARCHAR) RETURNS INT AS a + CHAR_LENGTH(b);\n';
    assert.equal(
      firstError(`${F}CREATE VIEW v AS SELECT f(1);`),
      "Compilation error @2:25: Invalid number of arguments to function 'F'. Was expecting 2 arguments",
    );
    assert.equal(
      firstError(`${F}CREATE VIEW v AS SELECT f(DATE '2020-01-01', 'x');`),
      "Compilation error @2:25: Cannot apply 'F' to arguments of type 'F(<DATE>, <VARCHAR>)'. Supported form(s): F(<INTEGER>, <VARCHAR>)",
    );
    assert.equal(
      firstError('CREATE FUNCTION g(a INT) RETURNS INT AS a + z;'),
      "Compilation error @1:45: Column 'z' not found in any table",
    );
    assert.equal(
      firstError('CREATE FUNCTION d(a INT) RETURNS DATE AS a + 1;'),
      'Compilation error @1:42: Cast function cannot convert value of type INTEGER to type DATE',
    );
    assert.equal(
      firstError(`${F}CREATE FUNCTION f(a INT) RETURNS INT AS a;`),
      "Duplicate definition @2:17: Duplicate definition of function 'f'",
    );
    assert.equal(
      firstError('CREATE FUNCTION abs(a INT) RETURNS INT AS a;'),
      "Compilation error @1:17: Function 'abs' is a built-in function and cannot be redefined",
    );
    assert.equal(
      firstError('CREATE FUNCTION base64(s VARBINARY) RETURNS VARCHAR;'),
      "Not yet implemented @1:17: Function 'base64' has no body: user-defined functions written in Rust are not supported, only CREATE FUNCTION ... AS expression",
    );
    assert.equal(
      firstError(`${T}CREATE FUNCTION nn(a INT NOT NULL) RETURNS INT AS a;
CREATE VIEW v AS SELECT nn(x) FROM t;`),
      "Not yet implemented @3:28: An argument that can be NULL for the NOT NULL parameter 'a' of 'NN' is not supported",
    );
    assert.equal(
      firstError(`${T}CREATE FUNCTION nz(a INT) RETURNS INT NOT NULL AS a;
CREATE VIEW v AS SELECT nz(x) FROM t;`),
      "Not yet implemented @3:25: 'NZ' is declared NOT NULL but can be NULL for these arguments; that is not supported",
    );
  });
});

describe('CREATE INDEX on a view', () => {
  test('is accepted on views, several per view, and listed with its key columns; on a LOCAL view it has no effect', () => {
    const r = compileProgram(`${T}CREATE VIEW v AS SELECT x, s, x + 1 AS y FROM t;
CREATE LOCAL VIEW l AS SELECT x FROM t;
CREATE INDEX v_x ON v(x);
CREATE INDEX v_ys ON v(y, s);
CREATE INDEX l_x ON l(x);`);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.deepEqual(r.program.indexes, [
      { name: 'v_x', view: 'v', columns: [0] },
      { name: 'v_ys', view: 'v', columns: [2, 1] },
    ]);
  });

  test('misuse is an error at its position', () => {
    const V = `${T}CREATE VIEW v AS SELECT x, s FROM t;\n`;
    assert.equal(
      firstError(`${V}CREATE INDEX i ON v(z);`),
      "Compilation error @3:21: Column 'z' not found in view 'v'",
    );
    assert.equal(firstError(`${V}CREATE INDEX i ON w(x);`), "Compilation error @3:19: Object 'w' not found");
    assert.equal(
      firstError(`${V}CREATE INDEX i ON t(x);`),
      "Compilation error @3:19: CREATE INDEX is only allowed on views; 't' is a table",
    );
    assert.equal(
      firstError(`${V}CREATE INDEX i ON v(x, x);`),
      "Compilation error @3:24: Column 'x' appears twice in index 'i'",
    );
    assert.equal(
      firstError(`${V}CREATE INDEX i ON v(x);\nCREATE INDEX i ON v(s);`),
      "Duplicate definition @4:14: Duplicate definition of index 'i'",
    );
  });
});
