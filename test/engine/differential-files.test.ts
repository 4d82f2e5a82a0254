/**
 * The differential tests with file-backed state: min_storage_bytes = 0 and a one-byte block
 * cache, so every step's changes become batch files, merges run, and every lookup below the
 * heads reads through the cache (test/helpers/trace-storage.ts). Other seeds than the
 * in-memory runs, so that together they cover more programs.
 * Reproduce a failure with SLUICE_DIFF_SEED=<seed> SLUICE_DIFF_CASES=1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differentialSettings, runDifferential } from '../helpers/sql-oracle.js';

test('incremental views over file-backed state agree with SQLite after every step', async (t) => {
  const { first, cases, steps } = differentialSettings(200_001, 300);
  const started = Date.now();
  const checks = await runDifferential(first, cases, steps, false, true);
  t.diagnostic(
    `${cases} programs, ${steps} steps each, ${checks} view comparisons, ${Date.now() - started} ms`,
  );
  assert.ok(checks > 0);
});

test('snapshots and ad-hoc queries over file-backed state agree with SQLite', async (t) => {
  const { first, cases, steps } = differentialSettings(300_001, 150);
  const started = Date.now();
  const checks = await runDifferential(first, cases, steps, true, true);
  t.diagnostic(`${cases} programs, ${steps} steps each, ${checks} comparisons, ${Date.now() - started} ms`);
  assert.ok(checks > 0);
});
