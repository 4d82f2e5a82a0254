/**
 * Hand-written checks for what a differential oracle cannot decide: SQL NULL rules in joins,
 * aggregates and subqueries, exact DECIMAL arithmetic, overflow and division by zero (errors
 * here, NULL in SQLite), empty groups, ties under LIMIT, dates, intervals and strings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Circuit, EngineError, Value } from '../../src/engine/index.js';
import { compile, show } from '../helpers/sql-circuit.js';

/** Evaluates `SELECT <exprs> FROM t` with the given rows of `t (a INT, b INT, s VARCHAR, d DECIMAL(10,2))`. */
function select(exprs: string, rows: string[] = ['(1, NULL, NULL, NULL)'], where = ''): string[] {
  const c =
    compile(`CREATE TABLE t (a INT, b INT, s VARCHAR, d DECIMAL(10, 2)) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT ${exprs} FROM t ${where};`).instantiate();
  if (rows.length > 0) c.query(`INSERT INTO t VALUES ${rows.join(', ')}`);
  c.step();
  return view(c, 'v');
}

function view(c: Circuit, name: string): string[] {
  return c
    .snapshot(name)
    .flatMap((e) => Array.from({ length: e.weight }, () => e.row.map(show).join(', ')))
    .sort();
}

function runtimeError(exprs: string, rows: string[]): string {
  try {
    select(exprs, rows);
  } catch (e) {
    assert.equal((e as EngineError).code, 'RuntimeError');
    return (e as Error).message;
  }
  return assert.fail('expected a runtime error');
}

describe('three-valued logic', () => {
  test('AND, OR, NOT, comparisons and IS tests with NULL', () => {
    assert.deepEqual(
      select(
        'b = 1, b IS NULL, (b = 1) AND FALSE, (b = 1) OR TRUE, NOT (b = 1), (b = 1) IS NOT TRUE, b IS DISTINCT FROM NULL, a IS NOT DISTINCT FROM 1',
      ),
      ['null, true, false, true, null, true, false, true'],
    );
  });

  test('WHERE keeps only TRUE rows', () => {
    assert.deepEqual(select('a', ['(1, NULL, NULL, NULL)', '(2, 2, NULL, NULL)'], 'WHERE b > 0 OR b < 0'), [
      '2',
    ]);
  });

  test('IN lists, BETWEEN, CASE, COALESCE, NULLIF', () => {
    assert.deepEqual(
      select(
        "a IN (1, NULL), a IN (2, NULL), b IN (1, 2), a NOT IN (2, 3), a BETWEEN 0 AND 1, CASE WHEN b = 1 THEN 'x' ELSE 'y' END, COALESCE(b, a), NULLIF(a, 1)".replace(
          ', COALESCE(b, a)',
          ', COALESCE(b, a)',
        ),
      ),
      ["true, null, null, true, true, 'y', 1, null"],
    );
  });
});

