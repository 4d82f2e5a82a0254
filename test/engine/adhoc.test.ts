import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineError } from '../../src/engine/index.js';
import { compile, show } from '../helpers/sql-circuit.js';

const PROGRAM = `
CREATE TABLE emp (id INT NOT NULL PRIMARY KEY, name VARCHAR, dept INT, salary DECIMAL(8, 2)) WITH ('materialized' = 'true');
CREATE TABLE dept (id INT NOT NULL PRIMARY KEY, title VARCHAR) WITH ('materialized' = 'true');
CREATE TABLE hidden (x INT);
CREATE MATERIALIZED VIEW payroll AS SELECT dept, SUM(salary) AS total FROM emp GROUP BY dept;
CREATE VIEW plain AS SELECT id FROM emp;`;

function setup() {
  const c = compile(PROGRAM).instantiate();
  c.query(
    "INSERT INTO emp VALUES (1, 'ann', 10, 100.50), (2, 'bob', 10, 200.25), (3, 'cy', 20, 50.00), (4, 'di', NULL, NULL)",
  );
  c.query("INSERT INTO dept VALUES (10, 'eng'), (20, 'ops')");
  c.step();
  return c;
}

const rows = (r: { rows: unknown[][] }) => r.rows.map((row) => (row as never[]).map(show).join(', '));

describe('ad-hoc queries', () => {
  test('joins, filters, aggregates, ORDER BY, LIMIT and OFFSET over materialized relations', () => {
    const c = setup();
    const r = c.query(
      'SELECT d.title, p.total FROM payroll p JOIN dept d ON p.dept = d.id WHERE p.total > 10 ORDER BY p.total DESC',
    );
    assert.deepEqual(
      r.columns.map((col) => [col.name, col.type.type]),
      [
        ['title', 'VARCHAR'],
        ['total', 'DECIMAL'],
      ],
    );
    assert.deepEqual(rows(r), ["'eng', 300.75", "'ops', 50.00"]);
    assert.deepEqual(
      rows(c.query('SELECT name FROM emp ORDER BY salary NULLS FIRST, name LIMIT 2 OFFSET 1')),
      ["'cy'", "'ann'"],
    );
    assert.deepEqual(rows(c.query('SELECT COUNT(*), AVG(salary) FROM emp WHERE dept IS NOT NULL')), [
      '3n, 116.91', // AVG of DECIMAL truncates, as in Feldera.
    ]);
    assert.deepEqual(rows(c.query('SELECT name FROM emp ORDER BY id DESC LIMIT 1')), ["'di'"]);
  });

  test('ORDER BY can use columns that are not selected', () => {
    const c = setup();
    assert.deepEqual(rows(c.query('SELECT name FROM emp WHERE dept = 10 ORDER BY salary DESC')), [
      "'bob'",
      "'ann'",
    ]);
  });

  test('reading a relation that is not materialized fails with NotMaterialized', () => {
    const c = setup();
    for (const sql of [
      'SELECT * FROM hidden',
      'SELECT * FROM plain',
      'SELECT * FROM emp JOIN hidden ON emp.id = hidden.x',
    ])
      assert.throws(
        () => c.query(sql),
        (e: EngineError) => e.code === 'NotMaterialized' && /materialized/.test(e.message),
      );
  });

  test('bad SQL fails with InvalidQuery and the compiler messages', () => {
    const c = setup();
    assert.throws(
      () => c.query('SELECT nope FROM emp'),
      (e: EngineError) => {
        assert.equal(e.code, 'InvalidQuery');
        const details = e.details as { messages: { message: string; start_column: number }[] };
        assert.equal(details.messages[0]!.message, "Column 'nope' not found in any table");
        assert.equal(details.messages[0]!.start_column, 8);
        return true;
      },
    );
    assert.throws(() => c.query('SELEC 1'), { code: 'InvalidQuery' });
    assert.throws(() => c.query('SELECT 1; SELECT 2'), { code: 'InvalidQuery' });
    assert.throws(() => c.query('SELECT * FROM nosuch'), { code: 'InvalidQuery' });
    assert.throws(() => c.query('CREATE TABLE x (a INT)'), { code: 'InvalidQuery' });
  });

  test('runtime errors in ad-hoc queries are RuntimeError and leave the circuit alone', () => {
    const c = setup();
    assert.throws(() => c.query('SELECT id / (dept - dept) FROM emp'), { code: 'RuntimeError' });
    assert.equal(c.query('SELECT COUNT(*) FROM emp').rows[0]![0], 4n);
  });

  test('INSERT pushes rows for the next step and returns their count', () => {
    const c = setup();
    const r = c.query('INSERT INTO hidden (x) VALUES (1), (2 + 3)');
    assert.deepEqual(r.columns, [{ name: 'count', type: { type: 'BIGINT', nullable: false } }]);
    assert.deepEqual(r.rows, [[2n]]);
    const out = c.step();
    assert.deepEqual(
      out.get('hidden')!.map((e) => e.row),
      [[1], [5]],
    );
    c.query("INSERT INTO emp (id, name) VALUES (9, 'zed')");
    c.step();
    assert.deepEqual(rows(c.query('SELECT id, dept, salary FROM emp WHERE id = 9')), ['9, null, null']);
  });

  test('INSERT checks columns, arity, types and NOT NULL', () => {
    const c = setup();
    assert.throws(() => c.query('INSERT INTO emp (id, nope) VALUES (1, 2)'), { code: 'InvalidQuery' });
    assert.throws(() => c.query('INSERT INTO emp VALUES (1)'), { code: 'InvalidQuery' });
    assert.throws(() => c.query("INSERT INTO emp (name) VALUES ('x')"), {
      code: 'InvalidQuery',
      message: /NOT NULL/,
    });
    assert.throws(() => c.query('INSERT INTO emp (id, salary) VALUES (5, 123456789)'), {
      code: 'InvalidQuery',
      message: /out of range/,
    });
    assert.throws(() => c.query('INSERT INTO payroll VALUES (1, 2)'), { code: 'InvalidQuery' });
  });
});

