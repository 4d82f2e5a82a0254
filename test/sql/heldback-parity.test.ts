/**
 * Constructs where the held-back Feldera corpus found Sluice answering differently from
 * Feldera 0.312: set quantifiers Feldera refuses, words Feldera does not reserve, implicit
 * argument casts, VARIANT map keys, and ROW <-> VARIANT casts of NULL rows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { compileError, describeError, evalSql, evalValues } from '../helpers/sql-eval.js';

/** The first compile error of a whole program, as `describeError` gives it. */
function programError(program: string): string {
  const r = compileProgram(program);
  if (r.ok) return assert.fail('expected a compile error');
  return describeError(r.errors[0]!);
}

const AB = 'CREATE TABLE a (x INT);\nCREATE TABLE b (x INT);\n';

describe('EXCEPT ALL, MINUS ALL and INTERSECT ALL are refused, as Feldera does', () => {
  test('each is "Not yet implemented" at its operator', () => {
    assert.equal(
      programError(`${AB}CREATE VIEW v AS SELECT x FROM a EXCEPT ALL SELECT x FROM b;`),
      'Not yet implemented @3:34: EXCEPT ALL is not supported',
    );
    assert.equal(
      programError(`${AB}CREATE VIEW v AS SELECT x FROM a minus all SELECT x FROM b;`),
      'Not yet implemented @3:34: MINUS ALL is not supported',
    );
    assert.equal(
      programError(`${AB}CREATE VIEW v AS SELECT x FROM a INTERSECT ALL SELECT x FROM b;`),
      'Not yet implemented @3:34: INTERSECT ALL is not supported',
    );
    // Refused before the column types are compared, as Feldera's test of INTERSECT ALL between
    // a VARCHAR and a BOOLEAN column expects.
    assert.equal(
      programError(
        'CREATE TABLE t (s VARCHAR, b BOOLEAN);\nCREATE VIEW v AS SELECT s FROM t INTERSECT ALL SELECT b FROM t;',
      ),
      'Not yet implemented @2:34: INTERSECT ALL is not supported',
    );
  });

  test('the DISTINCT forms and UNION ALL still run', () => {
    const T = { columns: 'x INT', rows: [{ x: 1 }, { x: 1 }, { x: 2 }] };
    assert.deepEqual(evalSql('x', T, 'EXCEPT DISTINCT SELECT 2'), ['{"x":1}']);
    assert.deepEqual(evalSql('x', T, 'MINUS SELECT 1'), ['{"x":2}']);
    assert.deepEqual(evalSql('x', T, 'INTERSECT DISTINCT SELECT 1'), ['{"x":1}']);
    assert.deepEqual(evalSql('x', T, 'UNION ALL SELECT 1'), ['{"x":1}', '{"x":1}', '{"x":1}', '{"x":2}']);
  });
});

describe("words Feldera's parser does not reserve are aliases after AS", () => {
  test('EXISTS, TRUE, END, VIEW and the like name columns', () => {
    const T = { columns: 'x INT', rows: [{ x: 1 }] };
    assert.deepEqual(evalSql('EXISTS (SELECT 1 FROM t) AS exists, x AS true, x + 1 AS "END"', T), [
      '{"exists":true,"true":1,"END":2}',
    ]);
    assert.deepEqual(evalSql('x AS view, x AS all, x AS Like', T), ['{"view":1,"all":1,"like":1}']);
    assert.deepEqual(evalSql('x', T, 'AS view'), ['{"x":1}']);
  });

  test('words Feldera reserves stay errors after AS, and these words are not implicit aliases', () => {
    assert.match(compileError('x AS from'), /^Error parsing SQL @2:30: Encountered "FROM"/);
    assert.match(compileError('x AS select'), /^Error parsing SQL @2:30: Encountered "SELECT"/);
    assert.match(compileError('x exists'), /^Error parsing SQL @2:27: /);
  });
});

describe('SEQUENCE converts a character argument to INTEGER (Calcite implicit cast)', () => {
  const T = { columns: 's VARCHAR, n INT', rows: [{ s: '14', n: 16 }] };

  test('a string column and a string literal', () => {
    assert.deepEqual(evalSql("SEQUENCE(s, n) AS a, SEQUENCE('2', 3) AS b", T), [
      '{"a":[14,15,16],"b":[2,3]}',
    ]);
    assert.deepEqual(evalSql('SEQUENCE(s, 13) AS a', T), ['{"a":[]}']);
    assert.deepEqual(evalSql('SEQUENCE(CAST(NULL AS VARCHAR), 3) AS a', T), ['{"a":null}']);
  });

  test('a string that is not an integer fails like CAST; other numeric types stay illegal', () => {
    assert.throws(() => evalSql('SEQUENCE(s, 3) AS a', { columns: 's VARCHAR', rows: [{ s: 'x1' }] }), /x1/);
    assert.match(compileError("SEQUENCE('x1', 3)"), /Cannot convert literal/);
    assert.equal(
      compileError('SEQUENCE(1.5, 3)'),
      "Compilation error @2:25: Cannot apply 'SEQUENCE' to arguments of type 'SEQUENCE(<DECIMAL(2, 1)>, <INTEGER>)'. Supported form(s): 'SEQUENCE(<INTEGER>, <INTEGER>)'",
    );
    assert.match(compileError('SEQUENCE(TRUE, 3)'), /Cannot apply 'SEQUENCE'/);
  });
});

