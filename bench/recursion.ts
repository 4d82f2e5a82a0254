/**
 * Recursive-view benchmark: what the fixed-point operator (src/engine/operators/fixpoint.ts,
 * design in docs/design/recursion.md) costs.
 *
 *   node --import tsx bench/recursion.ts        (or: npm run bench -- recursion)
 *
 * Environment (defaults in brackets): BENCH_ROWS [30000] length of the counting chain,
 * BENCH_UPDATES [20] timed one-edge changes per graph size.
 *
 * 1. Iterations: a view that counts from 1 to BENCH_ROWS, one new row per iteration, computed
 *    in one step: the per-iteration cost of the sub-circuit.
 * 2. A change against the size of the fixed point: the transitive closure of a path of n
 *    nodes (n²/2 rows); one edge at the end of the path is deleted and inserted again,
 *    BENCH_UPDATES times, and each step is timed. The design recomputes the whole fixed point
 *    on such a step, so the time grows with the closure, not with the one-row change.
 */
import { loadavg } from 'node:os';
import { compileProgram } from '../src/engine/index.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 30_000);
const UPDATES = Number(process.env.BENCH_UPDATES ?? 20);

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;

function instantiate(sql: string) {
  const compiled = compileProgram(sql);
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('\n'));
  return compiled.program.instantiate();
}

console.log(`load average ${loadavg()[0]!.toFixed(1)}`);

const counting = instantiate(`DECLARE RECURSIVE VIEW n (v INT NOT NULL);
CREATE VIEW n AS SELECT 1 AS v UNION SELECT v + 1 AS v FROM n WHERE v < ${ROWS};`);
let started = performance.now();
const rows = counting.step().get('n')!.length;
const elapsed = performance.now() - started;
if (rows !== ROWS) throw new Error(`counted ${rows} rows, expected ${ROWS}`);
console.log(
  `counting to ${ROWS}: ${ROWS + 1} iterations in ${elapsed.toFixed(0)} ms (${((elapsed * 1000) / (ROWS + 1)).toFixed(1)} µs per iteration)`,
);

const CLOSURE = `CREATE TABLE edges (x INT, y INT);
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x;
CREATE VIEW closure AS (SELECT * FROM edges) UNION (SELECT * FROM step);`;
console.log('| path nodes | closure rows | load step (ms) | one-edge step, median (ms) |');
console.log('| --- | --- | --- | --- |');
for (const nodes of [50, 100, 200]) {
  const circuit = instantiate(CLOSURE);
  circuit.push(
    'edges',
    Array.from({ length: nodes - 1 }, (_, i) => ({ row: [i, i + 1], weight: 1 })),
  );
  started = performance.now();
  const closureRows = circuit.step().get('closure')!.length;
  const load = performance.now() - started;
  const times: number[] = [];
  for (let u = 0; u < UPDATES; u++) {
    circuit.push('edges', [{ row: [nodes - 2, nodes - 1], weight: u % 2 === 0 ? -1 : 1 }]);
    started = performance.now();
    const changed = circuit.step().get('closure')!.length;
    times.push(performance.now() - started);
    if (changed !== nodes - 1) throw new Error(`one edge changed ${changed} rows, expected ${nodes - 1}`);
  }
  console.log(`| ${nodes} | ${closureRows} | ${load.toFixed(0)} | ${median(times).toFixed(1)} |`);
}
