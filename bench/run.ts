/**
 * Runs benchmarks by name, each in its own process: `npm run bench -- engine` (or `sync`);
 * with no name, every benchmark present in bench/. Each one also runs standalone with
 * `node --import tsx bench/<name>.ts`.
 *
 * `BENCH_SMOKE=1` runs each one on tiny data (the settings in `SMOKE_SETTINGS`, unless the
 * environment sets them): the same code paths in seconds, so that the documentation test can
 * run every documented command. Its figures measure nothing and say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['engine', 'sync', 'checkpoint', 'state-stores', 'adhoc', 'recursion'];
/** Tiny sizes for a smoke run, by the setting each benchmark reads. */
const SMOKE_SETTINGS: Record<string, string> = {
  BENCH_BASE_ROWS: '2000',
  BENCH_STREAM_ROWS: '2000',
  BENCH_MAX_ROWS: '20000',
  BENCH_UPDATES: '10',
  BENCH_SQLITE_SECONDS: '0.5',
  BENCH_MAX_STATE_MB: '4',
  BENCH_ROUNDS: '2',
  BENCH_BATCH: '1000',
  BENCH_ROWS: '5000',
  BENCH_QUERIES: '2',
  BENCH_ENTRIES: '5000',
  BENCH_SYNC_STATE_MB: '4',
  BENCH_SYNC_CUTOFF_MB: '1',
  BENCH_SYNC_RUNS: '1',
};
const smoke = process.env.BENCH_SMOKE === '1';
const env = smoke ? { ...SMOKE_SETTINGS, ...process.env } : process.env;
if (smoke) console.log('BENCH_SMOKE=1: tiny data; these figures measure nothing.');

const fileOf = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
const available = BENCHMARKS.filter((name) => existsSync(fileOf(name)));

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

for (const name of requested.length > 0 ? requested : available) {
  const { status } = spawnSync(process.execPath, [...process.execArgv, fileOf(name)], {
    stdio: 'inherit',
    env,
  });
  if (status !== 0) {
    console.error(`benchmark ${name} failed (exit code ${status})`);
    process.exit(1);
  }
}
