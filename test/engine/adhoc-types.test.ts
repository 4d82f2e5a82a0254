/**
 * Ad-hoc statements see the program's `CREATE TYPE`s and `CREATE FUNCTION`s: an INSERT may build
 * a user-defined structure with its constructor, as a view may.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineError } from '../../src/engine/index.js';
import { compile, show } from '../helpers/sql-circuit.js';

const PROGRAM = `
CREATE TYPE addr AS (street VARCHAR, n INT);
CREATE FUNCTION home(s VARCHAR) RETURNS addr AS addr(s, 1);
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, a addr, b addr NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW streets AS SELECT id, people.a.street AS street, addr(b.street, id) AS moved FROM people;`;

const rows = (r: { rows: unknown[][] }) => r.rows.map((row) => (row as never[]).map(show).join(', '));

describe('ad-hoc statements with user-defined types', () => {
  test('INSERT builds structures with the type constructor; NULL fields and a NULL structure are kept', () => {
    const c = compile(PROGRAM).instantiate();
    c.query("INSERT INTO people VALUES (1, addr('main', 7), addr('elm', 2)), (2, NULL, addr(NULL, NULL))");
    c.query("INSERT INTO people (b, id) VALUES (home('oak'), 3)");
    c.step();
    assert.deepEqual(rows(c.query('SELECT id, a.street, a.n, b.street, b.n FROM people ORDER BY id')), [
      "1, 'main', 7, 'elm', 2",
      '2, null, null, null, null',
      "3, null, null, 'oak', 1",
    ]);
    assert.deepEqual(rows(c.query('SELECT id, street, moved.street, moved.n FROM streets ORDER BY id')), [
      "1, 'main', 'elm', 1",
      '2, null, null, 2',
      "3, null, 'oak', 3",
    ]);
  });

  test('SELECT may call the constructor and the SQL functions', () => {
    const c = compile(PROGRAM).instantiate();
    assert.deepEqual(rows(c.query("SELECT addr('x', 5).street, home('y').n")), ["'x', 1"]);
  });

  test('a constructor with the wrong number of arguments is a compile error and inserts nothing', () => {
    const c = compile(PROGRAM).instantiate();
    assert.throws(
      () => c.query("INSERT INTO people VALUES (1, addr('main'), addr('elm', 2))"),
      (e: EngineError) =>
        e.code === 'InvalidQuery' &&
        /Type ADDR has 2 field\(s\); its constructor got 1 argument\(s\)/.test(e.message),
    );
    assert.throws(
      () => c.query("INSERT INTO people VALUES (1, nosuch('main'), addr('elm', 2))"),
      (e: EngineError) =>
        e.code === 'InvalidQuery' && /No match found for function signature NOSUCH/.test(e.message),
    );
    c.step();
    assert.deepEqual(rows(c.query('SELECT COUNT(*) FROM people')), ['0n']);
  });
});
