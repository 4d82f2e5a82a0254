/**
 * Pools the runs of several `bench/sync.ts` invocations (their `BENCH_SYNC_OUT` lines) into one
 * verdict per step: for every run, the other tool's time ÷ Sluice's in that same run (the tools
 * run back to back, so the ratio cancels most of the load's drift between runs), then the median
 * of those ratios with a 95% bootstrap interval (10,000 resamples of the runs, fixed seed).
 *
 *   node --import tsx bench/sync/pooled.ts runs.jsonl
 *
 * Why: one invocation's medians of three runs moved by ±10% between invocations minutes apart
 * (bench/README.md, "Sync, tenth pass"), as much as the margins the targets are judged on.
 */
import { readFileSync } from 'node:fs';

type Step = 'start' | 'push' | 'next' | 'noop' | 'pull';
type Runs = Record<string, Record<Step, number[]>>;
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
  .map((line) => JSON.parse(line) as { finished: string; load: number[]; results: Runs });

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Mulberry32: a small seeded PRNG, so that the interval printed is the same at every call. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bootstrapMedian(xs: number[]): [number, number] {
  const random = prng(20261202);
  const medians: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) {
    medians.push(median(xs.map(() => xs[Math.floor(random() * xs.length)]!)));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(RESAMPLES * 0.025)]!, medians[Math.floor(RESAMPLES * 0.975)]!];
}

const others = Object.keys(invocations[0]?.results ?? {}).filter((t) => t !== 'sluice');
const runCount = invocations.reduce((n, inv) => n + (inv.results.sluice?.pull.length ?? 0), 0);
console.log(
  `${invocations.length} invocations, ${runCount} runs (${invocations[0]?.finished} to ${invocations.at(-1)?.finished}); ` +
    'per run: the tool’s time ÷ Sluice’s; median of the runs [95% bootstrap interval]',
);
for (const other of others) {
  const cells = STEPS.map(([step, label]) => {
    const ratios = invocations.flatMap((inv) =>
      inv.results.sluice![step].map((seconds, i) => inv.results[other]![step][i]! / seconds),
    );
    const [low, high] = bootstrapMedian(ratios);
    const perInvocation = invocations.map((inv) =>
      (median(inv.results[other]![step]) / median(inv.results.sluice![step])).toFixed(2),
    );
    return `${label}: ${median(ratios).toFixed(2)}× [${low.toFixed(2)}–${high.toFixed(2)}] (per invocation, ratio of medians: ${perInvocation.join(', ')})`;
  });
  console.log(`${other}\n  ${cells.join('\n  ')}`);
}