describe('NULLs in joins', () => {
  const c = () => {
    const circuit = compile(`CREATE TABLE l (k INT, v VARCHAR);
CREATE TABLE r (k INT, w VARCHAR);
CREATE MATERIALIZED VIEW inner_j AS SELECT v, w FROM l JOIN r ON l.k = r.k;
CREATE MATERIALIZED VIEW left_j AS SELECT v, w FROM l LEFT JOIN r ON l.k = r.k;
CREATE MATERIALIZED VIEW full_j AS SELECT v, w FROM l FULL JOIN r ON l.k = r.k;
CREATE MATERIALIZED VIEW safe_j AS SELECT v, w FROM l JOIN r ON l.k IS NOT DISTINCT FROM r.k;`).instantiate();
    circuit.query("INSERT INTO l VALUES (1, 'l1'), (NULL, 'lnull')");
    circuit.query("INSERT INTO r VALUES (1, 'r1'), (NULL, 'rnull'), (2, 'r2')");
    circuit.step();
    return circuit;
  };

  test('NULL keys never match with =, but do with IS NOT DISTINCT FROM', () => {
    const circuit = c();
    assert.deepEqual(view(circuit, 'inner_j'), ["'l1', 'r1'"]);
    assert.deepEqual(view(circuit, 'left_j'), ["'l1', 'r1'", "'lnull', null"]);
    assert.deepEqual(view(circuit, 'full_j'), ["'l1', 'r1'", "'lnull', null", "null, 'r2'", "null, 'rnull'"]);
    assert.deepEqual(view(circuit, 'safe_j'), ["'l1', 'r1'", "'lnull', 'rnull'"]);
  });

  test('a LEFT JOIN row loses its padding when a match arrives and gets it back when the match leaves', () => {
    const circuit = c();
    circuit.query("INSERT INTO r VALUES (NULL, 'x')");
    circuit.push('l', [{ row: [2, 'l2'], weight: 1 }]);
    circuit.step();
    assert.deepEqual(view(circuit, 'left_j'), ["'l1', 'r1'", "'l2', 'r2'", "'lnull', null"]);
    circuit.push('r', [{ row: [2, 'r2'], weight: -1 }]);
    circuit.step();
    assert.deepEqual(view(circuit, 'left_j'), ["'l1', 'r1'", "'l2', null", "'lnull', null"]);
  });
});

describe('NULLs and empty inputs in aggregates', () => {
  test('COUNT skips NULLs, SUM/MIN/MAX/AVG of only NULLs are NULL, NULL keys form one group', () => {
    assert.deepEqual(
      select(
        'b, COUNT(*), COUNT(a), COUNT(DISTINCT a), SUM(a), MIN(a), MAX(s), AVG(a)',
        [
          '(NULL, 1, NULL, NULL)',
          '(NULL, NULL, NULL, NULL)',
          '(4, NULL, NULL, NULL)',
          '(4, NULL, NULL, NULL)',
          '(7, NULL, NULL, NULL)',
        ],
        'GROUP BY b',
      ),
      ['1, 1n, 0n, 0n, null, null, null, null', 'null, 4n, 3n, 2n, 15, 4, null, 5'],
    );
  });

  test('a global aggregate over no rows is one row; a group vanishes with its last row', () => {
    const c = compile(`CREATE TABLE t (g INT, x INT);
CREATE MATERIALIZED VIEW total AS SELECT COUNT(*) AS n, SUM(x) AS s, MAX(x) AS m FROM t;
CREATE MATERIALIZED VIEW per AS SELECT g, COUNT(*) AS n FROM t GROUP BY g;
CREATE MATERIALIZED VIEW nonempty AS SELECT COUNT(*) AS n FROM t HAVING COUNT(*) > 0;`).instantiate();
    c.step();
    assert.deepEqual(view(c, 'total'), ['0n, null, null']);
    assert.deepEqual(view(c, 'per'), []);
    assert.deepEqual(view(c, 'nonempty'), []);
    c.push('t', [{ row: [1, 5], weight: 1 }]);
    c.step();
    assert.deepEqual(view(c, 'per'), ['1, 1n']);
    c.push('t', [{ row: [1, 5], weight: -1 }]);
    c.step();
    assert.deepEqual(view(c, 'total'), ['0n, null, null']);
    assert.deepEqual(view(c, 'per'), []);
  });

  test('MIN/MAX retract to the next value without rescanning', () => {
    const c = compile(`CREATE TABLE t (x INT);
CREATE MATERIALIZED VIEW m AS SELECT MIN(x) AS lo, MAX(x) AS hi FROM t;`).instantiate();
    c.push(
      't',
      [3, 1, 4, 1, 5].map((x) => ({ row: [x], weight: 1 })),
    );
    c.step();
    c.push('t', [
      { row: [1], weight: -1 },
      { row: [5], weight: -1 },
    ]);
    c.step();
    assert.deepEqual(view(c, 'm'), ['1, 4']);
    c.push('t', [{ row: [1], weight: -1 }]);
    c.step();
    assert.deepEqual(view(c, 'm'), ['3, 4']);
  });
});

