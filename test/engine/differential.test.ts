/**
 * Differential test against SQLite: generated programs (joins of every kind, aggregates,
 * DISTINCT, set operations, IN/EXISTS/scalar subqueries, top-k, views over views) run on
 * random streams of inserts, upserts and deletes; after every step, every view's integrated
 * output must equal SQLite's answer to the same query over the same tables.
 * Reproduce a failure with SLUICE_DIFF_SEED=<seed> SLUICE_DIFF_CASES=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differentialSettings, runDifferential } from '../helpers/sql-oracle.js';

test('incremental views agree with SQLite after every step', async (t) => {
  const { first, cases, steps } = differentialSettings(1, 800);
  const started = Date.now();
  const checks = await runDifferential(first, cases, steps, false);
  t.diagnostic(
    `${cases} programs (seeds ${first}..${first + cases - 1}), ${steps} steps each, ${checks} view comparisons, ${Date.now() - started} ms`,
  );
  assert.ok(checks > 0);
});
