/**
 * Box-drawn text tables (the `format=text` output of ad-hoc queries), in Arrow's pretty style.
 * Floats print as Arrow prints them through Rust's `Display`: NaN as `NaN`, the infinities as
 * `inf` and `-inf` (the same words as Feldera's CSV, see csv.ts); timestamps in Arrow's ISO
 * form with a `T` (`2024-10-22T11:12:48`, Feldera's ad-hoc query documentation).
 */
import { formatFloatText } from './csv.js';
import { formatDate, formatTime, formatTimestamp } from './datetime.js';
import { type ColumnDesc, valueToJsonText } from './json.js';
import { intervalText } from './json-compound.js';
import { isIntervalType } from './types.js';
import type { Value } from './value.js';

function cellText(col: ColumnDesc, v: Value): string {
  if (v === null) return 'NULL';
  switch (col.type.type) {
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number);
    case 'TIMESTAMP':
      return formatTimestamp(v as bigint, 'T');
    case 'CHAR':
    case 'VARCHAR':
    case 'UUID':
      return v as string;
    case 'REAL':
    case 'DOUBLE':
      return formatFloatText(col.type, v as number);
    default:
      return isIntervalType(col.type) ? intervalText(col.type, v) : valueToJsonText(col.type, v);
  }
}

/**
 * ```
 * +----+-------+
 * | id | name  |
 * +----+-------+
 * | 1  | alice |
 * +----+-------+
 * ```
 */
export function formatTextTable(columns: readonly ColumnDesc[], rows: readonly (readonly Value[])[]): string {
  const cells = rows.map((r) => columns.map((c, i) => cellText(c, r[i] as Value)));
  // A loop, not `Math.max(...cells)`: spreading 100k+ cells overflows the call stack.
  const widths = columns.map((c) => c.name.length);
  for (const r of cells) for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i]!, r[i]!.length);
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (vals: readonly string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [rule, line(columns.map((c) => c.name)), rule];
  for (const r of cells) out.push(line(r));
  if (cells.length > 0) out.push(rule);
  return `${out.join('\n')}\n`;
}
