/**
 * ORDER BY ... LIMIT/OFFSET maintained incrementally. All rows are kept in a sorted list
 * (ORDER BY keys, then the whole row to break ties deterministically); the output is the
 * window of slots [offset, offset + limit). A step applies its changes to the sorted list in
 * O(log n) each; if every change sorts after the last row of the current window (and the
 * window is full), the output cannot change and nothing else is done. Otherwise the window is
 * rebuilt by walking its first offset + limit slots and diffed against the previous output.
 */
import type { SortKey } from '../../sql/plan.js';
import type { StatefulOperator, StepContext } from '../dataflow.js';
import { SortedList } from '../sorted-list.js';
import { type StateReader, type StateWriter, sortedEntries } from '../state-codec.js';
import {
  compareRows,
  compareValues,
  type Row,
  rowKey,
  type Value,
  type WeightedRow,
} from '../values/value.js';
import { type Batch, consolidate, markConsolidated } from '../zset.js';

interface Ranked {
  row: Row;
  key: string;
  weight: number;
}

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
  private readonly sorted: SortedList<Ranked>;
  private readonly byKey = new Map<string, Ranked>();
  private output = new Map<string, WeightedRow>();
  /** Last row of the first offset + limit slots when they are all filled; null otherwise. */
  private boundary: Ranked | null = null;
  private readonly order: (a: Row, b: Row) => number;
  private readonly prefix: number;

  constructor(
    order: readonly SortKey[],
    limit: number | null,
    private readonly offset: number,
  ) {
    this.order = makeRowOrder(order);
    this.sorted = new SortedList<Ranked>((a, b) => this.order(a.row, b.row));
    this.prefix = limit === null ? Number.POSITIVE_INFINITY : offset + limit;
  }

  step([input]: readonly Batch[], ctx: StepContext): Batch {
    const { undo } = ctx;
    const delta = consolidate(input!);
    if (delta.length === 0 || this.prefix === this.offset) {
      this.applyAll(delta, ctx);
      return [];
    }
    const boundary = this.boundary;
    const affects = boundary === null || delta.some((d) => this.order(d.row, boundary.row) <= 0);
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

  private applyAll(delta: Batch, { undo }: StepContext): void {
    for (const { row, weight } of delta) {
      const key = rowKey(row);
      let e = this.byKey.get(key);
      if (!e) {
        e = { row, key, weight: 0 };
        this.remember(e);
      }
      const entry = e;
      entry.weight += weight;
      if (entry.weight === 0) this.forget(entry);
      undo.record(() => {
        const after = entry.weight;
        entry.weight -= weight;
        if (after === 0) this.remember(entry);
        else if (entry.weight === 0) this.forget(entry);
      });
    }
  }

  private remember(e: Ranked): void {
    this.byKey.set(e.key, e);
    this.sorted.insert(e);
  }

  private forget(e: Ranked): void {
    this.byKey.delete(e.key);
    this.sorted.remove(e);
  }

  /** Recomputes the output window and boundary by walking the first offset + limit slots. */
  private rebuildWindow(): void {
    const output = new Map<string, WeightedRow>();
    let slot = 0;
    let boundary: Ranked | null = null;
    for (const e of this.sorted) {
      if (e.weight <= 0) continue;
      const start = slot;
      slot += e.weight;
      const taken = Math.min(slot, this.prefix) - Math.max(start, this.offset);
      if (taken > 0) output.set(e.key, { row: e.row, weight: taken });
      if (slot >= this.prefix) {
        boundary = e;
        break;
      }
    }
    this.output = output;
    this.boundary = boundary;
  }

  exportState(w: StateWriter): void {
    const entries = sortedEntries(this.byKey);
    w.u32(entries.length);
    for (const [, e] of entries) {
      w.row(e.row);
      w.f64(e.weight);
    }
  }

  importState(r: StateReader): void {
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const row = r.row();
      this.remember({ row, key: rowKey(row), weight: r.f64() });
    }
    this.rebuildWindow();
  }
}