describe('subqueries', () => {
  const run = (query: string, sRows: string): string[] => {
    const c = compile(`CREATE TABLE t (x INT);
CREATE TABLE s (y INT);
CREATE MATERIALIZED VIEW v AS ${query};`).instantiate();
    c.query('INSERT INTO t VALUES (1), (2), (NULL)');
    if (sRows) c.query(`INSERT INTO s VALUES ${sRows}`);
    c.step();
    return view(c, 'v');
  };

  test('IN and NOT IN follow SQL NULL rules', () => {
    assert.deepEqual(
      run('SELECT x, x IN (SELECT y FROM s) AS i, x NOT IN (SELECT y FROM s) AS n FROM t', '(1), (NULL)'),
      ['1, true, false', '2, null, null', 'null, null, null'],
    );
    assert.deepEqual(run('SELECT x, x IN (SELECT y FROM s) AS i FROM t', ''), [
      '1, false',
      '2, false',
      'null, false',
    ]);
    assert.deepEqual(run('SELECT x FROM t WHERE x NOT IN (SELECT y FROM s)', '(1), (NULL)'), []);
    assert.deepEqual(run('SELECT x FROM t WHERE x NOT IN (SELECT y FROM s)', '(1)'), ['2']);
  });

  test('correlated EXISTS and NOT EXISTS, and scalar subqueries', () => {
    assert.deepEqual(run('SELECT x FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.y = t.x + 1)', '(2), (3)'), [
      '1',
      '2',
    ]);
    assert.deepEqual(run('SELECT x FROM t WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.y = t.x)', '(2)'), [
      '1',
      'null',
    ]);
    assert.deepEqual(run('SELECT x, (SELECT MAX(y) FROM s) AS m FROM t WHERE x IS NOT NULL', '(5), (7)'), [
      '1, 7',
      '2, 7',
    ]);
    assert.deepEqual(run('SELECT x FROM t WHERE x IN (SELECT y FROM s WHERE s.y > t.x - 2)', '(1), (2)'), [
      '1',
      '2',
    ]);
  });

  test('set operations', () => {
    const c = compile(`CREATE TABLE a (x INT);
CREATE TABLE b (x INT);
CREATE MATERIALIZED VIEW u AS SELECT x FROM a UNION SELECT x FROM b;
CREATE MATERIALIZED VIEW ua AS SELECT x FROM a UNION ALL SELECT x FROM b;
CREATE MATERIALIZED VIEW i AS SELECT x FROM a INTERSECT SELECT x FROM b;
CREATE MATERIALIZED VIEW e AS SELECT x FROM a EXCEPT SELECT x FROM b;
CREATE MATERIALIZED VIEW m AS SELECT x FROM a MINUS DISTINCT SELECT x FROM b;`).instantiate();
    c.query('INSERT INTO a VALUES (1), (1), (1), (2), (NULL)');
    c.query('INSERT INTO b VALUES (1), (NULL), (3)');
    c.step();
    assert.deepEqual(view(c, 'u'), ['1', '2', '3', 'null']);
    assert.equal(view(c, 'ua').length, 8);
    assert.deepEqual(view(c, 'i'), ['1', 'null']);
    assert.deepEqual(view(c, 'e'), ['2']);
    assert.deepEqual(view(c, 'm'), ['2']);
  });
});

describe('DECIMAL is exact', () => {
  test('sums and arithmetic never go through binary floating point', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `(${i}, NULL, NULL, 0.10)`);
    assert.deepEqual(select('SUM(d), SUM(d) = 1.00, AVG(d)', rows), ['1.00, true, 0.10']);
    assert.deepEqual(select('d + 0.2, d * 3, d / 3, CAST(d AS DOUBLE)', ['(1, NULL, NULL, 0.10)']), [
      '0.30, 0.30, 0.0333333333333, 0.1',
    ]);
    assert.deepEqual(select('CAST(12345678.99 AS DECIMAL(10, 2)) + d', ['(1, NULL, NULL, 0.01)']), [
      '12345679.00',
    ]);
  });

  test('results that exceed the precision are errors', () => {
    assert.match(
      runtimeError('d * d * d * d', ['(1, NULL, NULL, 99999999.99)']),
      /causes overflow for type DECIMAL/,
    );
    assert.match(runtimeError('d / (d - d)', ['(1, NULL, NULL, 1.00)']), /Division by zero/);
  });
});

