/**
 * Checkpoint benchmark: what a checkpoint costs a running pipeline as its state grows, what
 * consecutive checkpoints write after small changes, and how long a resume from a cold copy
 * takes, with the state on disk (src/engine/trace/).
 *
 *   node --import tsx bench/checkpoint.ts        (or: npm run bench -- checkpoint)
 *
 * Environment (defaults in brackets): BENCH_MAX_STATE_MB [300] largest state in MiB of
 * checkpointed state (the series is 10, 100, 300 MiB up to it, then it; 1024 for the 1 GiB
 * figures), BENCH_SIZES_MB [none] the sizes to run instead of that series (e.g. "300"),
 * BENCH_CHANGE_PERCENT [1] share of the orders updated before each measured
 * checkpoint, BENCH_ROUNDS [20] checkpoints after the second, each after such a change,
 * BENCH_BATCH [20000] rows per step while loading, BENCH_MEMORY_MB [none]
 * resources.memory_mb_max of the measured pipeline, BENCH_SEED [1], BENCH_UNDER_TSX [0] 1 runs the
 * measured process under tsx instead of as compiled JavaScript (bench/compiled.ts).
 *
 * The program (bench/checkpoint/workload.ts) has two keyed, materialized tables, a GROUP BY
 * view and a join view. Each size runs in a fresh process through the pipeline process's own
 * data plane and checkpointer (bench/checkpoint/measure.ts says what each phase measures):
 * the second checkpoint is taken while an ingest stream runs, so its stall is measured as a
 * pipeline sees it, not after a forced GC; the resume starts from a copy of the storage
 * directory (with the page cache dropped when the machine allows it).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_BATCH_SIZE } from '../src/runtime/data-plane.js';
import { pipelineMallocEnv, pipelineNodeFlags } from '../src/types/runtime.js';
import type { SizeResult, SizeTask } from './checkpoint/measure.js';
import { count, mib, mibPerSecond, percent, ratio, secs, table } from './checkpoint/report.js';
import { PROGRAM_SQL } from './checkpoint/workload.js';
import { compiledPath, withoutTsx } from './compiled.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  maxStateMiB: setting('BENCH_MAX_STATE_MB', 300),
  changePercent: setting('BENCH_CHANGE_PERCENT', 1),
  rounds: setting('BENCH_ROUNDS', 20),
  batch: setting('BENCH_BATCH', 20_000),
  memoryMb: process.env.BENCH_MEMORY_MB ? Number(process.env.BENCH_MEMORY_MB) : null,
  seed: setting('BENCH_SEED', 1),
};
const SERIES_MIB = [10, 100, 300];
/** Flink's incremental checkpoints upload about this share of the state each time. */
const FLINK_PERCENT = 16;
const WORKER = fileURLToPath(new URL('./checkpoint/worker.ts', import.meta.url));
const started = performance.now();