describe('ad-hoc SELECTs evaluated in bounded steps', () => {
  const CROSS = `
CREATE TABLE a (x INT NOT NULL) WITH ('materialized' = 'true');
CREATE TABLE b (y INT NOT NULL) WITH ('materialized' = 'true');`;

  function crossJoin(n: number) {
    const c = compile(CROSS).instantiate();
    const rows = Array.from({ length: n }, (_, i) => ({ row: [i], weight: 1 }));
    c.push('a', rows);
    c.push('b', rows);
    c.step();
    return c;
  }

  function select(c: ReturnType<typeof crossJoin>, sql: string) {
    const statement = c.prepareQuery(sql);
    assert.equal(statement.kind, 'select');
    if (statement.kind !== 'select') throw new Error('unreachable');
    return statement;
  }

  test('LIMIT without ORDER BY stops as soon as it has its rows (10,000 × 10,000 cross join)', () => {
    // The whole product is 100M pairs: computing it would exhaust memory or time.
    const c = crossJoin(10_000);
    const r = c.query('SELECT x, y FROM a, b LIMIT 3 OFFSET 2');
    assert.equal(r.rows.length, 3);
    for (const [x, y] of r.rows as number[][]) assert.ok(x! >= 0 && x! < 10_000 && y! >= 0 && y! < 10_000);
    assert.equal(c.query('SELECT x FROM a, b WHERE x = y LIMIT 1').rows.length, 1);
  });

  test('aggregates over a product larger than any step are exact (600 × 600)', () => {
    const c = crossJoin(600);
    assert.deepEqual(rows(c.query('SELECT COUNT(*), SUM(x), MIN(y), MAX(x + y) FROM a, b')), [
      '360000n, 107820000, 0, 1198',
    ]);
    assert.deepEqual(rows(c.query('SELECT COUNT(DISTINCT x + y) FROM a, b WHERE x < y')), ['1197n']);
  });

  test('ORDER BY with LIMIT keeps only the best rows, with the top-k tie-break', () => {
    const c = crossJoin(300);
    // Ties in ORDER BY are broken by the whole row, ascending, as the top-k operator does.
    assert.deepEqual(rows(c.query('SELECT x, y FROM a, b ORDER BY x + y DESC LIMIT 4 OFFSET 1')), [
      '298, 299',
      '299, 298',
      '297, 299',
      '298, 298',
    ]);
    // Duplicate rows count as many times as they occur.
    assert.deepEqual(rows(c.query('SELECT x % 2 AS p FROM a, b ORDER BY p LIMIT 3 OFFSET 44999')), [
      '0',
      '1',
      '1',
    ]);
  });

  test('rows stream in batches as they are final; every batch only has visible columns', () => {
    const c = crossJoin(100);
    const statement = select(c, 'SELECT x FROM a, b WHERE y < 30 ORDER BY y');
    assert.deepEqual(statement.relations.sort(), ['a', 'b']);
    assert.deepEqual(
      statement.columns.map((col) => col.name),
      ['x'],
    );
    const batches = [...statement.batches((name) => c.snapshot(name), 500)];
    assert.deepEqual(
      batches.map((b) => b.length),
      [500, 500, 500, 500, 500, 500],
    );
    assert.ok(batches.every((b) => b.every((row) => row.length === 1)));

    const streaming = select(c, 'SELECT DISTINCT x FROM a, b UNION ALL SELECT y FROM b');
    const seen = [...streaming.batches((name) => c.snapshot(name), 64)].flat();
    assert.equal(seen.length, 200);
  });

  test('a runtime error after rows were yielded ends the stream with RuntimeError', () => {
    const c = crossJoin(5000);
    const statement = select(c, 'SELECT 100 / (x - 4000) FROM a');
    const batches = statement.batches((name) => c.snapshot(name), 256);
    assert.equal(batches.next().value!.length, 256);
    assert.throws(
      () => {
        for (const _ of batches);
      },
      // Feldera's words for an integer division by zero.
      (e: EngineError) =>
        e.code === 'RuntimeError' && /'100 \/ 0' causes overflow for type INTEGER/.test(e.message),
    );
  });

  test('queries without a FROM and over empty relations still run one step', () => {
    const c = compile(CROSS).instantiate();
    assert.deepEqual(rows(c.query('SELECT 1 + 1')), ['2']);
    assert.deepEqual(rows(c.query('SELECT COUNT(*) FROM a')), ['0n']);
    assert.deepEqual(rows(c.query('SELECT x FROM a')), []);
  });
});
