/**
 * Differential test of the read paths: the same generated programs with every relation
 * materialized; after every step `snapshot()` of every table and view must equal SQLite, and
 * at the end each view's query run ad hoc (a one-shot, non-incremental evaluation) must too.
 * Reproduce a failure with SLUICE_DIFF_SEED=<seed> SLUICE_DIFF_CASES=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differentialSettings, runDifferential } from '../helpers/sql-oracle.js';

test('snapshots and ad-hoc queries agree with SQLite', async (t) => {
  const { first, cases, steps } = differentialSettings(100_001, 400);
  const started = Date.now();
  const checks = await runDifferential(first, cases, steps, true);
  t.diagnostic(
    `${cases} programs (seeds ${first}..${first + cases - 1}), ${steps} steps each, ${checks} comparisons, ${Date.now() - started} ms`,
  );
  assert.ok(checks > 0);
});
