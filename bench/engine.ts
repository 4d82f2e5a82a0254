/**
 * Engine benchmark: Sluice's incremental views against @tanstack/db-ivm (the successor of
 * @electric-sql/d2ts) and against recomputing the view in SQLite after each change.
 *
 *   node --import tsx bench/engine.ts        (or: npm run bench -- engine)
 *
 * Environment (defaults in brackets): BENCH_BASE_ROWS [100000] orders loaded before the
 * throughput runs, BENCH_STREAM_ROWS [100000] orders then inserted and timed, BENCH_BATCH [1000]
 * rows per step, BENCH_MAX_ROWS [1000000] largest table of the update-latency series (10k, 100k,
 * ... up to it), BENCH_UPDATES [200] timed 1-row updates per size, BENCH_SQLITE_SECONDS [5]
 * time budget of each SQLite measurement, BENCH_SEED [1].
 *
 * What is measured:
 * 1. Throughput (rows/s) of a filter/project view, a two-table join and a GROUP BY aggregate:
 *    with the tables preloaded, orders are inserted in steps of BENCH_BATCH rows and then of one
 *    row, and each engine brings the view up to date after every step (SQLite: a recompute).
 * 2. The time of a 1-row update step (one order moved to another customer, amount and status:
 *    one row out, one row in) on a join + GROUP BY view as the tables grow from 10 thousand to
 *    BENCH_MAX_ROWS orders (customers grow with them, one per ten orders). An incremental
 *    engine's step should cost the same at every size; the recompute grows with the tables.
 *
 * Why it is fair: every engine gets the same rows and the same changes (a seeded generator),
 * as the same Z-set deltas (Sluice's tables have no primary key, so nothing is upserted for
 * it), in the same batches, and must produce the view's output each step: the delta for the
 * incremental engines, a recomputed result table for SQLite (kept inside SQLite, its fastest
 * option; see engine/sqlite.ts). Converting a batch into each engine's input format is not
 * timed. Each measurement runs in its own process, one at a time, and the engines' final view
 * contents are checked against each other (a checksum), so no engine is timed doing less work.
 * Medians are reported because the machine may be shared with other work.
 */
import { fork } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { count, median, ms, quantile, ratio, sum, table, windowRates } from './engine/report.js';
import type { LatencyResult, LatencyTask, Task, ThroughputResult, ThroughputTask } from './engine/tasks.js';
import type { SystemName } from './engine/view-engine.js';
import { VIEW_SQL, VIEW_TITLE, type ViewName } from './engine/views.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const config = {
  seed: setting('BENCH_SEED', 1),
  baseRows: setting('BENCH_BASE_ROWS', 100_000),
  streamRows: setting('BENCH_STREAM_ROWS', 100_000),
  batch: setting('BENCH_BATCH', 1_000),
  maxRows: setting('BENCH_MAX_ROWS', 1_000_000),
  updates: setting('BENCH_UPDATES', 200),
  sqliteSeconds: setting('BENCH_SQLITE_SECONDS', 5),
  loadBatch: 10_000,
};
const WORKER = fileURLToPath(new URL('./engine/worker.ts', import.meta.url));
const THROUGHPUT_VIEWS: ViewName[] = ['shipped_orders', 'order_details', 'customer_totals'];
const LATENCY_VIEW: ViewName = 'region_totals';
const SYSTEMS: SystemName[] = ['sluice', 'db-ivm', 'sqlite'];
const SYSTEM_TITLE: Record<SystemName, string> = {
  sluice: 'Sluice',
  'db-ivm': 'db-ivm',
  sqlite: 'SQLite recompute',
};
/** SQLite's recompute gets slow: it is timed for a while, then the rest is applied untimed. */
const budgetOf = (system: SystemName) =>
  system === 'sqlite' ? { seconds: config.sqliteSeconds, minSamples: 5 } : { seconds: null, minSamples: 0 };
const started = performance.now();

/** 10k, 100k, ... up to BENCH_MAX_ROWS (which ends the series even if not a power of ten). */
function latencySizes(): number[] {
  const sizes: number[] = [];
  for (let n = 10_000; n < config.maxRows; n *= 10) sizes.push(n);
  return [...sizes, config.maxRows];
}

function progress(what: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
}

/** Runs a task in a fresh process (with --expose-gc, so loading garbage is collected first). */
function runInChild<R>(task: Task): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(task)], { execArgv: [...process.execArgv, '--expose-gc'] });
    let result: R | undefined;
    child.on('message', (m) => {
      result = m as R;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`benchmark task ${JSON.stringify(task)} failed (exit code ${code})`));
    });
  });
}

