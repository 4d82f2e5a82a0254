/** Number formats and plain-text tables for the checkpoint benchmark's report. */

const MIB = 2 ** 20;

export const mib = (bytes: number) => (bytes / MIB).toFixed(bytes < 100 * MIB ? 1 : 0);
export const mibPerSecond = (bytes: number, seconds: number) => (bytes / MIB / seconds).toFixed(0);
export const secs = (s: number) => s.toFixed(s < 10 ? 2 : 1);
export const count = (n: number) => Math.round(n).toLocaleString('en-US');
export const ratio = (n: number) => `${n.toFixed(2)}×`;
export const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

/** Prints a table: first column left-aligned, the others right-aligned. */
export function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}
