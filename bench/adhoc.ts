/**
 * Ad-hoc query benchmark: what a SELECT costs the pipeline's main thread (capturing and
 * encoding the snapshots it reads), and how long a small query takes with a cold worker
 * (started for the query) and with the warm worker kept from the previous query.
 *
 *   node --import tsx bench/adhoc.ts        (or: npm run bench -- adhoc)
 *
 * Environment (defaults in brackets): BENCH_ROWS [1000000] rows of the large table,
 * BENCH_QUERIES [20] small queries timed per worker kind.
 *
 * Under tsx a worker loads the TypeScript sources through tsx, which is slower than loading
 * the compiled JavaScript; when `npm run build` has produced dist/, the cold and warm
 * figures are also measured with the compiled service.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compileProgram } from '../src/engine/index.js';
import type { RelationSnapshot } from '../src/runtime/adhoc/snapshot-codec.js';
import { CHUNK_ROWS, encodeChunk } from '../src/runtime/adhoc/snapshot-codec.js';
import { PipelineLogger } from '../src/runtime/log.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 20);
const PROGRAM = `
CREATE TABLE big (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR, amount DECIMAL(10, 2), day DATE) WITH ('materialized' = 'true');
CREATE TABLE small (id INT NOT NULL PRIMARY KEY, name VARCHAR) WITH ('materialized' = 'true');`;

const ms = (x: number) => `${x.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function load() {
  const compiled = compileProgram(PROGRAM);
  if (!compiled.ok) throw new Error('program does not compile');
  const circuit = compiled.program.instantiate();
  for (let start = 0; start < ROWS; start += 50_000) {
    const values: string[] = [];
    for (let i = start; i < Math.min(ROWS, start + 50_000); i++)
      values.push(`(${i}, 'name ${i % 977}', ${(i % 10_000) / 100}, DATE '2024-01-01')`);
    circuit.query(`INSERT INTO big VALUES ${values.join(', ')}`);
    circuit.step();
  }
  circuit.query("INSERT INTO small VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  circuit.step();
  return circuit;
}

/** Main-thread cost of one SELECT over the large table: capture, then the chunked encoding. */
function mainThreadCost(circuit: ReturnType<typeof load>): void {
  const t0 = performance.now();
  const rows = circuit.snapshot('big');
  const capture = performance.now() - t0;
  const turns: number[] = [];
  let bytes = 0;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const t = performance.now();
    bytes += encodeChunk(rows, start, Math.min(rows.length, start + CHUNK_ROWS)).byteLength;
    turns.push(performance.now() - t);
  }
  const total = turns.reduce((a, b) => a + b, 0);
  console.log(`\nMain thread, snapshot of ${rows.length.toLocaleString()} rows (4 columns):`);
  console.log(`  capture (one turn)        ${ms(capture)}`);
  console.log(
    `  encode (${turns.length} turns of ${CHUNK_ROWS} rows)  total ${ms(total)}, median turn ${ms(median(turns))}, longest ${ms(Math.max(...turns))}, ${(bytes / 2 ** 20).toFixed(0)} MiB`,
  );
}

interface ServiceModule {
  AdHocQueries: typeof import('../src/runtime/adhoc/service.js').AdHocQueries;
}

/** Runs `SELECT COUNT(*) FROM small` QUERIES times; `cold` starts a worker for each. */
async function smallQueries(module: ServiceModule, cold: boolean): Promise<number[]> {
  const circuit = smallCircuit();
  const capture = (): RelationSnapshot[] => [{ name: 'small', rows: circuit.snapshot('small') }];
  const limits = { timeoutMs: 60_000, heapMb: 256, maxConcurrent: 1, maxQueued: 0 };
  let service = new module.AdHocQueries({ programCode: PROGRAM }, limits, new PipelineLogger());
  const times: number[] = [];
  for (let i = 0; i <= QUERIES; i++) {
    if (cold) service = new module.AdHocQueries({ programCode: PROGRAM }, limits, new PipelineLogger());
    const t = performance.now();
    const run = service.start('SELECT COUNT(*) AS n FROM small', 'json', capture);
    await run.ready;
    let text = '';
    for await (const chunk of run.output) text += chunk;
    if (!text.includes('"n":3')) throw new Error(`unexpected answer ${text}`);
    if (i > 0 || cold) times.push(performance.now() - t); // The first warm query starts the worker.
  }
  return times;
}
function smallCircuit() {
  const compiled = compileProgram(PROGRAM);
  if (!compiled.ok) throw new Error('program does not compile');
  const circuit = compiled.program.instantiate();
  circuit.query("INSERT INTO small VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  circuit.step();
  return circuit;
}

async function latencies(label: string, module: ServiceModule): Promise<void> {
  const cold = await smallQueries(module, true);
  const warm = await smallQueries(module, false);
  console.log(`  ${label.padEnd(28)} cold median ${ms(median(cold))}   warm median ${ms(median(warm))}`);
}

console.log(`ad-hoc benchmark: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`);
mainThreadCost(load());
console.log(`\nSmall query (SELECT COUNT(*) over 3 rows), ${QUERIES} queries, submit to last byte:`);
await latencies('workers from TypeScript (tsx)', await import('../src/runtime/adhoc/service.js'));
const dist = fileURLToPath(new URL('../dist/src/runtime/adhoc/service.js', import.meta.url));
if (existsSync(dist)) await latencies('workers from dist/', (await import(dist)) as ServiceModule);
else console.log('  (run `npm run build` to also measure the compiled workers)');
