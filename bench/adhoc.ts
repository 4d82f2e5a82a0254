/**
 * Ad-hoc query benchmark: what a SELECT costs the pipeline's main thread, and what the warm
 * query worker saves.
 *
 *   node --import tsx bench/adhoc.ts        (or: npm run bench -- adhoc)
 *
 * Environment (defaults in brackets): BENCH_ROWS [1000000] rows of the large table,
 * BENCH_QUERIES [20] small queries timed per worker kind.
 *
 * 1. Main thread, per SELECT over the large table, turn by turn as the data plane does it:
 *    copying its snapshot (steps wait for this part), then encoding it for the worker.
 * 2. Event-loop delay of the main thread (p50, p99, max) while the worker counts a
 *    3,000 × 3,000 cross join, against the same thread idle: what ingress and `/stats` see.
 * 3. Latency of a small query (submit to last byte) with a cold worker (started for the
 *    query) and with the warm worker kept from the previous one. Under tsx a worker loads the
 *    TypeScript sources through tsx; when `npm run build` has produced dist/, the compiled
 *    workers are measured too.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileProgram } from '../src/engine/index.js';
import { Decimal } from '../src/engine/values/decimal.js';
import type { WeightedRow } from '../src/engine/values/value.js';
import type { AdHocQueries } from '../src/runtime/adhoc/service.js';
import { CHUNK_ROWS, encodeChunk, type RelationSnapshot } from '../src/runtime/adhoc/snapshot-codec.js';
import { CAPTURE_CHUNK_ROWS } from '../src/runtime/data-plane.js';
import { PipelineLogger } from '../src/runtime/log.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20);
const PROGRAM = `
CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, amount DECIMAL(10, 2), day DATE) WITH ('materialized' = 'true');
CREATE TABLE a (x INT NOT NULL) WITH ('materialized' = 'true');
CREATE TABLE b (y INT NOT NULL) WITH ('materialized' = 'true');`;
const LIMITS = { timeoutMs: 600_000, heapMb: 512, maxConcurrent: 1, maxQueued: 0 };

const ms = (x: number) => `${x.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;

function circuitWith(bigRows: number, crossRows: number) {
  const compiled = compileProgram(PROGRAM);
  if (!compiled.ok) throw new Error('program does not compile');
  const circuit = compiled.program.instantiate();
  for (let start = 0; start < bigRows; start += 100_000) {
    const rows = [];
    for (let i = start; i < Math.min(bigRows, start + 100_000); i++)
      rows.push({
        row: [BigInt(i), `name ${i % 977}`, new Decimal(BigInt(i % 100_000), 2), 19_723],
        weight: 1,
      });
    circuit.push('big', rows);
    circuit.step();
  }
  const ints = Array.from({ length: crossRows }, (_, i) => ({ row: [i], weight: 1 }));
  circuit.push('a', ints);
  circuit.push('b', ints);
  circuit.step();
  return circuit;
}
type Circuit = ReturnType<typeof circuitWith>;

function snapshotOf(circuit: Circuit, names: string[]): () => Promise<RelationSnapshot[]> {
  return async () => names.map((name) => ({ name, rows: circuit.snapshot(name) }));
}

/** Total, median and longest of per-turn times. */
function summary(times: number[]): string {
  const total = times.reduce((p, q) => p + q, 0);
  return `${times.length} turns, total ${ms(total)}, median turn ${ms(median(times))}, longest ${ms(Math.max(...times))}`;
}

