import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageSink } from '../../src/sql/messages.js';
import { parseScript } from '../../src/sql/parser.js';

function parse(src: string) {
  const sink = new MessageSink(src);
  return { statements: parseScript(src, sink), errors: sink.errors };
}

describe('parser', () => {
  test('parses tables with constraints and properties, and views of every kind', () => {
    const { statements, errors } = parse(`
      CREATE TABLE t (a INT NOT NULL, b DECIMAL(10, 2), c VARCHAR(20), PRIMARY KEY (a)) WITH ('materialized' = 'true');
      CREATE MATERIALIZED VIEW v (x, y) AS SELECT a, b FROM t;
      CREATE LOCAL VIEW w AS SELECT * FROM v;;
      CREATE VIEW u AS (SELECT a FROM t UNION ALL SELECT a FROM t) ORDER BY a LIMIT 3`);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      statements.map((s) => s.kind),
      ['createTable', 'createView', 'createView', 'createView'],
    );
    const t = statements[0]!;
    assert.ok(t.kind === 'createTable');
    assert.deepEqual(
      t.primaryKey?.columns.map((c) => c.name),
      ['a'],
    );
    assert.deepEqual(
      t.properties.map((p) => [p.key, p.value]),
      [['materialized', 'true']],
    );
    assert.deepEqual(
      t.columns.map((c) => [c.name.name, c.type.name, c.type.precision, c.type.scale, c.notNull]),
      [
        ['a', 'INTEGER', undefined, undefined, true],
        ['b', 'DECIMAL', 10, 2, false],
        ['c', 'VARCHAR', 20, undefined, false],
      ],
    );
  });

  test('recovers at statement boundaries and reports every syntax error with its position', () => {
    const { statements, errors } = parse(
      'CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT FROM t;\nCREATE VIEW w AS SELECT a FROM t;\nCREATE TABEL x (a INT);',
    );
    assert.equal(statements.length, 2);
    assert.deepEqual(
      errors.map((e) => [e.start_line_number, e.start_column, e.error_type]),
      [
        [2, 25, 'Error parsing SQL'],
        [4, 8, 'Error parsing SQL'],
      ],
    );
    assert.match(errors[0]!.message, /FROM/);
    assert.equal(
      errors[0]!.snippet,
      '    1|CREATE TABLE t (a INT);\n    2|CREATE VIEW v AS SELECT FROM t;\n                              ^^^^\n    3|CREATE VIEW w AS SELECT a FROM t;\n',
    );
  });

  test('expression precedence and special forms', () => {
    const { statements, errors } = parse(
      "SELECT a + b * c, NOT a = b AND c, x BETWEEN 1 AND 2, s NOT LIKE 'a%' ESCAPE '!', CAST(a AS BIGINT), EXTRACT(YEAR FROM d), SUBSTRING(s FROM 1 FOR 2), TRIM(LEADING 'x' FROM s), POSITION('a' IN s), CASE WHEN a THEN 1 ELSE 2 END, INTERVAL '1 2' DAY TO HOUR, a::INT FROM t",
    );
    assert.deepEqual(errors, []);
    const q = statements[0]!;
    assert.ok(q.kind === 'query' && q.query.body.kind === 'select');
    const [sum, logic] = q.query.body.items;
    assert.ok(sum?.kind === 'expr' && sum.expr.kind === 'binary');
    assert.equal(sum.expr.op, '+');
    assert.ok(logic?.kind === 'expr' && logic.expr.kind === 'binary');
    assert.equal(logic.expr.op, 'AND');
  });

  test('unsupported constructs get a clear "Not yet implemented" error', () => {
    const { errors } = parse(
      'CREATE AGGREGATE f() RETURNS INT; CREATE VIEW v AS SELECT ROW_NUMBER() OVER () FROM t; CREATE TABLE t (a TIME WITH TIME ZONE)',
    );
    assert.deepEqual(
      errors.map((e) => e.error_type),
      ['Not yet implemented', 'Not yet implemented', 'Not yet implemented'],
    );
  });

  test('an ASOF join, plain or LEFT, is refused at its first keyword, not a raw parse error', () => {
    const { errors } = parse(
      [
        'CREATE VIEW v AS SELECT q.k FROM q LEFT ASOF JOIN p MATCH_CONDITION (q.t >= p.t) ON q.k = p.k;',
        'CREATE VIEW w AS SELECT q.k FROM q ASOF JOIN p MATCH_CONDITION (q.t >= p.t) ON q.k = p.k;',
      ].join('\n'),
    );
    assert.deepEqual(
      errors.map((e) => [e.error_type, e.message, e.start_line_number, e.start_column]),
      [
        ['Not yet implemented', 'LEFT ASOF JOIN is not supported', 1, 36],
        ['Not yet implemented', 'ASOF JOIN is not supported', 2, 36],
      ],
    );
  });
});
