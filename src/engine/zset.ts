/**
 * Z-sets: collections of rows with integer weights. A `Batch` is an unconsolidated list (the
 * same row may appear several times, weights may cancel); stateful operators and outputs
 * consolidate it first. `ZSetMap` is an integrated Z-set keyed by row.
 */
import { type StateReader, type StateWriter, sortedEntries } from './state-codec.js';
import type { UndoLog } from './undo-log.js';
import { type Row, rowKey, type WeightedRow } from './values/value.js';

export type Batch = WeightedRow[];

/**
 * Batches known to be consolidated (operators whose output is consolidated by construction mark
 * it), so that the next stateful operator does not hash every row again.
 */
const consolidatedBatches = new WeakSet<Batch>();

/** Records that `batch` has no repeated rows and no zero weights; returns it. */
export function markConsolidated(batch: Batch): Batch {
  consolidatedBatches.add(batch);
  return batch;
}

export function isConsolidated(batch: Batch): boolean {
  return consolidatedBatches.has(batch);
}

/** Merges equal rows and drops zero weights; keeps first-occurrence order. */
export function consolidate(batch: Batch): Batch {
  if (consolidatedBatches.has(batch)) return batch;
  if (batch.length <= 1) return markConsolidated(batch.length === 1 && batch[0]!.weight === 0 ? [] : batch);
  const byKey = new Map<string, WeightedRow>();
  for (const { row, weight } of batch) {
    const key = rowKey(row);
    const e = byKey.get(key);
    if (e) e.weight += weight;
    else byKey.set(key, { row, weight });
  }
  const out: Batch = [];
  for (const e of byKey.values()) if (e.weight !== 0) out.push(e);
  return markConsolidated(out);
}

/** An integrated Z-set: each distinct row with its accumulated weight (never zero). */
export class ZSetMap {
  readonly entries = new Map<string, WeightedRow>();

  /** Adds a consolidated batch, recording how to undo it. */
  apply(batch: Batch, undo: UndoLog): void {
    for (const { row, weight } of batch) this.add(rowKey(row), row, weight, undo);
  }

  add(key: string, row: Row, weight: number, undo: UndoLog): void {
    const e = this.entries.get(key);
    if (e) {
      e.weight += weight;
      if (e.weight === 0) this.entries.delete(key);
      undo.record(() => {
        if (e.weight === 0) this.entries.set(key, e);
        e.weight -= weight;
      });
    } else {
      const fresh = { row, weight };
      this.entries.set(key, fresh);
      undo.record(() => this.entries.delete(key));
    }
  }

  /** Rows with their weights (a copy). */
  toArray(): WeightedRow[] {
    return [...this.entries.values()].map((e) => ({ row: e.row, weight: e.weight }));
  }

  /** Rows with their weights (copies), `size` at a time; the map must not change meanwhile. */
  *chunks(size: number): Generator<WeightedRow[], void, undefined> {
    let chunk: WeightedRow[] = [];
    for (const e of this.entries.values()) {
      chunk.push({ row: e.row, weight: e.weight });
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Writes the entries sorted by row key, so equal contents give equal bytes. */
  write(w: StateWriter): void {
    const entries = sortedEntries(this.entries);
    w.u32(entries.length);
    for (const [, e] of entries) {
      w.row(e.row);
      w.f64(e.weight);
    }
  }

  read(r: StateReader): void {
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const row = r.row();
      this.entries.set(rowKey(row), { row, weight: r.f64() });
    }
  }
}