/** Fails the run if the engines disagree on the view's final contents. */
function checkSame(what: string, checksums: Array<[string, number]>): void {
  const [first, ...rest] = checksums;
  for (const [name, value] of rest)
    if (value !== first![1])
      throw new Error(
        `${what}: ${name} computed different contents (${value}) than ${first![0]} (${first![1]})`,
      );
}

interface ThroughputRun {
  system: SystemName;
  batch: number;
  result: ThroughputResult;
}

function throughputTask(view: ViewName, system: SystemName, batch: number): ThroughputTask {
  return {
    kind: 'throughput',
    system,
    view,
    seed: config.seed,
    baseRows: config.baseRows,
    streamRows: config.streamRows,
    batch,
    loadBatch: config.loadBatch,
    budget: budgetOf(system),
  };
}

/** Every engine on the view, with steps of BENCH_BATCH rows and then of a single row. */
async function measureThroughput(view: ViewName): Promise<ThroughputRun[]> {
  const runs: ThroughputRun[] = [];
  for (const batch of new Set([config.batch, 1]))
    for (const system of SYSTEMS) {
      progress(`throughput ${VIEW_TITLE[view]}, ${count(batch)} rows/step: ${SYSTEM_TITLE[system]}`);
      runs.push({
        system,
        batch,
        result: await runInChild<ThroughputResult>(throughputTask(view, system, batch)),
      });
    }
  checkSame(
    VIEW_TITLE[view],
    runs.map((r) => [`${r.system} (${r.batch} rows/step)`, r.result.checksum]),
  );
  return runs;
}

const RATE_WINDOWS = 10;
const medianRate = (run: ThroughputRun) => median(windowRates(run.result.samples, run.batch, RATE_WINDOWS));
/** Input rows per CPU second of the process over all timed steps. */
const cpuRate = (run: ThroughputRun) =>
  (run.batch * run.result.cpuSamples.length * 1000) / sum(run.result.cpuSamples);

function throughputRows(view: ViewName, runs: ThroughputRun[]): string[][] {
  return runs.map((run, i) => {
    const sluice = runs.find((r) => r.system === 'sluice' && r.batch === run.batch)!;
    return [
      i === 0 ? VIEW_TITLE[view] : '',
      run === sluice ? count(run.batch) : '',
      SYSTEM_TITLE[run.system],
      count(medianRate(run)),
      count((run.batch * run.result.samples.length * 1000) / sum(run.result.samples)),
      count(run.result.samples.length),
      run === sluice ? '' : ratio(medianRate(sluice) / medianRate(run)),
      count(cpuRate(run)),
      run === sluice ? '' : ratio(cpuRate(sluice) / cpuRate(run)),
    ];
  });
}

async function measureLatency(): Promise<Array<[SystemName, LatencyResult]>> {
  const base = {
    kind: 'latency',
    view: LATENCY_VIEW,
    seed: config.seed,
    sizes: latencySizes(),
    updates: config.updates,
    warmup: 20,
    loadBatch: config.loadBatch,
  } as const;
  const tasks: LatencyTask[] = SYSTEMS.map((system) => ({ ...base, system, budget: budgetOf(system) }));
  const results: Array<[SystemName, LatencyResult]> = [];
  for (const task of tasks) {
    progress(
      `1-row update latency: ${SYSTEM_TITLE[task.system]} (sizes ${base.sizes.map(count).join(', ')})`,
    );
    results.push([task.system, await runInChild<LatencyResult>(task)]);
  }
  checkSame(
    VIEW_TITLE[LATENCY_VIEW],
    results.map(([system, r]) => [system, r.checksum]),
  );
  return results;
}

function latencyRows(results: Array<[SystemName, LatencyResult]>): string[][] {
  const [sluice, ...others] = results.map(([, r]) => r.points);
  return sluice!.map((point, i) => {
    const sluiceMedian = median(point.samples);
    const cells = [count(point.orders), count(point.customers)];
    for (const points of [sluice!, ...others]) {
      const { samples } = points[i]!;
      cells.push(`${ms(median(samples))} / ${ms(quantile(samples, 0.95))}`, count(samples.length));
    }
    for (const points of others) cells.push(ratio(median(points[i]!.samples) / sluiceMedian));
    return cells;
  });
}

