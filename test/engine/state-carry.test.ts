/**
 * Carrying state into a modified program's circuit by node identity (src/engine/state-carry.ts):
 * what is kept, rebuilt, replayed or refused, and that the result always equals the new
 * program run from scratch over the same inputs — before and after further input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Circuit, Value } from '../../src/engine/index.js';
import { compile, contents, insert } from '../helpers/sql-circuit.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

type Input = [table: string, rows: Value[][], weight?: number];

/** The clock's time for inputs fed before the bootstrap, and for those after. */
const BEFORE = Date.UTC(2026, 0, 1);
const AFTER = Date.UTC(2026, 0, 2);

/** Steps each input into `circuit`, one step each, a second apart from `from` (for NOW()). */
function feed(circuit: Circuit, inputs: Input[], from: number): void {
  for (const [i, [table, rows, weight]] of inputs.entries()) {
    insert(circuit, table, rows, weight);
    circuit.step(from + i * 1000);
  }
}

/**
 * Runs `oldSql` over `before`, checkpoints it, and plans carrying that state into `newSql`'s
 * circuit (as the runtime does: the previous circuit restored read-only from the checkpoint).
 */
async function carry(oldSql: string, newSql: string, before: Input[]) {
  const storage = fileBackedStorage();
  const first = compile(oldSql).instantiate();
  first.attachStorage(storage);
  feed(first, before, BEFORE);
  const state = await first.checkpoint();
  state.release();
  const previous = compile(oldSql).instantiate();
  previous.attachStorage(fileBackedStorage());
  const next = compile(newSql).instantiate();
  next.attachStorage(storage);
  const plan = next.planCarry(previous);
  return {
    plan,
    next,
    apply: () => {
      previous.restore(state.meta);
      return next.carryFrom(previous, state.meta, plan, AFTER);
    },
  };
}

/** The new program run from scratch over every input. */
function reference(newSql: string, inputs: Input[]): Circuit {
  const c = compile(newSql).instantiate();
  feed(c, inputs, BEFORE);
  return c;
}

/** Asserts the carried circuit equals the reference in every listed view, now and after `later`. */
function assertSame(next: Circuit, newSql: string, before: Input[], later: Input[], views: string[]): void {
  const ref = reference(newSql, before);
  for (const v of views) assert.deepEqual(contents(next, v), contents(ref, v), `${v} after the bootstrap`);
  feed(next, later, AFTER);
  feed(ref, later, AFTER);
  for (const v of views) assert.deepEqual(contents(next, v), contents(ref, v), `${v} after more input`);
}

const T = 'CREATE TABLE input_t (c1 INT);\n';
const ROWS: Input[] = [
  ['input_t', [[1], [2], [3]]],
  ['input_t', [[4], [5]]],
  ['input_t', [[2]], -1],
];
const MORE: Input[] = [
  ['input_t', [[10], [11]]],
  ['input_t', [[1]], -1],
];

