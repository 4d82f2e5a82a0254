/**
 * ORDER BY ... LIMIT/OFFSET maintained incrementally. All rows are kept in an ordered trace
 * keyed by an order-preserving encoding of the ORDER BY keys followed by the whole row
 * (trace/order-key.ts: ties are broken by the full row, deterministically); the output is the
 * window of slots [offset, offset + limit). A step applies its changes in O(log n) each; if
 * every change sorts after the last row of the current window (and the window is full), the
 * output cannot change and nothing else is done. Otherwise the window is rebuilt by walking
 * the trace's first offset + limit slots in key order and diffed against the previous output.
 */
import type { SortKey } from '../../sql/plan.js';
import type { StatefulOperator, StepContext } from '../dataflow.js';
import { rowOrderKey } from '../trace/order-key.js';
import { Trace } from '../trace/trace.js';
import { compareRows, compareValues, type Row, type Value, type WeightedRow } from '../values/value.js';
import { type Batch, consolidate, markConsolidated, weightedRowCodec } from '../zset.js';

/** Comparator of rows by ORDER BY keys, ties broken by the full row. */
export function makeRowOrder(order: readonly SortKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const k of order) {
      const x = a[k.index] as Value;
      const y = b[k.index] as Value;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.desc ? -c : c;
    }
    return compareRows(a, b);
  };
}

export class TopK implements StatefulOperator {
  private readonly rows = new Trace<WeightedRow>({ codec: weightedRowCodec, ordered: true });
  /** The current window by order key. */
  private output = new Map<string, WeightedRow>();
  /** Order key of the last row of the first offset + limit slots when they are all filled. */
  private boundary: string | null = null;
  private readonly prefix: number;

  constructor(
    private readonly order: readonly SortKey[],
    limit: number | null,
    private readonly offset: number,
  ) {
    this.prefix = limit === null ? Number.POSITIVE_INFINITY : offset + limit;
  }

  step([input]: readonly Batch[], ctx: StepContext): Batch {
    const { undo } = ctx;
    const delta = consolidate(input!).map(({ row, weight }) => ({
      row,
      weight,
      key: rowOrderKey(row, this.order),
    }));
    if (delta.length === 0 || this.prefix === this.offset) {
      this.applyAll(delta, ctx);
      return [];
    }
    const boundary = this.boundary;
    const affects = boundary === null || delta.some((d) => d.key <= boundary);
    this.applyAll(delta, ctx);
    if (!affects) return [];
    const previous = this.output;
    const previousBoundary = this.boundary;
    this.rebuildWindow();
    undo.record(() => {
      this.output = previous;
      this.boundary = previousBoundary;
    });
    const out: Batch = [];
    for (const [key, e] of this.output) {
      const diff = e.weight - (previous.get(key)?.weight ?? 0);
      if (diff !== 0) out.push({ row: e.row, weight: diff });
    }
    for (const [key, e] of previous) if (!this.output.has(key)) out.push({ row: e.row, weight: -e.weight });
    return markConsolidated(out);
  }

  private applyAll(delta: Array<WeightedRow & { key: string }>, { undo }: StepContext): void {
    for (const { row, weight, key } of delta) {
      const e = this.rows.getMut(key, '', undo);
      if (!e) {
        this.rows.set(key, '', { row, weight }, undo);
        continue;
      }
      e.weight += weight;
      undo.record(() => {
        e.weight -= weight;
      });
      if (e.weight === 0) this.rows.delete(key, '', undo);
    }
  }

  /** Recomputes the output window and boundary by walking the first offset + limit slots. */
  private rebuildWindow(): void {
    const output = new Map<string, WeightedRow>();
    let slot = 0;
    let boundary: string | null = null;
    for (const [key, e] of this.rows.ordered()) {
      if (e.weight <= 0) continue;
      const start = slot;
      slot += e.weight;
      const taken = Math.min(slot, this.prefix) - Math.max(start, this.offset);
      if (taken > 0) output.set(key, { row: e.row, weight: taken });
      if (slot >= this.prefix) {
        boundary = key;
        break;
      }
    }
    this.output = output;
    this.boundary = boundary;
  }

  traces(): Trace<unknown>[] {
    return [this.rows];
  }

  restored(): void {
    this.rebuildWindow();
  }
}