/** The main thread's work for one SELECT over `big`, turn by turn, as the data plane does it. */
function mainThreadCost(circuit: Circuit): void {
  const rows: WeightedRow[] = [];
  const capture: number[] = [];
  const chunks = circuit.snapshotChunks('big', CAPTURE_CHUNK_ROWS);
  for (;;) {
    const t = performance.now();
    const next = chunks.next();
    if (next.done) break;
    for (const row of next.value) rows.push(row);
    capture.push(performance.now() - t);
  }
  const encode: number[] = [];
  let bytes = 0;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const t = performance.now();
    bytes += encodeChunk(rows, start, Math.min(rows.length, start + CHUNK_ROWS)).byteLength;
    encode.push(performance.now() - t);
  }
  const t0 = performance.now();
  circuit.snapshot('big');
  const onePass = performance.now() - t0;
  console.log(
    `\n1. Main thread, snapshot of ${rows.length.toLocaleString()} rows (BIGINT, VARCHAR, DECIMAL, DATE):`,
  );
  console.log(`   capture (steps wait), ${CAPTURE_CHUNK_ROWS} rows a turn: ${summary(capture)}`);
  console.log(
    `   encode (steps run), ${CHUNK_ROWS} rows a turn:   ${summary(encode)}; ${(bytes / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(`   (the same capture in a single turn: ${ms(onePass)})`);
}

async function run(
  service: AdHocQueries,
  sql: string,
  capture: () => Promise<RelationSnapshot[]>,
): Promise<string> {
  const query = service.start(sql, 'json', capture);
  await query.ready;
  let text = '';
  for await (const chunk of query.output) text += chunk;
  return text;
}

async function loopDelay(module: typeof import('../src/runtime/adhoc/service.js')): Promise<void> {
  const circuit = circuitWith(0, 3000);
  const service = new module.AdHocQueries({ programCode: PROGRAM }, LIMITS, new PipelineLogger());
  await run(service, 'SELECT 1', snapshotOf(circuit, [])); // Start the worker first.
  const measure = async (work: () => Promise<unknown>) => {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t = performance.now();
    await work();
    h.disable();
    const pct = (p: number) => `${(h.percentile(p) / 1e6).toFixed(1)}`;
    return `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${(h.max / 1e6).toFixed(1)} ms over ${((performance.now() - t) / 1000).toFixed(1)} s`;
  };
  let answer = '';
  const busy = await measure(async () => {
    answer = await run(service, 'SELECT COUNT(*) AS n FROM a, b', snapshotOf(circuit, ['a', 'b']));
  });
  if (answer !== '{"n":9000000}\n') throw new Error(`unexpected answer ${answer}`);
  const idle = await measure(() => new Promise((r) => setTimeout(r, 3000)));
  console.log('\n2. Main thread event-loop delay:');
  console.log(`   while a worker counts a 3,000 × 3,000 cross join: ${busy}`);
  console.log(`   idle:                                             ${idle}`);
}

async function smallQueries(
  module: typeof import('../src/runtime/adhoc/service.js'),
  cold: boolean,
): Promise<number[]> {
  const capture = snapshotOf(circuitWith(3, 0), ['big']);
  const fresh = () => new module.AdHocQueries({ programCode: PROGRAM }, LIMITS, new PipelineLogger());
  let service = fresh();
  const times: number[] = [];
  for (let i = 0; i <= QUERIES; i++) {
    if (cold) service = fresh();
    const t = performance.now();
    const answer = await run(service, 'SELECT COUNT(*) AS n FROM big', capture);
    if (answer !== '{"n":3}\n') throw new Error(`unexpected answer ${answer}`);
    if (cold || i > 0) times.push(performance.now() - t); // The first warm query starts the worker.
  }
  return times;
}

async function latencies(label: string, module: typeof import('../src/runtime/adhoc/service.js')) {
  const cold = await smallQueries(module, true);
  const warm = await smallQueries(module, false);
  console.log(
    `   ${label.padEnd(30)} cold ${ms(median(cold)).padStart(9)}   warm ${ms(median(warm)).padStart(8)}`,
  );
}

console.log(`ad-hoc benchmark: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at start`);
const service = await import('../src/runtime/adhoc/service.js');
mainThreadCost(circuitWith(ROWS, 0));
await loopDelay(service);
console.log(`\n3. Small query (COUNT(*) over 3 rows), median of ${QUERIES}, submit to last byte:`);
await latencies('workers from TypeScript (tsx)', service);
const dist = fileURLToPath(new URL('../dist/src/runtime/adhoc/service.js', import.meta.url));
if (existsSync(dist)) await latencies('workers from dist/', await import(dist));
else console.log('   (run `npm run build` to measure the compiled workers too)');
console.log(`\nload average ${loadavg()[0]!.toFixed(2)} at the end`);
