/**
 * Embedded-store comparison behind docs/design/state.md: what each candidate for an
 * operator's on-disk state costs on the targets of the state-on-disk issue, side by side in
 * one run, each store in its own process.
 *
 *   node --import tsx bench/state-stores.ts      (or: npm run bench -- state-stores)
 *
 * Workload: BENCH_ENTRIES [300000] entries with a 12-byte key and a ~100-byte value (the size
 * of an encoded order row), loaded in transactions of 10,000. Then, per store:
 *  - checkpoint 1: make a durable copy of the state that a later sync could upload;
 *  - checkpoint 2 after updating 1% of the entries (random keys): bytes it writes;
 *  - 20 more checkpoints, each after a 1% change: average bytes per checkpoint;
 *  - point lookups: 100,000 random synchronous gets (µs per get);
 *  - resume: open a cold copy of the last checkpoint and answer one lookup.
 * How each store makes a checkpoint is the best it offers to a process that keeps running:
 *  - spine (Sluice's trace): seal the in-memory batch into an immutable, content-named file;
 *    files are shared between checkpoints, so a checkpoint writes the new batch plus whatever
 *    the background merges wrote since the previous one;
 *  - LMDB (`lmdb` 3.5): `db.backup()` copies the whole environment (LMDB updates its single
 *    B-tree file in place, so no older copy can be shared);
 *  - SQLite (better-sqlite3 12): the online backup API, again a whole copy;
 *  - LevelDB (`classic-level` 3): its table files are immutable like our batches; the binding
 *    has no checkpoint call, so the database is closed (which makes the log durable), every
 *    file that is new or changed since the previous checkpoint is counted as written (table
 *    files by name, the log and MANIFEST always), and it is reopened.
 * RocksDB's own incremental checkpoints (hard links of its tables) would be the closest
 * competitor, but the Node binding that installs here (@nxtedition/rocksdb 12) exposes no
 * checkpoint or backup call, so it is left out.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { STORES, type StoreName, type StoreResult } from './state-stores/driver.js';

const entries = Number(process.env.BENCH_ENTRIES ?? 300_000);
const WORKER = fileURLToPath(new URL('./state-stores/worker.ts', import.meta.url));

function runStore(name: StoreName): Promise<StoreResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [name, String(entries)], { execArgv: [...process.execArgv, '--expose-gc'] });
    let result: StoreResult | undefined;
    child.on('message', (m) => {
      result = m as StoreResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${name} exited with ${code}`))));
  });
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

console.log(
  `# Embedded stores for operator state: ${entries} entries (load average ${loadavg()[0]!.toFixed(2)})`,
);
const results: StoreResult[] = [];
for (const name of STORES) {
  process.stderr.write(`measuring ${name}...\n`);
  results.push(await runStore(name));
}
console.log(
  `\n| store | load | on disk (state: ${((entries * 112) / 2 ** 20).toFixed(1)} MiB) | checkpoint 1 | 2nd checkpoint after 1%: bytes (of state), time | avg over 20 checkpoints | get (µs) | resume from cold copy | sync get | peak RSS |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.store} | ${ms(r.loadMs)} | ${(r.diskBytes / 2 ** 20).toFixed(1)} MiB | ${ms(r.firstCheckpointMs)} | ` +
      `${pct(r.secondCheckpointBytes, r.stateBytes)}, ${ms(r.secondCheckpointMs)} | ${pct(r.averageCheckpointBytes, r.stateBytes)} | ` +
      `${r.getMicros.toFixed(2)} | ${ms(r.resumeMs)} | ${r.syncGet ? 'yes' : 'no'} | ${r.maxRssMiB.toFixed(0)} MiB |`,
  );
}
console.log(`\nload average at the end: ${loadavg()[0]!.toFixed(2)}`);
