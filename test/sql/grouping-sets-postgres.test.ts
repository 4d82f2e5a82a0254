/**
 * Grouping-set views against PostgreSQL (PGlite), which has GROUPING SETS, ROLLUP, CUBE,
 * GROUP BY DISTINCT and GROUPING with Calcite's semantics: fixed views over the differential
 * harness's tables (test/helpers/sql-pg-oracle.ts) run on random streams of inserts, upserts
 * and deletes, and every table and view must equal Postgres's answer after every step.
 * Reproduce a failure with SLUICE_PG_SEED=<seed> SLUICE_PG_CASES=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenView } from '../helpers/sql-generator.js';
import { PostgresCase, startPostgres } from '../helpers/sql-pg-oracle.js';

/** [Sluice's text, Postgres's text when it differs]. */
const VIEWS: [string, string?][] = [
  ['SELECT a, s, COUNT(*) AS n, SUM(b) AS sb, GROUPING(a, s) AS g FROM t1 GROUP BY CUBE(a, s)'],
  [
    'SELECT a, b, MIN(s) AS ms, SUM(m) AS sm, COUNT(d) AS cd FROM t1 GROUP BY ROLLUP(a, b) HAVING GROUPING(b) = 1 OR COUNT(*) > 1',
  ],
  ['SELECT x, y, COUNT(*) AS n, MAX(y) AS my FROM t3 GROUP BY GROUPING SETS ((x), (y), (), ())'],
  [
    'SELECT x, y, COUNT(*) AS n, GROUPING_ID(y, x) AS g FROM t3 GROUP BY DISTINCT x, ROLLUP(x, y)',
    'SELECT x, y, COUNT(*) AS n, GROUPING(y, x) AS g FROM t3 GROUP BY DISTINCT x, ROLLUP(x, y)',
  ],
  [
    'SELECT t1.a, t2.c, SUM(t1.b) AS sb, MAX(t2.s) AS mx FROM t1 JOIN t2 ON t1.a = t2.a GROUP BY ROLLUP(t1.a, t2.c)',
  ],
  ['SELECT a + 1 AS a1, COUNT(*) AS n, GROUPING(a + 1) AS g FROM t1 GROUP BY GROUPING SETS ((a + 1), ())'],
  [
    'SELECT a, SUM(b) AS sb FROM t1 GROUP BY ROLLUP(a) ORDER BY GROUPING(a), sb DESC NULLS LAST, a NULLS FIRST LIMIT 3',
  ],
  ['SELECT y, COUNT(DISTINCT x) AS dx, BOOL_OR(x > 2) AS big FROM t3 WHERE y IS NOT NULL GROUP BY CUBE(y)'],
];

test('grouping-set views agree with PostgreSQL after every step', async (t) => {
  const first = Number(process.env.SLUICE_PG_SEED ?? 1);
  const cases = Number(process.env.SLUICE_PG_CASES ?? 12);
  const steps = Number(process.env.SLUICE_PG_STEPS ?? 10);
  const views: GenView[] = VIEWS.map(([ours, pg], i) => ({
    name: `v${i}`,
    ours,
    lite: pg ?? ours,
    columns: [],
  }));
  const db = await startPostgres();
  try {
    let checks = 0;
    for (let seed = first; seed < first + cases; seed++) {
      const c = new PostgresCase(seed, db, views);
      await c.setUp();
      await c.run(steps);
      checks += c.checks;
    }
    t.diagnostic(`${cases} change streams, ${steps} steps, ${checks} comparisons`);
    assert.ok(checks > 0);
  } finally {
    await db.close();
  }
});
