/**
 * Differential test against PostgreSQL (PGlite, Postgres in WASM): generated programs over
 * integer, string, double and DECIMAL(6, 2) columns (DECIMAL arithmetic, STDDEV/VAR, BIT_*,
 * BOOL_AND/BOOL_OR/EVERY/SOME, string functions, joins, subqueries, set operations, top-k) run
 * on random streams of inserts, upserts and deletes; after every step every table and view must
 * equal Postgres's answer. Postgres is the oracle only where it computes what Feldera documents:
 * docs/sql.md lists where it differs (those are tested by hand in test/sql).
 * Reproduce a failure with SLUICE_PG_SEED=<seed> SLUICE_PG_CASES=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPostgresDifferential, startPostgres } from '../helpers/sql-pg-oracle.js';

test('incremental views agree with PostgreSQL after every step', async (t) => {
  const first = Number(process.env.SLUICE_PG_SEED ?? 1);
  const cases = Number(process.env.SLUICE_PG_CASES ?? 60);
  const steps = Number(process.env.SLUICE_PG_STEPS ?? 6);
  const started = Date.now();
  const db = await startPostgres();
  const ready = Date.now() - started;
  try {
    const checks = await runPostgresDifferential(db, first, cases, steps);
    t.diagnostic(
      `${cases} programs (seeds ${first}..${first + cases - 1}), ${steps} steps each, ${checks} comparisons, ${Date.now() - started} ms (Postgres ready in ${ready} ms)`,
    );
    assert.ok(checks > 0);
  } finally {
    await db.close();
  }
});
