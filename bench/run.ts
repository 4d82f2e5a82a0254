/**
 * Runs benchmarks by name, each in its own process: `npm run bench -- engine` (or `sync`);
 * with no name, every benchmark present in bench/. Each one also runs standalone with
 * `node --import tsx bench/<name>.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['engine', 'sync', 'checkpoint', 'state-stores'];
const fileOf = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
const available = BENCHMARKS.filter((name) => existsSync(fileOf(name)));

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

for (const name of requested.length > 0 ? requested : available) {
  const { status } = spawnSync(process.execPath, [...process.execArgv, fileOf(name)], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`benchmark ${name} failed (exit code ${status})`);
    process.exit(1);
  }
}
