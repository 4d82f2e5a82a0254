/**
 * Differential test of recursive views against PostgreSQL (PGlite): a transitive closure and
 * a view over it, on random graphs changed by random inserts and deletes (duplicates, cycles,
 * self-loops and NULLs included). Postgres's `WITH RECURSIVE ... UNION` has set semantics and
 * computes the least fixed point for this linear recursion, which is what Feldera's recursive
 * views compute; after every step our materialized views must equal Postgres's answer (the
 * view over the closure: Postgres's closure counted here), and the deltas our circuit emitted
 * must add up to them.
 * Reproduce a failure with SLUICE_REC_SEED=<seed> SLUICE_REC_CASES=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Value } from '../../src/engine/index.js';
import { compile } from '../helpers/sql-circuit.js';
import { startPostgres } from '../helpers/sql-pg-oracle.js';
import { Random } from '../helpers/sql-random.js';

const PROGRAM = `CREATE TABLE edges (x INT, y INT);
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x;
CREATE MATERIALIZED VIEW closure AS (SELECT * FROM edges) UNION (SELECT * FROM step);
CREATE MATERIALIZED VIEW fan_out AS SELECT x, COUNT(*) AS n FROM closure GROUP BY x;`;

const POSTGRES_CLOSURE = `WITH RECURSIVE closure (x, y) AS (
  SELECT x, y FROM edges UNION SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x)`;

/** Rows as sorted `a,b` strings (NULL as `null`). */
function rowSet(rows: Value[][]): string[] {
  return rows.map((r) => r.map((v) => (v === null ? 'null' : String(v))).join(',')).sort();
}

test('recursive views agree with PostgreSQL WITH RECURSIVE after every step', async (t) => {
  const first = Number(process.env.SLUICE_REC_SEED ?? 1);
  const cases = Number(process.env.SLUICE_REC_CASES ?? 20);
  const steps = 8;
  const started = Date.now();
  const db = await startPostgres();
  const ready = Date.now() - started;
  const program = compile(PROGRAM);
  let checks = 0;
  try {
    for (let seed = first; seed < first + cases; seed++) {
      const r = new Random(seed);
      const nodes = r.int(3, 9);
      const node = (): number | null => (r.int(0, 30) === 0 ? null : r.int(0, nodes - 1));
      await db.exec('DROP TABLE IF EXISTS edges; CREATE TABLE edges (x INT, y INT);');
      const circuit = program.instantiate();
      const present: (number | null)[][] = [];
      const emitted = new Map<string, Map<string, number>>([
        ['closure', new Map()],
        ['fan_out', new Map()],
      ]);
      for (let s = 0; s < steps; s++) {
        const statements: string[] = [];
        const changes: { row: (number | null)[]; weight: number }[] = [];
        for (let n = r.int(1, nodes + 2); n > 0; n--) {
          if (present.length > 0 && r.int(0, 2) === 0) {
            const row = present.splice(r.int(0, present.length - 1), 1)[0]!;
            changes.push({ row, weight: -1 });
            const match = row
              .map((v, i) => `${i === 0 ? 'x' : 'y'} IS NOT DISTINCT FROM ${v ?? 'NULL'}`)
              .join(' AND ');
            statements.push(
              `DELETE FROM edges WHERE ctid IN (SELECT ctid FROM edges WHERE ${match} LIMIT 1);`,
            );
          } else {
            const row = [node(), node()];
            present.push(row);
            changes.push({ row, weight: 1 });
            statements.push(`INSERT INTO edges VALUES (${row.map((v) => v ?? 'NULL').join(', ')});`);
          }
        }
        circuit.push('edges', changes);
        const out = circuit.step();
        await db.exec(statements.join('\n'));
        for (const [view, sum] of emitted)
          for (const { row, weight } of out.get(view)!) {
            const key = rowSet([row])[0]!;
            const w = (sum.get(key) ?? 0) + weight;
            if (w === 0) sum.delete(key);
            else sum.set(key, w);
          }
        const closure = (
          await db.query<{ x: number | null; y: number | null }>(
            `${POSTGRES_CLOSURE} SELECT x, y FROM closure`,
          )
        ).rows;
        // COUNT(*) per x of Postgres's closure, counted here: one query per step is enough.
        const fanOut = new Map<number | null, number>();
        for (const { x } of closure) fanOut.set(x, (fanOut.get(x) ?? 0) + 1);
        const expected = {
          closure: rowSet(closure.map((row) => [row.x, row.y])),
          fan_out: rowSet([...fanOut].map(([x, n]) => [x, n])),
        };
        for (const view of ['closure', 'fan_out'] as const) {
          const ours = rowSet(circuit.snapshot(view).map((e) => e.row));
          const context = `seed ${seed} step ${s + 1} view ${view}; edges ${JSON.stringify(present)}`;
          assert.deepEqual(ours, expected[view], context);
          assert.ok(
            circuit.snapshot(view).every((e) => e.weight === 1),
            `${context}: every row once`,
          );
          assert.deepEqual([...emitted.get(view)!.keys()].sort(), ours, `${context}: deltas add up`);
          checks++;
        }
      }
    }
  } finally {
    await db.close();
  }
  t.diagnostic(
    `${cases} graphs (seeds ${first}..${first + cases - 1}), ${steps} steps each, ${checks} comparisons, ${Date.now() - started} ms (Postgres ready in ${ready} ms)`,
  );
  assert.ok(checks > 0);
});
