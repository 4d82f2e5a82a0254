import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram, type Program } from '../../src/engine/index.js';

function ok(sql: string): Program {
  const r = compileProgram(sql);
  if (!r.ok) assert.fail(JSON.stringify(r.errors, null, 1));
  return r.program;
}

function errors(sql: string) {
  const r = compileProgram(sql);
  assert.ok(!r.ok, 'expected compilation to fail');
  return r.errors;
}

describe('compileProgram', () => {
  test("reports the schema in Feldera's ProgramSchema shape", () => {
    const p =
      ok(`CREATE TABLE "Orders" (ID INT NOT NULL PRIMARY KEY, "Amount" DECIMAL(10, 2), note VARCHAR) WITH ('materialized' = 'true', 'connectors' = '[]');
                  CREATE MATERIALIZED VIEW Totals AS SELECT COUNT(*) AS n, SUM("Amount") AS total FROM "Orders";
                  CREATE LOCAL VIEW hidden AS SELECT id FROM "Orders";`);
    const [orders] = p.schema.inputs;
    assert.deepEqual(
      { ...orders, properties: Object.keys(orders!.properties ?? {}) },
      {
        name: 'Orders',
        case_sensitive: true,
        fields: [
          {
            name: 'id',
            case_sensitive: false,
            columntype: { type: 'INTEGER', nullable: false },
            unused: false,
          },
          {
            name: 'Amount',
            case_sensitive: true,
            columntype: { type: 'DECIMAL', nullable: true, precision: 10, scale: 2 },
            unused: false,
          },
          {
            name: 'note',
            case_sensitive: false,
            columntype: { type: 'VARCHAR', nullable: true, precision: -1 },
            unused: false,
          },
        ],
        materialized: true,
        properties: ['materialized', 'connectors'],
        primary_key: ['id'],
      },
    );
    assert.deepEqual(orders!.properties!.materialized!.value_position, {
      start_line_number: 1,
      start_column: 115,
      end_line_number: 1,
      end_column: 120,
    });
    assert.deepEqual(
      p.schema.outputs.map((o) => [o.name, o.materialized, o.fields.map((f) => [f.name, f.columntype])]),
      [
        [
          'totals',
          true,
          [
            ['n', { type: 'BIGINT', nullable: false }],
            ['total', { type: 'DECIMAL', nullable: true, precision: 38, scale: 2 }],
          ],
        ],
      ],
    );
  });

  test('looks relations up with the identifier rule', () => {
    const p = ok('CREATE TABLE Foo (a INT); CREATE TABLE "Bar" (a INT);');
    assert.equal(p.lookupRelation('FOO')?.name, 'foo');
    assert.equal(p.lookupRelation('"foo"')?.name, 'foo');
    assert.equal(p.lookupRelation('"Bar"')?.name, 'Bar');
    assert.equal(p.lookupRelation('bar'), undefined);
  });

  test('the fingerprint ignores layout, comments and unquoted case, and nothing else', () => {
    const a = ok('CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT a FROM t;').fingerprint;
    const b = ok('-- hello\ncreate table T (A int);   create view V as select A from T').fingerprint;
    const c = ok('CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a + 1 FROM t;').fingerprint;
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  test('reports every error of every statement, in source order', () => {
    const errs = errors(`CREATE TABLE k (id INT PRIMARY KEY, x INT, s VARCHAR);
CREATE TABLE u (a INT, a INT);
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, x INT, s VARCHAR);
CREATE VIEW v1 AS SELECT nope FROM t;
CREATE VIEW v2 AS SELECT x + s FROM t;
CREATE VIEW v3 AS SELECT * FROM missing;
CREATE VIEW v4 AS SELECT * FROM v1;
CREATE VIEW v1 AS SELECT 1;
CREATE VIEW v5 AS SELECT x, COUNT(*) FROM t;
INSERT INTO t VALUES (1, 2, 'a');`);
    assert.deepEqual(
      errs.map((e) => [e.start_line_number, e.error_type, e.message]),
      [
        [1, 'PRIMARY KEY cannot be nullable', "PRIMARY KEY column 'id' has type INTEGER, which is nullable"],
        [2, 'Compilation error', "At line 2, column 24: Duplicate column 'a' in table 'u'"],
        [
          4,
          'Compilation error',
          "From line 4, column 26 to line 4, column 29: Column 'nope' not found in any table",
        ],
        [
          5,
          'Compilation error',
          "From line 5, column 26 to line 5, column 30: Cannot apply '+' to arguments of type INTEGER and VARCHAR",
        ],
        [6, 'Compilation error', "From line 6, column 33 to line 6, column 39: Object 'missing' not found"],
        [8, 'Duplicate definition', "Duplicate definition of 'v1'"],
        [9, 'Compilation error', "At line 9, column 26: Expression 'x' is not being grouped"],
        [
          10,
          'Not yet implemented',
          'Only CREATE TABLE, VIEW, TYPE, FUNCTION, INDEX and DECLARE RECURSIVE VIEW statements are allowed in a program',
        ],
      ],
    );
    for (const e of errs) assert.ok(e.snippet?.includes('^'), 'every error has a snippet');
    assert.equal(
      errs[0]!.snippet,
      '    1|CREATE TABLE k (id INT PRIMARY KEY, x INT, s VARCHAR);\n                      ^^^^^^\n    2|CREATE TABLE u (a INT, a INT);\n',
    );
  });

  test('type checking: operators, functions, aggregates, set operations', () => {
    const errs = errors(`CREATE TABLE t (i INT, s VARCHAR, d DATE, b BOOLEAN);
CREATE VIEW a AS SELECT SUM(s) FROM t;
CREATE VIEW b AS SELECT i FROM t WHERE i;
CREATE VIEW c AS SELECT UPPER(ARRAY[i]) FROM t;
CREATE VIEW d AS SELECT i FROM t UNION SELECT s FROM t;
CREATE VIEW e AS SELECT i, s FROM t UNION SELECT i FROM t;
CREATE VIEW f AS SELECT NOSUCH(i) FROM t;
CREATE VIEW g AS SELECT d + 1.5 FROM t;
CREATE VIEW h AS SELECT i FROM t WHERE COUNT(*) > 1;`);
    assert.deepEqual(
      errs.map((e) => e.start_line_number),
      [2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.equal(errs[5]!.error_type, 'Function not found');
  });

  test('infers result types and nullability', () => {
    const p =
      ok(`CREATE TABLE t (i INT NOT NULL, j BIGINT, x DECIMAL(5, 2) NOT NULL, f DOUBLE, s VARCHAR(3) NOT NULL);
CREATE TABLE u (i INT NOT NULL);
CREATE VIEW v AS SELECT i + j AS a, i / 2 AS b, x * x AS c, x + i AS d, i * f AS e, s || 'x' AS g, COALESCE(j, 0) AS h, CASE WHEN i > 0 THEN 'pos' END AS k FROM t;
CREATE VIEW w AS SELECT t.i, u.i AS ui FROM t LEFT JOIN u ON t.i = u.i;
CREATE VIEW agg AS SELECT i, COUNT(j) AS n, SUM(i) AS si, AVG(x) AS ax, MIN(s) AS ms FROM t GROUP BY i;`);
    const types = (name: string) =>
      p.views.find((v) => v.name === name)!.columns.map((c) => [c.name, c.type]);
    assert.deepEqual(types('v'), [
      ['a', { type: 'BIGINT', nullable: true }],
      ['b', { type: 'INTEGER', nullable: false }],
      ['c', { type: 'DECIMAL', nullable: false, precision: 10, scale: 4 }],
      ['d', { type: 'DECIMAL', nullable: false, precision: 13, scale: 2 }],
      ['e', { type: 'DOUBLE', nullable: true }],
      ['g', { type: 'VARCHAR', nullable: false, precision: -1 }],
      ['h', { type: 'BIGINT', nullable: false }],
      ['k', { type: 'VARCHAR', nullable: true, precision: -1 }],
    ]);
    assert.deepEqual(types('w'), [
      ['i', { type: 'INTEGER', nullable: false }],
      ['ui', { type: 'INTEGER', nullable: true }],
    ]);
    assert.deepEqual(types('agg'), [
      ['i', { type: 'INTEGER', nullable: false }],
      ['n', { type: 'BIGINT', nullable: false }],
      ['si', { type: 'INTEGER', nullable: false }],
      ['ax', { type: 'DECIMAL', nullable: false, precision: 5, scale: 2 }],
      ['ms', { type: 'VARCHAR', nullable: false, precision: 3 }],
    ]);
  });

  test('duplicate output names get suffixes; unnamed expressions are EXPR$n', () => {
    const p = ok(
      'CREATE TABLE a (id INT); CREATE TABLE b (id INT); CREATE VIEW v AS SELECT *, a.id + 1 FROM a JOIN b ON a.id = b.id;',
    );
    assert.deepEqual(
      p.views[0]!.columns.map((c) => c.name),
      ['id', 'id0', 'EXPR$2'],
    );
  });

  test('warns about ORDER BY without LIMIT in a view', () => {
    const r = compileProgram('CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t ORDER BY a;');
    assert.ok(r.ok);
    assert.deepEqual(
      r.warnings.map((w) => [w.warning, w.error_type]),
      [[true, 'ORDER BY without LIMIT']],
    );
  });

  test("rejects 'materialized' on views and bad property values", () => {
    const errs = errors(`CREATE TABLE t (a INT) WITH ('materialized' = 'yes');
CREATE VIEW v WITH ('materialized' = 'true') AS SELECT 1;`);
    assert.deepEqual(
      errs.map((e) => e.error_type),
      ['Invalid property', 'Invalid property'],
    );
  });
});