/** The median CPU time of the update step per engine and size, and the ratio to Sluice's. */
function latencyCpuRows(results: Array<[SystemName, LatencyResult]>): string[][] {
  const [sluice, ...others] = results.map(([, r]) => r.points);
  return sluice!.map((point, i) => {
    const sluiceMedian = median(point.cpuSamples);
    const medians = [sluice!, ...others].map((points) => median(points[i]!.cpuSamples));
    return [count(point.orders), ...medians.map(ms), ...medians.slice(1).map((m) => ratio(m / sluiceMedian))];
  });
}

/** How much each engine's median update step grew from the smallest to the largest tables. */
function growth(results: Array<[SystemName, LatencyResult]>): string {
  const parts = results.map(([system, { points }]) => {
    const grew = median(points.at(-1)!.samples) / median(points[0]!.samples);
    return `${SYSTEM_TITLE[system]} ${ratio(grew)}`;
  });
  const { points } = results[0]![1];
  return `median step at ${count(points.at(-1)!.orders)} ÷ at ${count(points[0]!.orders)} orders: ${parts.join(', ')}`;
}

function loadRows(results: Array<[SystemName, LatencyResult]>): string[][] {
  const series = results.map(([, r]) => r.points);
  return series[0]!.map((point, i) => {
    const added = point.orders - (series[0]![i - 1]?.orders ?? 0);
    const seconds = series.map((points) => points[i]!.loadSeconds);
    return [
      `${count(point.orders)} (+${count(added)})`,
      ...seconds.map((s) => `${s.toFixed(1)} s (${count(added / s)}/s)`),
    ];
  });
}

const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function machine(): string {
  const cpu = cpus();
  const memory = `${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  return `${cpu.length} × ${cpu[0]?.model.trim()}, ${memory}, Node ${process.version}, load average ${loadAverage()}`;
}

async function main(): Promise<void> {
  console.log(`Engine benchmark, ${new Date().toISOString()}\nmachine: ${machine()}`);
  console.log(
    `views:\n${Object.entries(VIEW_SQL)
      .map(([name, sql]) => `  ${name}: ${sql}`)
      .join('\n')}`,
  );

  const throughput: string[][] = [];
  for (const view of THROUGHPUT_VIEWS)
    throughput.push(...throughputRows(view, await measureThroughput(view)));
  table(
    `Throughput: ${count(config.baseRows)} orders preloaded, then ${count(config.streamRows)} inserted, ` +
      `the view brought up to date after every step (SQLite: timed for ${config.sqliteSeconds} s, the rest applied untimed).\n` +
      `rows/s = input rows per second: the median over ${RATE_WINDOWS} consecutive windows of the timed steps, ` +
      'and over all of them; Sluice ÷ it = ratio of the medians at the same rows/step (>1: Sluice faster); ' +
      "rows per CPU second = the same rows over the CPU time of the engine's process (all threads) during the " +
      'timed steps, which load from other processes inflates less than the wall clock, and its ratio',
    [
      'workload',
      'rows/step',
      'engine',
      'rows/s (median)',
      'rows/s (all)',
      'steps timed',
      'Sluice ÷ it',
      'rows/CPU s',
      'Sluice ÷ it (CPU)',
    ],
    throughput,
  );

  const latency = await measureLatency();
  const others = SYSTEMS.slice(1).map((system) => `${SYSTEM_TITLE[system]} ÷ Sluice`);
  table(
    `1-row update step on ${LATENCY_VIEW} (${VIEW_TITLE[LATENCY_VIEW]}): ms, median / p95 over n timed updates; ` +
      'it ÷ Sluice = ratio of medians (>1: Sluice faster)',
    ['orders', 'customers', ...SYSTEMS.flatMap((system) => [SYSTEM_TITLE[system], 'n']), ...others],
    latencyRows(latency),
  );
  table(
    `The same 1-row update steps in CPU time of the engine's process (all threads): ms, median; it ÷ Sluice (>1: Sluice uses less)`,
    ['orders', ...SYSTEMS.map((system) => SYSTEM_TITLE[system]), ...others],
    latencyCpuRows(latency),
  );
  if (latency[0]![1].points.length > 1) console.log(growth(latency));
  table(
    `Loading ${LATENCY_VIEW} to each size in steps of ${count(config.loadBatch)} orders, untimed for the table above ` +
      '(SQLite only writes the tables; it recomputes at the next update)',
    ['orders (added)', ...SYSTEMS.map((system) => SYSTEM_TITLE[system])],
    loadRows(latency),
  );
  console.log(
    `\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${loadAverage()}`,
  );
}

await main();
