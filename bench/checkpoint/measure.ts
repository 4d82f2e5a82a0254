/**
 * One state size of the checkpoint benchmark, run through the pipeline process's own parts: a
 * `DataPlane` (ingress decoding, steps on the event loop) and a `Checkpointer` over a real
 * checkpoint store, with the state on disk as a pipeline has it (src/runtime/memory.ts
 * defaults; BENCH_MEMORY_MB sets resources.memory_mb_max). Phases, reported on stderr as they end:
 *  - load: the tables filled in steps of `batch` rows (heads sealed into batch files as they pass
 *    the memory budget, merged in the background);
 *  - first checkpoint, once the merges the load left behind are done; then a plain write +
 *    fsync of as many bytes as it added (the comparison);
 *  - second checkpoint after upserting `changePercent` of the orders (`updateOrders`, in steps
 *    of at most 10,000): the bytes it added, and a plain write + fsync of that many bytes;
 *  - a third after another such change, taken while an ingest stream runs (HTTP-shaped JSON
 *    requests of 20 order upserts, one every ~5 ms, through `DataPlane.ingest`, each awaited
 *    until processed): the synchronous capture (sealing) against a plain write + fsync of the
 *    bytes it added, the event-loop delay while it runs, and the latency of the stream's steps
 *    before and during it;
 *  - `rounds` more checkpoints, each after a `changePercent` change (merges run meanwhile): the
 *    bytes each added, on average;
 *  - resume from a cold copy: the storage directory copied elsewhere (and the page cache dropped
 *    when the machine allows), then a new data plane and checkpointer resume from it: time to
 *    Running, and the latency of the first step after it (100 upserts, read through the cache);
 *  - the object store (bench/checkpoint/remote.ts): the last two checkpoints pushed, the last
 *    pulled into an empty directory and resumed from, and the aws CLI downloading the same.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { compileProgram, type Program } from '../../src/engine/index.js';
import { Checkpointer } from '../../src/runtime/checkpointer.js';
import { DataPlane } from '../../src/runtime/data-plane.js';
import { PipelineLogger } from '../../src/runtime/log.js';
import { stateSettingsOf } from '../../src/runtime/memory.js';
import type { CheckpointManifest } from '../../src/storage/manifest.js';
import { memoryTrace } from './memory-trace.js';
import { measureRemote, type RemoteFigures } from './remote.js';
import {
  bulkLoad,
  orderRow,
  PROGRAM_SQL,
  seededRandom,
  updateOrders,
  type Workload,
  workloadFor,
} from './workload.js';

export interface SizeTask {
  targetMiB: number;
  /** Scratch directory of this size (created, and removed at the end). */
  dir: string;
  seed: number;
  /** Rows per step while loading. */
  batch: number;
  /** Share of the orders updated before each measured checkpoint. */
  changePercent: number;
  /** Checkpoints after the second, each after a change. */
  rounds: number;
  /** resources.memory_mb_max of the measured pipeline (null: none). */
  memoryMb: number | null;
}

export interface CheckpointFigures {
  /** Milliseconds the checkpoint held the event loop to seal the state (the capture). */
  captureMs: number;
  /** Milliseconds from the request to the durable manifest. */
  totalMs: number;
  /** Bytes of the files this checkpoint named that the previous one did not. */
  addedBytes: number;
  /** Bytes of all the files it names. */
  stateBytes: number;
}

export interface SizeResult {
  workload: Workload;
  loadSeconds: number;
  first: CheckpointFigures;
  firstPlainMs: number;
  second: CheckpointFigures;
  secondPlainMs: number;
  /** The checkpoint taken while the ingest stream runs. */
  stalled: CheckpointFigures;
  stalledPlainMs: number;
  changedOrders: number;
  stepP99BeforeMs: number;
  stepP99DuringMs: number;
  stepsDuring: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  roundsAddedBytes: number[];
  roundsCaptureMaxMs: number;
  merges: number;
  resumeMs: number;
  firstStepAfterResumeMs: number;
  pageCacheDropped: boolean;
  /** The object-store phase (bench/checkpoint/remote.ts). */
  remote: RemoteFigures;
  /** From the pulled checkpoint to Running (the download not included). */
  remoteResumeMs: number;
  heapBytes: number;
  peakRssBytes: number;
}