describe('integer overflow and division', () => {
  test('arithmetic that leaves the type range fails the step', () => {
    assert.match(
      runtimeError('a + 1', ['(2147483647, NULL, NULL, NULL)']),
      /'2147483647 \+ 1' causes overflow for type INTEGER/,
    );
    assert.match(runtimeError('a * a', ['(65536, NULL, NULL, NULL)']), /causes overflow for type INTEGER/);
    assert.match(runtimeError('-a', ['(-2147483648, NULL, NULL, NULL)']), /causes overflow for type INTEGER/);
    assert.match(
      runtimeError('CAST(a AS BIGINT) * 9223372036854775807', ['(2, NULL, NULL, NULL)']),
      /causes overflow for type BIGINT/,
    );
    assert.match(
      runtimeError('SUM(a)', ['(2147483647, NULL, NULL, NULL)', '(1, NULL, NULL, NULL)']),
      /SUM overflow/,
    );
    assert.match(runtimeError('CAST(a AS TINYINT)', ['(300, NULL, NULL, NULL)']), /out of range/);
  });

  test('integer division truncates; division or modulo by zero fails; floats follow IEEE', () => {
    assert.deepEqual(select('a / 2, -a / 2, a % 3, -a % 3, MOD(a, -3)', ['(7, NULL, NULL, NULL)']), [
      '3, -3, 1, -1, 1',
    ]);
    assert.match(runtimeError('a / b', ['(1, 0, NULL, NULL)']), /'1 \/ 0' causes overflow for type INTEGER/);
    assert.match(runtimeError('a % b', ['(1, 0, NULL, NULL)']), /remainder with a divisor of zero/);
    assert.deepEqual(select('CAST(a AS DOUBLE) / 0', ['(1, NULL, NULL, NULL)']), ['Infinity']);
  });

  test('BIGINT values stay exact beyond 2^53', () => {
    assert.deepEqual(select('CAST(a AS BIGINT) * 1000000000000 + 1', ['(9007, NULL, NULL, NULL)']), [
      '9007000000000001n',
    ]);
  });
});

describe('ORDER BY ... LIMIT (top-k)', () => {
  test('ties at the boundary are broken by the whole row and refilled incrementally', () => {
    const c = compile(`CREATE TABLE t (id INT NOT NULL PRIMARY KEY, score INT);
CREATE MATERIALIZED VIEW top2 AS SELECT id, score FROM t ORDER BY score DESC LIMIT 2;`).instantiate();
    c.query('INSERT INTO t VALUES (1, 10), (2, 20), (3, 20), (4, 20)');
    c.step();
    assert.deepEqual(view(c, 'top2'), ['2, 20', '3, 20']);
    c.push('t', [{ row: [2], weight: -1 }]);
    c.step();
    assert.deepEqual(view(c, 'top2'), ['3, 20', '4, 20']);
    c.query('INSERT INTO t VALUES (1, 30)');
    c.step();
    assert.deepEqual(view(c, 'top2'), ['1, 30', '3, 20']);
  });

  test('NULL is the smallest value unless told otherwise (Feldera): {NULL, 1} ascending, {2, 1} descending', () => {
    const c = compile(`CREATE TABLE t (x INT);
CREATE MATERIALIZED VIEW asc_default AS SELECT x FROM t ORDER BY x LIMIT 1;
CREATE MATERIALIZED VIEW desc_default AS SELECT x FROM t ORDER BY x DESC LIMIT 1;
CREATE MATERIALIZED VIEW asc_last AS SELECT x FROM t ORDER BY x NULLS LAST LIMIT 1;
CREATE MATERIALIZED VIEW asc_two AS SELECT x FROM t ORDER BY x LIMIT 2;
CREATE MATERIALIZED VIEW desc_two AS SELECT x FROM t ORDER BY x DESC LIMIT 2;`).instantiate();
    c.query('INSERT INTO t VALUES (1), (NULL), (2)');
    c.step();
    assert.deepEqual(
      [
        view(c, 'asc_default'),
        view(c, 'desc_default'),
        view(c, 'asc_last'),
        view(c, 'asc_two'),
        view(c, 'desc_two'),
      ],
      [['null'], ['2'], ['1'], ['1', 'null'], ['1', '2']],
    );
  });
});

