/**
 * The measurements, each run in a fresh process (worker.ts) so one engine's heap and JIT state
 * cannot slow down another. Every engine is driven through the same changes; SQLite, whose
 * recompute gets slow, stops timing after a time budget and applies the remaining changes
 * untimed, so its final contents (and checksum) still match the others'.
 */
import { type Batch, CUSTOMERS_PER_ORDER, Dataset, orderBatches } from './data.js';
import { DbIvmEngine } from './dbivm.js';
import { SluiceEngine } from './sluice.js';
import { SqliteEngine } from './sqlite.js';
import type { SystemName, ViewEngine } from './view-engine.js';
import type { ViewName } from './views.js';

/** Time budget for a measurement; null means time every step. */
interface Budget {
  seconds: number | null;
  minSamples: number;
}

export interface ThroughputTask {
  kind: 'throughput';
  system: SystemName;
  view: ViewName;
  seed: number;
  /** Orders loaded (untimed) before the measured stream. */
  baseRows: number;
  /** Orders inserted in the measured stream. */
  streamRows: number;
  batch: number;
  loadBatch: number;
  budget: Budget;
}

export interface LatencyTask {
  kind: 'latency';
  system: SystemName;
  view: ViewName;
  seed: number;
  /** Order counts the tables grow through; updates are measured at each. */
  sizes: number[];
  updates: number;
  /** Updates applied through `load` before the measured ones at each size (JIT warm-up). */
  warmup: number;
  loadBatch: number;
  budget: Budget;
}

export type Task = ThroughputTask | LatencyTask;

/**
 * The timed steps: wall-clock milliseconds of each, and the CPU milliseconds of the process
 * (all its threads, GC helpers included) over each, which other processes on a shared machine
 * do not inflate as much as they inflate the wall clock.
 */
export interface StepTimes {
  samples: number[];
  cpuSamples: number[];
}

export interface ThroughputResult extends StepTimes {
  checksum: number;
}

/** The measured 1-row update steps at one table size. */
export interface LatencyPoint extends StepTimes {
  orders: number;
  customers: number;
  /** Seconds spent loading this size's new rows (untimed for the update samples). */
  loadSeconds: number;
}

export interface LatencyResult {
  points: LatencyPoint[];
  checksum: number;
}

function createEngine(system: SystemName, view: ViewName): ViewEngine {
  if (system === 'sluice') return new SluiceEngine(view);
  if (system === 'db-ivm') return new DbIvmEngine(view);
  return new SqliteEngine(view);
}

/** Collects garbage left by loading, when the process runs with --expose-gc. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Applies batches; times each (ms) until the budget is spent, then loads the rest untimed. */
function timeBatches(engine: ViewEngine, batches: Iterable<Batch>, budget: Budget): StepTimes {
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  const deadline =
    budget.seconds === null ? Number.POSITIVE_INFINITY : performance.now() + budget.seconds * 1000;
  for (const batch of batches) {
    if (samples.length >= budget.minSamples && performance.now() > deadline) {
      engine.load(batch);
      continue;
    }
    const run = engine.prepare(batch);
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    run();
    const ms = performance.now() - started;
    cpuSamples.push(cpuMs(cpuStarted));
    engine.settle();
    samples.push(ms);
  }
  return { samples, cpuSamples };
}

/** Grows the tables to `orders` orders (and their customers) through `load`; returns seconds. */
function grow(engine: ViewEngine, data: Dataset, orders: number, loadBatch: number): number {
  const started = performance.now();
  engine.load(data.growCustomers(Math.ceil(orders * CUSTOMERS_PER_ORDER)));
  for (const batch of orderBatches(data, orders - data.orderCount, loadBatch)) engine.load(batch);
  return (performance.now() - started) / 1000;
}

function* updates(data: Dataset, count: number): Generator<Batch> {
  for (let i = 0; i < count; i++) yield data.updateOrder();
}

function runThroughput(task: ThroughputTask): ThroughputResult {
  const engine = createEngine(task.system, task.view);
  const data = new Dataset(task.seed);
  engine.load(data.growCustomers(Math.ceil((task.baseRows + task.streamRows) * CUSTOMERS_PER_ORDER)));
  for (const batch of orderBatches(data, task.baseRows, task.loadBatch)) engine.load(batch);
  collectGarbage();
  const times = timeBatches(engine, orderBatches(data, task.streamRows, task.batch), task.budget);
  return { ...times, checksum: engine.checksum() };
}

function runLatency(task: LatencyTask): LatencyResult {
  const engine = createEngine(task.system, task.view);
  const data = new Dataset(task.seed);
  const points: LatencyPoint[] = [];
  for (const orders of task.sizes) {
    const loadSeconds = grow(engine, data, orders, task.loadBatch);
    for (const batch of updates(data, task.warmup)) engine.load(batch);
    collectGarbage();
    const times = timeBatches(engine, updates(data, task.updates), task.budget);
    points.push({ orders, customers: Math.ceil(orders * CUSTOMERS_PER_ORDER), loadSeconds, ...times });
  }
  return { points, checksum: engine.checksum() };
}

export function runTask(task: Task): ThroughputResult | LatencyResult {
  return task.kind === 'throughput' ? runThroughput(task) : runLatency(task);
}
