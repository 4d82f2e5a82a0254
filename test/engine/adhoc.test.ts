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
