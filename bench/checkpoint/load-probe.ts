/**
 * The checkpoint benchmark's bulk load alone, for profiling it (`node --cpu-prof`) and for
 * before/after comparisons of the engine's per-row cost: loads `BENCH_SIZES_MB` (default 30)
 * MiB of the benchmark's program with storage attached and `BENCH_MEMORY_MB` as
 * `resources.memory_mb_max`, waits for the storage work to settle, takes one checkpoint, and
 * prints one JSON line: rows, load seconds, CPU µs per row (process CPU, every thread: the merge
 * worker and the garbage collector's helpers included; at the end of the load, and once the
 * background work has settled), the checkpoint's MiB, peak RSS and the load average.
 * Run it as bench/checkpoint.ts runs a size: with the heap limit the runner would give the
 * pipeline (`pipelineNodeFlags` of src/types/runtime.ts: `--max-old-space-size` = 0.6 ×
 * BENCH_MEMORY_MB and `--max-semi-space-size=8`) and its malloc settings in the environment
 * (`pipelineMallocEnv`: `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
 * MALLOC_TRIM_THRESHOLD_=131072`; glibc reads them at start, so they cannot be set from here).
 * `BENCH_MEMORY_TRACE=<ms>` adds memory samples by phase on stderr (memory-trace.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchLog, compile, settled, startPipeline } from './measure.js';
import { memoryTrace } from './memory-trace.js';
import { bulkLoad, seededRandom, workloadFor } from './workload.js';

const mib = Number(process.env.BENCH_SIZES_MB ?? 30);
const memoryMb = process.env.BENCH_MEMORY_MB ? Number(process.env.BENCH_MEMORY_MB) : null;
const dir = mkdtempSync(join(tmpdir(), 'load-probe-'));
const task = {
  targetMiB: mib,
  dir,
  seed: 1,
  batch: Number(process.env.BENCH_BATCH ?? 20000),
  changePercent: 1,
  rounds: 0,
  memoryMb,
};
const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system;
const trace = memoryTrace();
try {
  const p = await startPipeline(compile(), join(dir, 'storage'), task, new BenchLog());
  trace.phase('load');
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const rows = await bulkLoad(p.plane.circuit, workloadFor(mib), task.batch, seededRandom(task.seed));
  const loadSeconds = (performance.now() - start) / 1000;
  const loaded = process.cpuUsage(cpu0);
  trace.phase('settle');
  await settled(p.checkpointer);
  const settledCpu = process.cpuUsage(cpu0);
  trace.phase('checkpoint');
  const manifest = await p.checkpointer.request('load-probe').done;
  console.log(
    JSON.stringify({
      rows,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      cpuUsPerRow: Number((cpuUs(loaded) / rows).toFixed(1)),
      cpuUsPerRowSettled: Number((cpuUs(settledCpu) / rows).toFixed(1)),
      stateMiB: Number((manifest.size / 2 ** 20).toFixed(1)),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      loadAverage: Number(loadavg()[0]!.toFixed(1)),
    }),
  );
  p.checkpointer.close();
} finally {
  trace.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
