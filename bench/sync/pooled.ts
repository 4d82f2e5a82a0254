/**
 * Pools the runs of several `bench/sync.ts` invocations (their `BENCH_SYNC_OUT` lines) into one
 * figure per step and tool: for every run, the tool's time ÷ Sluice's in that same run (the tools
 * run back to back in each run), then the median of those ratios over all runs. Its 95% interval
 * comes from a two-level bootstrap (10,000 resamples, fixed seed): invocations are drawn with
 * replacement, then runs within each drawn invocation, because runs of one invocation share its
 * conditions and are not independent of each other. Each invocation's own median of per-run
 * ratios is printed too.
 *
 *   node --import tsx bench/sync/pooled.ts runs.jsonl
 *
 * Throws unless every invocation ran the same tools, state size, cutoff and number of runs.
 */
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../prng.js';

type Step = 'start' | 'push' | 'next' | 'noop' | 'pull';
type Runs = Record<string, Record<Step, number[]>>;
interface Invocation {
  finished: string;
  load: number[];
  stateMiB: number;
  cutoffMiB: number;
  results: Runs;
}
const STEPS: Array<[Step, string]> = [
  ['push', 'push'],
  ['next', 'push after 1% change'],
  ['noop', 'push, nothing new'],
  ['pull', 'pull'],
];
const RESAMPLES = 10_000;

const file = process.argv[2];
if (!file) throw new Error('usage: pooled.ts <BENCH_SYNC_OUT file>');
const invocations = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Invocation);
const first = invocations[0];
if (!first) throw new Error(`${file} holds no invocation`);
const tools = Object.keys(first.results).sort();
const runCount = first.results.sluice?.pull.length ?? 0;
if (!tools.includes('sluice')) throw new Error('the invocations did not run Sluice');
for (const inv of invocations) {
  const same =
    Object.keys(inv.results).sort().join() === tools.join() &&
    inv.stateMiB === first.stateMiB &&
    inv.cutoffMiB === first.cutoffMiB &&
    tools.every((t) => STEPS.every(([step]) => inv.results[t]![step].length === runCount));
  if (!same)
    throw new Error(`invocation ${inv.finished} differs from ${first.finished} (tools, sizes or runs)`);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The 2.5th and 97.5th percentiles of the pooled median over two-level resamples of `groups`. */
function bootstrapMedian(groups: number[][]): [number, number] {
  const random = mulberry32(20261202);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const medians: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) {
    const pooled: number[] = [];
    for (let g = 0; g < groups.length; g++) {
      const group = pick(groups);
      for (let r = 0; r < group.length; r++) pooled.push(pick(group));
    }
    medians.push(median(pooled));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(0.025 * (RESAMPLES - 1))]!, medians[Math.ceil(0.975 * (RESAMPLES - 1))]!];
}

console.log(
  `${invocations.length} invocations of ${runCount} runs (${first.finished} to ${invocations.at(-1)!.finished}, ` +
    `${first.stateMiB} MiB of state, cutoff ${first.cutoffMiB} MiB); per run: the tool’s time ÷ Sluice’s; ` +
    'median of all runs [95% interval]; then each invocation’s median',
);
for (const other of tools.filter((t) => t !== 'sluice')) {
  const cells = STEPS.map(([step, label]) => {
    const groups = invocations.map((inv) =>
      inv.results.sluice![step].map((seconds, i) => inv.results[other]![step][i]! / seconds),
    );
    const [low, high] = bootstrapMedian(groups);
    const each = groups.map((g) => median(g).toFixed(2)).join(', ');
    return `${label}: ${median(groups.flat()).toFixed(2)}× [${low.toFixed(2)}–${high.toFixed(2)}]; ${each}`;
  });
  console.log(`${other}\n  ${cells.join('\n  ')}`);
}
