/** Statistics and plain-text tables for the engine benchmark's report. */

/** The q-quantile (0..1) of the samples, by the nearest-rank method. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);
export const sum = (samples: readonly number[]) => samples.reduce((a, b) => a + b, 0);

/**
 * Rows per second over consecutive windows of the step times (ms): each window's rate includes
 * its GC pauses and per-step overhead, and the median of the windows ignores a burst of load
 * from other processes.
 */
export function windowRates(stepMs: readonly number[], rowsPerStep: number, windows: number): number[] {
  const size = Math.ceil(stepMs.length / windows);
  const rates: number[] = [];
  for (let i = 0; i < stepMs.length; i += size) {
    const window = stepMs.slice(i, i + size);
    rates.push((window.length * rowsPerStep * 1000) / sum(window));
  }
  return rates;
}

export const count = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number) => (n < 10 ? n.toFixed(3) : n.toFixed(1));
export const ratio = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)}×`;

/** Prints a table: first column left-aligned, the others right-aligned. */
export function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}