/** Log lines go to stderr, so that stdout keeps the report. */
export class BenchLog extends PipelineLogger {
  override info(message: string): void {
    if (process.env.BENCH_VERBOSE) process.stderr.write(`  log: ${message}\n`);
  }
  override warn(message: string): void {
    process.stderr.write(`  WARN ${message}\n`);
  }
  override error(message: string): void {
    process.stderr.write(`  ERROR ${message}\n`);
  }
}

const since = (start: number) => performance.now() - start;

export function compile(): Program {
  const compiled = compileProgram(PROGRAM_SQL);
  if (!compiled.ok) throw new Error(`benchmark program does not compile: ${JSON.stringify(compiled.errors)}`);
  return compiled.program;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A pipeline's data plane and checkpointer over `storageDir`, resumed and running. */
export async function startPipeline(
  program: Program,
  storageDir: string,
  task: SizeTask,
  log: PipelineLogger,
) {
  const captures: number[] = [];
  let captureStart = 0;
  const checkpointer = await Checkpointer.open(
    {
      storageDir,
      model: 'none',
      intervalSecs: null,
      keep: 5,
      state: stateSettingsOf({ storage: {}, resources: { memory_mb_max: task.memoryMb } }),
      onBlockingWork: (busy) => {
        if (busy) captureStart = performance.now();
        else captures.push(since(captureStart));
      },
      onCorrupt: (message) => {
        throw new Error(message);
      },
    },
    log,
  );
  const plane = new DataPlane(program, 'bench', log, {
    onRejected: (rejected) => {
      throw new Error(`unexpected rejection of ${rejected.length} input(s)`);
    },
    onFatal: (message) => {
      throw new Error(message);
    },
  });
  await checkpointer.resume(plane, program.fingerprint);
  plane.setRunning(true);
  return { checkpointer, plane, captures };
}

type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

/** Takes a checkpoint and measures it against the previous manifest. */
async function checkpoint(
  p: Pipeline,
  previous: CheckpointManifest | null,
): Promise<[CheckpointFigures, CheckpointManifest]> {
  const start = performance.now();
  const manifest = await p.checkpointer.request('bench').done;
  const totalMs = since(start);
  const before = new Set(previous?.files.map((f) => f.sha256));
  const added = new Map(manifest.files.filter((f) => !before.has(f.sha256)).map((f) => [f.sha256, f.size]));
  return [
    {
      captureMs: p.captures.at(-1)!,
      totalMs,
      addedBytes: [...added.values()].reduce((n, s) => n + s, 0),
      stateBytes: manifest.size,
    },
    manifest,
  ];
}

/** Bytes of the one buffer the plain write writes over and over. */
const PLAIN_CHUNK_BYTES = 4 * 2 ** 20;

/**
 * The comparison: `bytes` written to a new file, fsynced, and its directory fsynced. It writes
 * one 4 MiB buffer repeatedly: a buffer of the whole size (the first checkpoint adds the whole
 * state) raised the measuring process's peak RSS by the state's size, which the benchmark then
 * reported as the pipeline's (bench/README.md, 2026-12-01 memory section).
 */
async function plainWrite(dir: string, bytes: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const chunk = Buffer.alloc(Math.min(bytes, PLAIN_CHUNK_BYTES), 7);
  const start = performance.now();
  const file = await open(join(dir, 'plain'), 'w');
  for (let done = 0; done < bytes; ) {
    const n = Math.min(chunk.length, bytes - done);
    done += (await file.write(chunk, 0, n)).bytesWritten;
  }
  await file.sync();
  await file.close();
  const d = await open(dir, 'r');
  await d.sync();
  await d.close();
  const ms = since(start);
  await rm(dir, { recursive: true });
  return ms;
}

/** Upserts 20 orders per request through the data plane until `stop`; records step latencies. */
function ingestStream(plane: DataPlane, w: Workload, random: () => number) {
  const latencies: Array<{ at: number; ms: number }> = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const rows = Array.from({ length: 20 }, () => {
        const [id, customer_id, amount, status, note] = orderRow(random() % w.orders, w, random);
        return { insert: { id, customer_id, amount, status, note } };
      });
      const start = performance.now();
      await plane.ingest('orders', JSON.stringify(rows), {
        format: 'json',
        updateFormat: 'insert_delete',
        array: true,
      });
      await plane.waitProcessed();
      latencies.push({ at: start, ms: since(start) });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    latencies,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/**
 * Waits until background storage work (building and merging batches) has stopped for two
 * seconds with no job queued or running: the merges a bulk load leaves behind are done before
 * the first checkpoint, as in a pipeline that has been running a while. (Counting finished jobs
 * alone is not enough: a merge of a large batch can run longer than the two seconds.)
 */
export async function settled(checkpointer: Checkpointer): Promise<void> {
  const work = () => {
    const c = checkpointer.stateCounters;
    return c ? c.batchesBuilt + c.merges : 0;
  };
  for (let last = -1; work() !== last || checkpointer.stateJobsPending > 0; ) {
    last = work();
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function dropPageCache(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

/**
 * One checkpoint's figures on stderr as soon as they are measured, so that a run stopped before
 * its report (a 2 GiB size takes hours) still leaves them.
 */
function progress(what: string, f: CheckpointFigures, plainMs?: number): void {
  const plain = plainMs === undefined ? '' : `, plain write + fsync ${plainMs.toFixed(0)} ms`;
  const share = f.stateBytes > 0 ? (100 * f.addedBytes) / f.stateBytes : 0;
  process.stderr.write(
    `  ${what}: capture ${f.captureMs.toFixed(1)} ms, total ${f.totalMs.toFixed(0)} ms${plain}, ` +
      `${(f.addedBytes / 2 ** 20).toFixed(1)} of ${(f.stateBytes / 2 ** 20).toFixed(1)} MiB new (${share.toFixed(1)}%)\n`,
  );
}

export async function measureSize(task: SizeTask): Promise<SizeResult> {
  const log = new BenchLog();
  const program = compile();
  const workload = workloadFor(task.targetMiB);
  const random = seededRandom(task.seed);
  const storageDir = join(task.dir, 'storage');
  try {
    const trace = memoryTrace();
    const p = await startPipeline(program, storageDir, task, log);
    trace.phase('load');
    let start = performance.now();
    await bulkLoad(p.plane.circuit, workload, task.batch, random);
    const loadSeconds = since(start) / 1000;
    process.stderr.write(`  load: ${loadSeconds.toFixed(1)} s\n`);
    trace.phase('settle');
    await settled(p.checkpointer);
    trace.phase('first-checkpoint');
    const [first, firstManifest] = await checkpoint(p, null);
    trace.phase('first-plain-write');
    const firstPlainMs = await plainWrite(join(task.dir, 'plain'), first.addedBytes);
    progress('first checkpoint', first, firstPlainMs);

    trace.phase('second-checkpoint');
    const changedOrders = Math.max(1, Math.round((workload.orders * task.changePercent) / 100));
    await p.plane.idle();
    await updateOrders(p.plane.circuit, workload, changedOrders, random);
    const [second, secondManifest] = await checkpoint(p, firstManifest);
    trace.phase('second-plain-write');
    const secondPlainMs = await plainWrite(join(task.dir, 'plain'), second.addedBytes);
    progress('second checkpoint', second, secondPlainMs);

    trace.phase('checkpoint-during-ingest');
    await p.plane.idle();
    await updateOrders(p.plane.circuit, workload, changedOrders, random);
    const stream = ingestStream(p.plane, workload, random);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const during = performance.now();
    const [stalled, stalledManifest] = await checkpoint(p, secondManifest);
    delay.disable();
    await stream.stop();
    const before = stream.latencies.filter((l) => l.at < during).map((l) => l.ms);
    const inside = stream.latencies.filter((l) => l.at >= during && l.at <= during + stalled.totalMs);
    const stalledPlainMs = await plainWrite(join(task.dir, 'plain'), stalled.addedBytes);
    progress('checkpoint during ingest', stalled, stalledPlainMs);
    process.stderr.write(
      `    step p99 before / during: ${percentile(before, 99).toFixed(1)} / ${percentile(
        inside.map((l) => l.ms),
        99,
      ).toFixed(1)} ms; event loop delay max ${(delay.max / 1e6).toFixed(1)} ms\n`,
    );

    trace.phase('rounds');
    let beforeLast = secondManifest;
    let previous = stalledManifest;
    const roundsAddedBytes: number[] = [];
    let roundsCaptureMaxMs = 0;
    for (let round = 0; round < task.rounds; round++) {
      await p.plane.idle();
      await updateOrders(p.plane.circuit, workload, changedOrders, random);
      const [figures, manifest] = await checkpoint(p, previous);
      roundsAddedBytes.push(figures.addedBytes);
      roundsCaptureMaxMs = Math.max(roundsCaptureMaxMs, figures.captureMs);
      progress(`round ${round + 1}`, figures);
      beforeLast = previous;
      previous = manifest;
    }
    const merges = p.checkpointer.stateCounters?.merges ?? 0;
    const heapBytes = process.memoryUsage().heapUsed;
    const steps = p.plane.circuit.stepCount;
    p.checkpointer.close();

    trace.phase('resume');
    const cold = join(task.dir, 'cold');
    cpSync(storageDir, cold, { recursive: true });
    const pageCacheDropped = dropPageCache();
    start = performance.now();
    const resumed = await startPipeline(program, cold, task, log);
    const resumeMs = since(start);
    process.stderr.write(`  resume from a cold copy: ${resumeMs.toFixed(0)} ms to Running\n`);
    if (resumed.plane.circuit.stepCount !== steps)
      throw new Error(`resumed at step ${resumed.plane.circuit.stepCount}, expected ${steps}`);
    start = performance.now();
    const rows = Array.from({ length: 100 }, (_, i) => {
      const [id, customer_id, amount, status, note] = orderRow(
        (i * 7919) % workload.orders,
        workload,
        random,
      );
      return { insert: { id, customer_id, amount, status, note } };
    });
    await resumed.plane.ingest('orders', JSON.stringify(rows), {
      format: 'json',
      updateFormat: 'insert_delete',
      array: true,
    });
    await resumed.plane.waitProcessed();
    const firstStepAfterResumeMs = since(start);
    resumed.checkpointer.close();

    trace.phase('object-store');
    const pulledDir = join(task.dir, 'pulled');
    const remote = await measureRemote(
      storageDir,
      beforeLast.uuid,
      previous.uuid,
      pulledDir,
      join(task.dir, 'aws'),
    );
    process.stderr.write(`  pushed twice, pulled in ${remote.pullSeconds.toFixed(1)} s\n`);
    dropPageCache();
    start = performance.now();
    const fromRemote = await startPipeline(program, pulledDir, task, log);
    const remoteResumeMs = since(start);
    process.stderr.write(`  resume from the pull: ${remoteResumeMs.toFixed(0)} ms to Running\n`);
    if (fromRemote.plane.circuit.stepCount !== steps)
      throw new Error(
        `resumed from the pull at step ${fromRemote.plane.circuit.stepCount}, expected ${steps}`,
      );
    fromRemote.checkpointer.close();
    trace.stop();
    return {
      workload,
      loadSeconds,
      first,
      firstPlainMs,
      second,
      secondPlainMs,
      stalled,
      stalledPlainMs,
      changedOrders,
      stepP99BeforeMs: percentile(before, 99),
      stepP99DuringMs: percentile(
        inside.map((l) => l.ms),
        99,
      ),
      stepsDuring: inside.length,
      loopDelayMaxMs: delay.max / 1e6,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      roundsAddedBytes,
      roundsCaptureMaxMs,
      merges,
      resumeMs,
      firstStepAfterResumeMs,
      pageCacheDropped,
      remote,
      remoteResumeMs,
      heapBytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await rm(task.dir, { recursive: true, force: true });
  }
}