describe('a MAP with VARIANT keys takes any subscript as a VARIANT', () => {
  const T = { columns: 'm MAP<VARIANT, VARIANT>', rows: [{ m: { p: 'one', '7': 3 } }] };

  test('a VARCHAR key finds the string key; a number does not find its text', () => {
    assert.deepEqual(evalValues(["TYPEOF(m['p'])", "m['p']", "m['q']", "m['7']", 'm[7]'], T), [
      '"VARCHAR"',
      '"one"',
      'null',
      '3',
      'null',
    ]);
    assert.deepEqual(evalValues(["m[CAST('p' AS VARIANT)]", 'm[NULL]'], T), ['"one"', 'null']);
  });

  test('other key types still need a comparable subscript', () => {
    assert.match(compileError("m['p']", 'm MAP<INT, INT>'), /Cannot look up a key of type VARCHAR/);
  });
});

describe("ROW <-> VARIANT casts follow Feldera's field-by-field expansion", () => {
  const T = {
    columns: 'id INT, r ROW(i INT, v VARCHAR), n ROW(a INT, sub ROW(b INT) NULL), rs ROW(k INT) ARRAY',
    rows: [
      { id: 1, r: { i: 20, v: 'bye' }, n: { a: 1, sub: null }, rs: [{ k: 1 }, null] },
      { id: 2, r: null, n: null, rs: null },
    ],
  };

  test('a NULL ROW becomes a map of NULL fields; nested ROWs and ROW elements alike', () => {
    assert.deepEqual(
      evalSql(
        'id, CAST(r AS VARIANT) AS vr, CAST(n AS VARIANT) AS vn, CAST(rs AS VARIANT) AS vs, CAST(r AS VARIANT) IS NULL AS isn',
        T,
      ),
      [
        '{"id":1,"vr":{"i":20,"v":"bye"},"vn":{"a":1,"sub":{"b":null}},"vs":[{"k":1},{"k":null}],"isn":false}',
        '{"id":2,"vr":{"i":null,"v":null},"vn":{"a":null,"sub":{"b":null}},"vs":null,"isn":false}',
      ],
    );
  });

  test('a VARIANT cast to a ROW is always a ROW, of NULLs where fields are missing', () => {
    assert.deepEqual(
      evalSql(
        `id, CAST(CAST(r AS VARIANT) AS ROW(i INT, v VARCHAR)) AS back,
         CAST(PARSE_JSON('{"i": 5}') AS ROW(i INT, v VARCHAR)) AS partial,
         CAST(PARSE_JSON('null') AS ROW(i INT, o ROW(z INT))) AS jnull,
         CAST(PARSE_JSON('[1]') AS ROW(i INT)) AS notmap,
         CAST(CAST(NULL AS VARIANT) AS ROW(i INT)) AS sqlnull`,
        T,
      ),
      [
        '{"id":1,"back":{"i":20,"v":"bye"},"partial":{"i":5,"v":null},"jnull":{"i":null,"o":{"z":null}},"notmap":{"i":null},"sqlnull":{"i":null}}',
        '{"id":2,"back":{"i":null,"v":null},"partial":{"i":5,"v":null},"jnull":{"i":null,"o":{"z":null}},"notmap":{"i":null},"sqlnull":{"i":null}}',
      ],
    );
  });

  test('other NULLs cast to VARIANT are still the VARIANT null, and back to NULL', () => {
    assert.deepEqual(
      evalSql(
        "CAST(CAST(NULL AS INT ARRAY) AS VARIANT) AS a, CAST(CAST(CAST(NULL AS INT ARRAY) AS VARIANT) AS INT ARRAY) AS b, CAST(PARSE_JSON('null') AS MAP<VARCHAR, INT>) AS m",
        { columns: 'x INT', rows: [{ x: 1 }] },
      ),
      ['{"a":null,"b":null,"m":null}'],
    );
  });
});

describe('ROW comparisons (Feldera sql/comparisons.md: lexicographic, NULL fields smallest)', () => {
  const T = {
    columns: 'id INT, a INT, b INT, c INT, d INT',
    rows: [
      { id: 1, a: 1, b: null, c: 1, d: null },
      { id: 2, a: 1, b: 2, c: 1, d: 3 },
      { id: 3, a: 1, b: 2, c: 2, d: null },
      { id: 4, a: null, b: 1, c: 2, d: 0 },
    ],
  };

  test('IS [NOT] DISTINCT FROM compares field by field with NULL equal to NULL', () => {
    assert.deepEqual(
      evalSql(
        'id, ROW(a, b) IS DISTINCT FROM ROW(c, d) AS dist, ROW(a, b) IS NOT DISTINCT FROM ROW(c, d) AS same',
        T,
      ),
      [
        '{"id":1,"dist":false,"same":true}',
        '{"id":2,"dist":true,"same":false}',
        '{"id":3,"dist":true,"same":false}',
        '{"id":4,"dist":true,"same":false}',
      ],
    );
  });

  test('<, <=, >, >= order rows by their first differing field, a NULL field lowest', () => {
    assert.deepEqual(
      evalSql(
        'id, ROW(a, b) < ROW(c, d) AS lt, ROW(a, b) <= ROW(c, d) AS le, ROW(a, b) > ROW(c, d) AS gt, ROW(a, b) >= ROW(c, d) AS ge',
        T,
      ),
      [
        '{"id":1,"lt":false,"le":true,"gt":false,"ge":true}',
        '{"id":2,"lt":true,"le":true,"gt":false,"ge":false}',
        '{"id":3,"lt":true,"le":true,"gt":false,"ge":false}',
        '{"id":4,"lt":true,"le":true,"gt":false,"ge":false}',
      ],
    );
  });
});
