/**
 * Checkpoint benchmark: how long a pipeline's checkpoint takes and how many bytes it writes as
 * its state grows, what a second checkpoint after a small change writes, and how long a resume
 * takes.
 *
 *   node --import tsx bench/checkpoint.ts        (or: npm run bench -- checkpoint)
 *
 * Environment (defaults in brackets): BENCH_MAX_STATE_MB [300] largest state, in MiB of
 * exported state (the series is 10, 30, 100, 300 MiB up to it, then it; 1024 for the 1 GiB
 * figures, which take 22-26 minutes and 8.5 GB of memory on 2 cores), BENCH_CHANGE_PERCENT [1]
 * share of the orders updated before the second checkpoint, BENCH_BATCH [50000] rows per step
 * while loading, BENCH_HEAP_MB [12288] V8 heap limit of each measuring process, BENCH_SEED [1].
 *
 * The program (bench/checkpoint/workload.ts) has two keyed, materialized tables, a GROUP BY
 * view and a join view; the circuit is bulk-loaded to each size and then checkpointed and
 * resumed with the same calls src/runtime/checkpointer.ts makes, each phase timed on its own
 * (bench/checkpoint/measure.ts):
 *  - capture: `circuit.exportState()`, synchronous: the pipeline's steps (and its event loop)
 *    wait for it;
 *  - write: `CheckpointStore.write` (SHA-256, write + fsync of new state files, renames,
 *    directory fsync, manifest last), with the bytes and files it wrote and reused;
 *  - plain: the same files written with a plain write + fsync each (in parallel) and a
 *    directory fsync: durable, but no hashing, content addressing or manifest;
 *  - second checkpoint: after one step that upserts BENCH_CHANGE_PERCENT of the orders, and
 *    asserting that it wrote exactly the state files whose bytes changed;
 *  - resume: open the store, load the newest checkpoint verifying every file's SHA-256, and
 *    `importState` into a fresh circuit (the loaded circuit is dropped first).
 * Each size runs in a fresh process, one at a time, so sizes do not share heap or garbage.
 * Rows are labeled by the bytes `exportState` produced. Resume reads files just written, so
 * they mostly come from the page cache: the figure is the CPU cost, not a cold-disk read.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SizeResult, SizeTask } from './checkpoint/measure.js';
import { count, mib, mibPerSecond, percent, ratio, secs, table } from './checkpoint/report.js';
import { PROGRAM_SQL } from './checkpoint/workload.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  maxStateMiB: setting('BENCH_MAX_STATE_MB', 300),
  changePercent: setting('BENCH_CHANGE_PERCENT', 1),
  batch: setting('BENCH_BATCH', 50_000),
  heapMiB: setting('BENCH_HEAP_MB', 12_288),
  seed: setting('BENCH_SEED', 1),
};
const SERIES_MIB = [10, 30, 100, 300];
const WORKER = fileURLToPath(new URL('./checkpoint/worker.ts', import.meta.url));
const started = performance.now();

/** 10, 30, 100, 300 MiB below BENCH_MAX_STATE_MB, then BENCH_MAX_STATE_MB itself. */
function sizes(): number[] {
  return [...SERIES_MIB.filter((size) => size < config.maxStateMiB), config.maxStateMiB];
}

function progress(what: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
}

function machine(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load}`;
}

/** Measures one size in a fresh process with a GC the measurement can trigger. */
function runInChild(task: SizeTask): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const execArgv = [...process.execArgv, '--expose-gc', `--max-old-space-size=${config.heapMiB}`];
    const child = fork(WORKER, [JSON.stringify(task)], { execArgv });
    let result: SizeResult | undefined;
    child.on('message', (m) => {
      result = m as SizeResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`the ${task.targetMiB} MiB run failed (exit code ${code}, signal ${signal})`));
    });
  });
}

function firstCheckpointRows(results: SizeResult[]): string[][] {
  return results.map(({ first, plainWriteSeconds, workload }) => [
    mib(first.stateBytes),
    count(workload.orders),
    `${first.filesWritten}/${first.files}`,
    secs(first.captureSeconds),
    secs(first.writeSeconds),
    mib(first.bytesWritten),
    mibPerSecond(first.bytesWritten, first.writeSeconds),
    secs(first.captureSeconds + first.writeSeconds),
    secs(plainWriteSeconds),
    ratio(first.writeSeconds / plainWriteSeconds),
  ]);
}

function secondCheckpointRows(results: SizeResult[]): string[][] {
  return results.map(({ first, second, changedOrders, changeStepSeconds }) => [
    mib(first.stateBytes),
    count(changedOrders),
    secs(changeStepSeconds),
    secs(second.captureSeconds),
    secs(second.writeSeconds),
    `${second.filesWritten}/${second.filesReused}`,
    mib(second.bytesWritten),
    percent(second.bytesWritten, second.stateBytes),
  ]);
}

function stateFileRows({ secondFiles }: SizeResult): string[][] {
  return secondFiles.map((f) => [f.name, mib(f.bytes), f.changed ? 'written' : 'reused']);
}

function resumeRows(results: SizeResult[]): string[][] {
  return results.map((r) => [
    mib(r.second.stateBytes),
    secs(r.readSeconds),
    mibPerSecond(r.second.stateBytes, r.readSeconds),
    secs(r.importSeconds),
    secs(r.readSeconds + r.importSeconds),
    secs(r.loadSeconds),
    mib(r.heapBytes),
    mib(r.peakRssBytes),
  ]);
}

function report(results: SizeResult[]): void {
  table(
    'First checkpoint of the loaded circuit (every state file new); plain = the same files written + fsynced, ' +
      'no hashing or content addressing',
    [
      'state MiB',
      'orders',
      'files written',
      'capture s',
      'write s',
      'MiB written',
      'write MiB/s',
      'checkpoint s',
      'plain s',
      'write ÷ plain',
    ],
    firstCheckpointRows(results),
  );
  table(
    `Second checkpoint after one step updating ${config.changePercent}% of the orders ` +
      '(asserted: it writes exactly the state files whose bytes changed)',
    [
      'state MiB',
      'orders updated',
      'step s',
      'capture s',
      'write s',
      'files written/reused',
      'MiB written',
      'of state',
    ],
    secondCheckpointRows(results),
  );
  const largest = results.at(-1);
  if (largest)
    table(
      `State files of the second checkpoint at ${mib(largest.second.stateBytes)} MiB ` +
        '(one file per stateful operator, plus circuit.json)',
      ['file', 'MiB', 'second checkpoint'],
      stateFileRows(largest),
    );
  table(
    'Resume: open the store + read and verify every file (SHA-256), then importState into a fresh circuit',
    [
      'state MiB',
      'read+verify s',
      'MiB/s',
      'import s',
      'resume s',
      'bulk load s',
      'heap MiB',
      'peak RSS MiB',
    ],
    resumeRows(results),
  );
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'sluice-bench-checkpoint-'));
  console.log(
    `Checkpoint benchmark — ${new Date().toISOString()}\nmachine: ${machine()}\nscratch: ${scratch}`,
  );
  console.log(`program:${PROGRAM_SQL.replaceAll('\n', '\n  ')}`);
  const results: SizeResult[] = [];
  try {
    for (const targetMiB of sizes()) {
      progress(`~${targetMiB} MiB of state`);
      const { changePercent, batch, seed } = config;
      const dir = join(scratch, `${targetMiB}`);
      results.push(await runInChild({ targetMiB, dir, seed, batch, changePercent }));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    report(results);
  }
  console.log(
    `\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s; machine now: ${machine()}`,
  );
}

await main();
