/**
 * Query forms of Feldera's grammar (sql/grammar.md) that used to fail to parse: `* EXCLUDE`,
 * `LIMIT ALL`, `FETCH FIRST ROW ONLY`, `VALUES` without parentheses and `VALUE`, and the
 * group items `()`, `(a, b)`, `GROUP BY ALL | DISTINCT`; `* REPLACE` and `ROW(*)` are refused
 * by name.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { describeError, evalSql, type Table } from '../helpers/sql-eval.js';

const T: Table = {
  columns: 'x INT, y INT, s VARCHAR',
  rows: [
    { x: 1, y: 10, s: 'a' },
    { x: 2, y: 20, s: 'b' },
    { x: 2, y: 30, s: 'b' },
    { x: null, y: null, s: null },
  ],
};

/** The rows of every view of `sql` after one step over no input, by view name. */
function views(sql: string): Record<string, string[]> {
  const r = compileProgram(sql);
  if (!r.ok) return assert.fail(r.errors[0]!.message);
  const c = r.program.instantiate();
  c.step();
  return Object.fromEntries(
    r.program.views.map((v) => [
      v.name,
      c
        .snapshot(v.name)
        .map((e) => `${JSON.stringify(e.row)}x${e.weight}`)
        .sort(),
    ]),
  );
}

/** The first error of `sql` as `type @line:col: message`. */
function firstError(sql: string): string {
  const r = compileProgram(sql);
  if (r.ok) return assert.fail(`expected an error for ${sql}`);
  return describeError(r.errors[0]!);
}

describe("Feldera's query grammar", () => {
  test('* EXCLUDE (...) and * EXCEPT (...) leave columns out, qualified or not', () => {
    assert.deepEqual(evalSql('* EXCLUDE (y)', T), [
      '{"x":1,"s":"a"}',
      '{"x":2,"s":"b"}',
      '{"x":2,"s":"b"}',
      '{"x":null,"s":null}',
    ]);
    assert.deepEqual(evalSql('t.* EXCEPT (x, s)', T, 'WHERE y > 10'), ['{"y":20}', '{"y":30}']);
    assert.equal(
      firstError('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT * EXCLUDE (z) FROM t;'),
      "Compilation error @2:36: Column 'z' not found in the columns of *",
    );
  });

  test('* REPLACE and ROW(*) are refused by name', () => {
    assert.equal(
      firstError('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT * REPLACE (x + 1 AS x) FROM t;'),
      'Not yet implemented @2:27: SELECT * REPLACE (...) is not supported',
    );
    assert.equal(
      firstError('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT ROW(*) AS r FROM t;'),
      'Not yet implemented @2:25: ROW(*) and ROW(t.*) are not supported',
    );
  });

  test('group items: () is the grand total, (a, b) two keys, ALL and DISTINCT change nothing', () => {
    assert.deepEqual(evalSql('COUNT(*) AS c, SUM(y) AS total', T, 'GROUP BY ()'), ['{"c":4,"total":60}']);
    assert.deepEqual(evalSql('x, s, COUNT(*) AS c', T, 'GROUP BY (x, s)'), [
      '{"x":1,"s":"a","c":1}',
      '{"x":2,"s":"b","c":2}',
      '{"x":null,"s":null,"c":1}',
    ]);
    assert.deepEqual(evalSql('x', T, 'GROUP BY DISTINCT x'), ['{"x":1}', '{"x":2}', '{"x":null}']);
    assert.deepEqual(evalSql('x', T, 'GROUP BY ALL x'), ['{"x":1}', '{"x":2}', '{"x":null}']);
  });

  test('LIMIT ALL is no limit; FETCH FIRST ROW ONLY is one row', () => {
    assert.deepEqual(evalSql('y', T, 'ORDER BY y LIMIT ALL'), [
      '{"y":10}',
      '{"y":20}',
      '{"y":30}',
      '{"y":null}',
    ]);
    assert.deepEqual(evalSql('y', T, 'ORDER BY y DESC FETCH FIRST ROW ONLY'), ['{"y":30}']);
    assert.deepEqual(evalSql('y', T, 'ORDER BY y DESC OFFSET 1 ROW FETCH NEXT ROWS ONLY'), ['{"y":20}']);
  });

  test('EXISTS(array, lambda) is ARRAY_EXISTS; EXISTS (query) is still the predicate', () => {
    const arrays: Table = { columns: 'a INT ARRAY', rows: [{ a: [1, -12, 3] }, { a: [-1] }, { a: null }] };
    assert.deepEqual(
      evalSql('EXISTS(a, x -> x > 0) AS e, EXISTS(ARRAY[1, -12, 3], x -> x > 0) AS r', arrays),
      ['{"e":false,"r":true}', '{"e":null,"r":true}', '{"e":true,"r":true}'],
    );
    assert.deepEqual(evalSql('y', T, 'WHERE EXISTS (SELECT 1) AND EXISTS ((SELECT 2)) AND y > 20'), [
      '{"y":30}',
    ]);
  });

  test('LEFT ASOF JOIN is refused by name', () => {
    assert.equal(
      firstError(
        'CREATE TABLE l (x INT);\nCREATE TABLE r (x INT);\nCREATE VIEW v AS SELECT * FROM l LEFT ASOF JOIN r MATCH_CONDITION (l.x >= r.x) ON TRUE;',
      ),
      'Not yet implemented @3:34: LEFT ASOF JOIN is not supported',
    );
  });

  test('VALUES rows may be bare expressions, and VALUE is VALUES', () => {
    assert.deepEqual(
      views(
        'CREATE MATERIALIZED VIEW v AS VALUES 1, 2 + 1, (4);\nCREATE MATERIALIZED VIEW w (a, b) AS VALUE (5, NULL), (6, 7);',
      ),
      { v: ['[1]x1', '[3]x1', '[4]x1'], w: ['[5,null]x1', '[6,7]x1'] },
    );
  });
});