describe('dates, times and intervals', () => {
  const dt = (exprs: string) => {
    const c = compile(`CREATE TABLE t (d DATE, ts TIMESTAMP, tm TIME);
CREATE MATERIALIZED VIEW v AS SELECT ${exprs} FROM t;`).instantiate();
    c.query("INSERT INTO t VALUES (DATE '2024-01-31', TIMESTAMP '2024-02-28 23:30:00', TIME '23:00:00')");
    c.step();
    return c.query('SELECT * FROM v');
  };

  test('arithmetic with intervals and days, EXTRACT, comparisons with literals', () => {
    const r = dt(
      "d + INTERVAL '1' MONTH, d - INTERVAL '31' DAY, ts + INTERVAL '1' HOUR, tm + INTERVAL '2:30' HOUR TO MINUTE, EXTRACT(DOY FROM d), MONTH(ts), d < '2024-02-01', ts - INTERVAL '1-1' YEAR TO MONTH, CAST(ts AS DATE), (d - DATE '2024-01-01') DAY = INTERVAL '30' DAY",
    );
    const [row] = r.rows;
    assert.deepEqual(
      r.columns.map((c) => c.type.type),
      ['DATE', 'DATE', 'TIMESTAMP', 'TIME', 'BIGINT', 'BIGINT', 'BOOLEAN', 'TIMESTAMP', 'DATE', 'BOOLEAN'],
    );
    const text = row!.map((v: Value, i: number) => {
      const t = r.columns[i]!.type.type;
      if (t === 'DATE') return new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
      if (t === 'TIMESTAMP') return new Date(Number((v as bigint) / 1_000_000n)).toISOString();
      return show(v);
    });
    assert.deepEqual(text, [
      '2024-02-29',
      '2023-12-31',
      '2024-02-29T00:30:00.000Z',
      '5400000000000',
      '31n',
      '2n',
      'true',
      '2023-01-28T23:30:00.000Z',
      '2024-02-28',
      'true',
    ]);
  });
});

describe('strings', () => {
  test('functions and LIKE', () => {
    assert.deepEqual(
      select(
        "UPPER(s), LOWER(s), CHAR_LENGTH(s), SUBSTRING(s FROM 2 FOR 3), SUBSTRING(s, 0, 2), POSITION('b' IN s), REPLACE(s, 'b', ''), TRIM(' ' || s || ' '), TRIM(LEADING 'a' FROM s), s || '!', s LIKE 'a_b%', s LIKE 'A%', 'a%b' LIKE 'a!%b' ESCAPE '!'",
        ["(1, NULL, 'aBbcd', NULL)"],
      ),
      ["'ABBCD', 'abbcd', 5, 'Bbc', 'a', 3, 'aBcd', 'aBbcd', 'Bbcd', 'aBbcd!', true, false, true"],
    );
  });

  test('CHAR(n) pads, VARCHAR(n) truncates on CAST', () => {
    assert.deepEqual(
      select('CAST(s AS CHAR(4)), CAST(s AS VARCHAR(2)), CAST(a AS VARCHAR)', ["(12, NULL, 'xyz', NULL)"]),
      ["'xyz ', 'xy', '12'"],
    );
  });
});