describe('carrying state into a modified program', () => {
  test('a renamed view keeps its state under the new name: nothing rebuilt, nothing replayed', async () => {
    const oldSql = `${T}CREATE MATERIALIZED VIEW output_v AS SELECT * FROM input_t;`;
    const newSql = `${T}CREATE MATERIALIZED VIEW output_v_renamed AS SELECT * FROM input_t;`;
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.missing, []);
    assert.deepEqual(plan.rebuilt, []);
    assert.deepEqual(apply(), { kept: 2, rebuilt: 0, replayedRows: 0 });
    assert.deepEqual(contents(next, 'output_v_renamed'), ['(1)', '(3)', '(4)', '(5)']);
    assertSame(next, newSql, ROWS, MORE, ['output_v_renamed']);
  });

  test("a materialized SELECT * stands in for a table's contents, even once the view is gone", async () => {
    const oldSql = `${T}CREATE MATERIALIZED VIEW output_v AS SELECT * FROM input_t;`;
    const newSql = `${T}CREATE MATERIALIZED VIEW stats AS SELECT COUNT(*) AS n, SUM(c1) AS s FROM input_t;
CREATE MATERIALIZED VIEW big AS SELECT c1 * 10 AS d FROM input_t WHERE c1 > 2;`;
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.missing, []);
    assert.deepEqual(plan.rebuilt, ['big', 'stats']);
    assert.equal(apply().replayedRows, 4);
    assert.deepEqual(contents(next, 'stats'), ['(4n, 13)']);
    assertSame(next, newSql, ROWS, MORE, ['stats', 'big']);
  });

  test('the same view name over a different query is rebuilt, never reused', async () => {
    const table = "CREATE TABLE input_t (c1 INT) WITH ('materialized' = 'true');\n";
    const oldSql = `${table}CREATE MATERIALIZED VIEW v AS SELECT c1 FROM input_t WHERE c1 > 2;`;
    const newSql = `${table}CREATE MATERIALIZED VIEW v AS SELECT c1 FROM input_t WHERE c1 > 4;`;
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.rebuilt, ['v']);
    apply();
    assert.deepEqual(contents(next, 'v'), ['(5)']);
    assertSame(next, newSql, ROWS, MORE, ['v']);
  });

  test('a different query under the same name over a table nothing holds is refused, not reused', async () => {
    const oldSql = `${T}CREATE MATERIALIZED VIEW v AS SELECT COUNT(*) AS n FROM input_t;`;
    const newSql = `${T}CREATE MATERIALIZED VIEW v AS SELECT COUNT(c1) AS n FROM input_t WHERE c1 > 0;`;
    const { plan } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.missing, [{ table: 'input_t', readers: ['v'] }]);
  });

  test("a new view over a kept view's integral needs no table contents", async () => {
    const oldSql = `${T}CREATE MATERIALIZED VIEW sums AS SELECT c1 % 2 AS k, SUM(c1) AS s FROM input_t GROUP BY c1 % 2;`;
    const newSql = `${T}CREATE MATERIALIZED VIEW sums2 AS SELECT c1 % 2 AS k, SUM(c1) AS s FROM input_t GROUP BY c1 % 2;
CREATE MATERIALIZED VIEW top AS SELECT MAX(s) AS m FROM sums2;`;
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.missing, []);
    assert.deepEqual(plan.rebuilt, ['top']);
    apply();
    assert.deepEqual(contents(next, 'top'), ['(9)']);
    assertSame(next, newSql, ROWS, MORE, ['sums2', 'top']);
  });

  test('a kept aggregate without an integral is rebuilt from the table for its new reader', async () => {
    const table = "CREATE TABLE input_t (c1 INT) WITH ('materialized' = 'true');\n";
    const agg = 'CREATE LOCAL VIEW agg AS SELECT c1 % 2 AS k, COUNT(*) AS c FROM input_t GROUP BY c1 % 2;\n';
    const oldSql = `${table}${agg}CREATE MATERIALIZED VIEW v1 AS SELECT k FROM agg WHERE c > 1;`;
    const newSql = `${oldSql}\nCREATE MATERIALIZED VIEW v2 AS SELECT c FROM agg;`;
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.rebuilt, ['agg', 'v2']);
    const report = apply();
    assert.equal(report.replayedRows, 4);
    assertSame(next, newSql, ROWS, MORE, ['v1', 'v2']);
  });

  test('a new constant view appears once, and joins of kept tables are rebuilt', async () => {
    const tables = `CREATE TABLE a (k INT NOT NULL PRIMARY KEY, x INT);\nCREATE TABLE b (k INT, y INT) WITH ('materialized' = 'true');\n`;
    const oldSql = `${tables}CREATE MATERIALIZED VIEW xs AS SELECT SUM(x) AS s FROM a;`;
    const newSql = `${oldSql}
CREATE MATERIALIZED VIEW consts AS SELECT * FROM (VALUES (1), (2)) AS t(n);
CREATE MATERIALIZED VIEW j AS SELECT a.k, x, y FROM a JOIN b ON a.k = b.k;`;
    const before: Input[] = [
      [
        'a',
        [
          [1, 10],
          [2, 20],
        ],
      ],
      [
        'b',
        [
          [1, 100],
          [3, 300],
        ],
      ],
      ['a', [[1, 11]]],
    ];
    const later: Input[] = [
      ['b', [[2, 200]]],
      ['a', [[3, 30]]],
    ];
    const { plan, next, apply } = await carry(oldSql, newSql, before);
    assert.deepEqual(plan.missing, []);
    apply();
    assert.deepEqual(contents(next, 'consts'), ['(1)', '(2)']);
    assert.deepEqual(contents(next, 'j'), ['(1, 11, 100)']);
    assertSame(next, newSql, before, later, ['xs', 'consts', 'j']);
  });

  test('a modified table starts empty and its readers are rebuilt over nothing', async () => {
    const oldSql = `${T}CREATE MATERIALIZED VIEW output_v AS SELECT * FROM input_t;`;
    const newSql =
      'CREATE TABLE input_t (c1 INT, c2 INT);\nCREATE MATERIALIZED VIEW output_v AS SELECT c1 FROM input_t;';
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.missing, []);
    assert.deepEqual(plan.rebuilt, ['output_v']);
    apply();
    assert.deepEqual(contents(next, 'output_v'), []);
    insert(next, 'input_t', [[7, 8]]);
    next.step();
    assert.deepEqual(contents(next, 'output_v'), ['(7)']);
  });

  test("NOW(): a kept clock replays its time to a new view; the next step's time reaches all of them", async () => {
    const table = "CREATE TABLE input_t (c1 INT) WITH ('materialized' = 'true');\n";
    const oldSql = `${table}CREATE MATERIALIZED VIEW stamped AS SELECT c1, NOW() AS n FROM input_t;`;
    const newSql = `${oldSql}\nCREATE MATERIALIZED VIEW late AS SELECT c1, NOW() AS n FROM input_t WHERE c1 > 3;`;
    const { plan, next, apply } = await carry(oldSql, newSql, ROWS);
    assert.deepEqual(plan.rebuilt, ['late']);
    apply();
    // The clock's row is the time of the last step before the checkpoint.
    const last = BigInt(BEFORE + 2000) * 1_000_000n;
    assert.deepEqual(contents(next, 'late'), [`(4, ${last}n)`, `(5, ${last}n)`]);
    assertSame(next, newSql, ROWS, MORE, ['stamped', 'late']);
  });
  test('a recursive group is kept whole when unchanged, and rebuilt from its inputs when a member changes', async () => {
    const edges = "CREATE TABLE e (x INT, y INT) WITH ('materialized' = 'true');\n";
    const closure = (filter: string) => `${edges}DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM e JOIN closure ON e.y = closure.x;
CREATE MATERIALIZED VIEW closure AS (SELECT * FROM e${filter}) UNION (SELECT * FROM step);`;
    const before: Input[] = [
      [
        'e',
        [
          [1, 2],
          [2, 3],
          [3, 1],
        ],
      ],
      ['e', [[3, 4]]],
      ['e', [[3, 1]], -1],
    ];
    const later: Input[] = [
      ['e', [[4, 5]]],
      ['e', [[2, 3]], -1],
    ];
    const oldSql = closure('');
    const added = `${oldSql}\nCREATE MATERIALIZED VIEW reach AS SELECT x, COUNT(*) AS n FROM closure GROUP BY x;`;
    const kept = await carry(oldSql, added, before);
    assert.deepEqual(kept.plan.rebuilt, ['reach']);
    kept.apply();
    assertSame(kept.next, added, before, later, ['closure', 'reach']);

    const modified = closure(' WHERE x > 1');
    const rebuilt = await carry(oldSql, modified, before);
    assert.deepEqual(rebuilt.plan.missing, []);
    assert.deepEqual(rebuilt.plan.rebuilt, ['closure']);
    rebuilt.apply();
    assertSame(rebuilt.next, modified, before, later, ['closure']);
  });
});
