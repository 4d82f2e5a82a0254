/**
 * Metrics of a pipeline process in Feldera's two formats: Prometheus text (the default and
 * `?format=prometheus`) and Feldera's JSON (`?format=json`): an array of
 * `{key, type, description, values: [{labels, value}]}`, a histogram's value being
 * `{buckets: [{gt?, le?, count}], sum, count}` with per-bucket (not cumulative) counts and
 * empty buckets left out (Feldera's `JsonFormatter`, crates/adapters/src/server/metrics.rs).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Counts observations into fixed buckets (upper bounds, ascending; +Inf is implied). */
export class Histogram {
  private readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }

  record(value: number): void {
    let i = this.bounds.findIndex((b) => value <= b);
    if (i < 0) i = this.bounds.length;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** Per-bucket counts, the last one above every bound. */
  buckets(): Array<{ upper: number; count: number }> {
    return this.counts.map((count, i) => ({ upper: this.bounds[i] ?? Number.POSITIVE_INFINITY, count }));
  }
}

export interface Metric {
  key: string;
  type: MetricType;
  description: string;
  values: Array<{ labels: Record<string, string>; value: number | Histogram }>;
}

/** Buckets for durations in seconds and sizes in bytes or bytes per second (powers of 4). */
export const SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800];
export const BYTES_BUCKETS = Array.from({ length: 16 }, (_, i) => 1024 * 4 ** i);

const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function promNumber(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** Prometheus text exposition format, version 0.0.4. */
export function renderPrometheus(metrics: Metric[]): string {
  const lines: string[] = [];
  for (const m of metrics) {
    lines.push(`# HELP ${m.key} ${escapeHelp(m.description)}`, `# TYPE ${m.key} ${m.type}`);
    for (const { labels, value } of m.values) {
      if (typeof value === 'number') {
        lines.push(`${m.key}${labelText(labels)} ${promNumber(value)}`);
        continue;
      }
      let cumulative = 0;
      for (const b of value.buckets()) {
        cumulative += b.count;
        lines.push(`${m.key}_bucket${labelText({ ...labels, le: promNumber(b.upper) })} ${cumulative}`);
      }
      lines.push(
        `${m.key}_sum${labelText(labels)} ${value.sum}`,
        `${m.key}_count${labelText(labels)} ${value.count}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** JSON cannot hold infinities or NaN: Feldera writes them as strings. */
function jsonNumber(n: number): number | string {
  if (Number.isFinite(n)) return n;
  if (Number.isNaN(n)) return 'nan';
  return n < 0 ? '-inf' : 'inf';
}

/** Feldera's JSON metrics document. */
export function renderJson(metrics: Metric[]): unknown[] {
  return metrics.map((m) => ({
    key: m.key,
    type: m.type,
    description: m.description,
    values: m.values.map(({ labels, value }) => {
      if (typeof value === 'number') return { labels, value: jsonNumber(value) };
      const buckets: Array<Record<string, number | string>> = [];
      let previous: number | null = null;
      for (const b of value.buckets()) {
        if (b.count !== 0) {
          const bucket: Record<string, number | string> = {};
          if (previous !== null) bucket.gt = jsonNumber(previous);
          if (Number.isFinite(b.upper)) bucket.le = b.upper;
          bucket.count = b.count;
          buckets.push(bucket);
        }
        previous = b.upper;
      }
      return { labels, value: { buckets, sum: jsonNumber(value.sum), count: value.count } };
    }),
  }));
}