/** BENCH_SIZES_MB (comma-separated) if set, else 10, 100, 300 MiB below BENCH_MAX_STATE_MB, then it. */
function sizes(): number[] {
  const listed = process.env.BENCH_SIZES_MB;
  if (listed) return listed.split(',').map(Number);
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

/**
 * The measured process runs compiled JavaScript, as a pipeline that `npm start` runs does
 * (bench/compiled.ts: tsx's loader threads would add 20–35 MiB to its RSS);
 * BENCH_UNDER_TSX=1 runs it under tsx as before.
 */
const worker =
  process.env.BENCH_UNDER_TSX === '1'
    ? { path: WORKER, compiled: false }
    : { path: await compiledPath(WORKER), compiled: true };

/** Measures one size in a fresh process with a GC the measurement can trigger. */
function runInChild(task: SizeTask): Promise<SizeResult> {
  return new Promise((resolve, reject) => {
    const execArgv = [...(worker.compiled ? withoutTsx(process.execArgv) : process.execArgv)];
    execArgv.push(...pipelineNodeFlags(config.memoryMb));
    const env = { ...process.env, ...pipelineMallocEnv(config.memoryMb) };
    const child = fork(worker.path, [JSON.stringify(task)], { execArgv, env });
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

const ms = (x: number) => x.toFixed(x < 10 ? 1 : 0);

function stallRows(results: SizeResult[]): string[][] {
  return results.map((r) => [
    mib(r.first.stateBytes),
    count(r.changedOrders),
    ms(r.stalled.captureMs),
    ms(r.stalledPlainMs),
    ratio(r.stalled.captureMs / Math.max(r.stalledPlainMs, 0.001)),
    ms(r.loopDelayMaxMs),
    ms(r.loopDelayP99Ms),
    `${ms(r.stepP99BeforeMs)} / ${ms(r.stepP99DuringMs)} (${r.stepsDuring})`,
    ms(r.stalled.totalMs),
  ]);
}

function bytesRows(results: SizeResult[]): string[][] {
  return results.map((r) => {
    const average = r.roundsAddedBytes.reduce((n, b) => n + b, 0) / Math.max(1, r.roundsAddedBytes.length);
    return [
      mib(r.first.stateBytes),
      `${secs(r.first.totalMs / 1000)} (${ms(r.first.captureMs)} ms)`,
      `${secs(r.firstPlainMs / 1000)}`,
      mib(r.second.addedBytes),
      percent(r.second.addedBytes, r.first.stateBytes),
      ms(r.secondPlainMs),
      percent(average, r.first.stateBytes),
      ms(r.roundsCaptureMaxMs),
      String(r.merges),
      `${FLINK_PERCENT}%`,
    ];
  });
}

function resumeRows(results: SizeResult[]): string[][] {
  return results.map((r) => [
    mib(r.first.stateBytes),
    secs(r.resumeMs / 1000),
    ms(r.firstStepAfterResumeMs),
    r.pageCacheDropped ? 'yes' : 'no',
    secs(r.loadSeconds),
    mib(r.heapBytes),
    mib(r.peakRssBytes),
    config.memoryMb === null ? '-' : ratio(r.peakRssBytes / (config.memoryMb * 2 ** 20)),
  ]);
}

function remoteRows(results: SizeResult[]): string[][] {
  return results.map((r) => {
    const { remote } = r;
    return [
      mib(r.first.stateBytes),
      `${mib(remote.firstPushBytes)} in ${secs(remote.firstPushSeconds)} s`,
      `${mib(remote.nextPushBytes)} (${remote.nextPushFiles} files) in ${secs(remote.nextPushSeconds)} s`,
      percent(remote.nextPushBytes, r.first.stateBytes),
      `${mib(remote.pullBytes)} in ${secs(remote.pullSeconds)} s (${mibPerSecond(remote.pullBytes, remote.pullSeconds)} MiB/s)`,
      secs(r.remoteResumeMs / 1000),
      remote.aws === null
        ? 'not installed'
        : `${mib(remote.aws.bytes)} in ${secs(remote.aws.seconds)} s (${mibPerSecond(remote.aws.bytes, remote.aws.seconds)} MiB/s)`,
    ];
  });
}

function report(results: SizeResult[]): void {
  table(
    `Stall: a checkpoint after updating ${config.changePercent}% of the orders (steps of at most ${DEFAULT_MAX_BATCH_SIZE.toLocaleString('en-US')}), taken while an ingest stream runs ` +
      '(capture = the event loop held to seal the state; plain = write + fsync of the bytes it added)',
    [
      'state MiB',
      'orders updated',
      'capture ms',
      'plain ms',
      'capture ÷ plain',
      'loop delay max ms',
      'loop delay p99 ms',
      'step p99 ms before / during (steps)',
      'checkpoint ms',
    ],
    stallRows(results),
  );
  table(
    `Bytes: what checkpoints add to the store (and a sync uploads): the first; the second after a ${config.changePercent}% change; ` +
      `the average over ${config.rounds} more, each after a ${config.changePercent}% change, merges included`,
    [
      'state MiB',
      'first s (capture)',
      'plain s',
      '2nd MiB',
      '2nd of state',
      '2nd plain ms',
      `avg of ${config.rounds}`,
      'max capture ms',
      'merges',
      'Flink',
    ],
    bytesRows(results),
  );
  table(
    'Resume from a cold copy of the storage directory: until Running, then the first step (100 upserts)',
    [
      'state MiB',
      'to Running s',
      'first step ms',
      'page cache dropped',
      'load s',
      'heap MiB',
      'peak RSS MiB',
      'peak RSS ÷ memory_mb_max',
    ],
    resumeRows(results),
  );
  table(
    'Object store (loopback s3rver): push the checkpoint before last, then the last (a sync after one change); ' +
      'pull the last into an empty directory (hash-verified), then resume from it; aws s3 sync downloading the same prefix (whole process timed)',
    [
      'state MiB',
      'first push',
      'next push',
      'next of state',
      'pull',
      'resume after pull s',
      'aws s3 sync download',
    ],
    remoteRows(results),
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
      const { changePercent, batch, seed, rounds, memoryMb } = config;
      const dir = join(scratch, `${targetMiB}`);
      results.push(await runInChild({ targetMiB, dir, seed, batch, changePercent, rounds, memoryMb }));
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
