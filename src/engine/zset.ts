/**
 * Z-sets: collections of rows with integer weights. A `Batch` is an unconsolidated list (the
 * same row may appear several times, weights may cancel); stateful operators and outputs
 * consolidate it first. `ZSetMap` is an integrated Z-set keyed by row, kept in a trace.
 */
import type { StateReader, StateWriter } from './state-codec.js';
import { Trace, type ValueCodec } from './trace/trace.js';
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
  const out: Batch = [];
  for (const e of sumByRowKey(batch).values()) if (e.weight !== 0) out.push(e);
  return markConsolidated(out);
}

/** The batch's weights summed per `rowKey`, in first-occurrence order (zero sums kept). */
function sumByRowKey(batch: Batch): Map<string, WeightedRow> {
  const byKey = new Map<string, WeightedRow>();
  for (const { row, weight } of batch) {
    const key = rowKey(row);
    const e = byKey.get(key);
    if (e) e.weight += weight;
    else byKey.set(key, { row, weight });
  }
  return byKey;
}

/**
 * `consolidate`, also returning the `rowKey` of each output row (same index), so that a caller
 * that keys its state by row does not compute the keys a second time.
 */
export function consolidateKeyed(batch: Batch): { rows: Batch; keys: string[] } {
  if (consolidatedBatches.has(batch)) return { rows: batch, keys: batch.map((e) => rowKey(e.row)) };
  const rows: Batch = [];
  const keys: string[] = [];
  for (const [key, e] of sumByRowKey(batch))
    if (e.weight !== 0) {
      rows.push(e);
      keys.push(key);
    }
  return { rows: markConsolidated(rows), keys };
}

/** Trace values that are a row and its weight. */
export const weightedRowCodec: ValueCodec<WeightedRow> = {
  write(w: StateWriter, v: WeightedRow): void {
    w.row(v.row);
    w.f64(v.weight);
  },
  read(r: StateReader): WeightedRow {
    return { row: r.row(), weight: r.f64() };
  },
};

function subtractWeight(e: WeightedRow, weight: number): void {
  e.weight -= weight;
}

/** An integrated Z-set: each distinct row with its accumulated weight (never zero). */
export class ZSetMap {
  readonly trace = new Trace<WeightedRow>({ codec: weightedRowCodec });

  /** Adds a consolidated batch, recording how to undo it. */
  apply(batch: Batch, undo: UndoLog): void {
    this.applyKeyed(
      batch,
      batch.map((e) => rowKey(e.row)),
      undo,
    );
  }

  /** `apply` with each row's `rowKey` already computed (`consolidateKeyed`). */
  applyKeyed(batch: Batch, keys: readonly string[], undo: UndoLog): void {
    this.trace.prefetch(keys);
    for (let i = 0; i < batch.length; i++) {
      const { row, weight } = batch[i]!;
      this.add(keys[i]!, row, weight, undo);
    }
  }

  add(key: string, row: Row, weight: number, undo: UndoLog): void {
    const e = this.trace.getMut(key, '', undo);
    if (!e) {
      this.trace.set(key, '', { row, weight }, undo);
      return;
    }
    e.weight += weight;
    undo.call(subtractWeight, e, weight, undefined);
    if (e.weight === 0) this.trace.delete(key, '', undo);
  }

  /** The weight of the row with key `key` (0 if absent). */
  weightOf(key: string): number {
    return this.trace.get(key)?.weight ?? 0;
  }

  /** Rows with their weights (copies). */
  toArray(): WeightedRow[] {
    return [...this.trace.values()].map((e) => ({ row: e.row, weight: e.weight }));
  }

  /** Rows with their weights (copies), `size` at a time; the trace must not change meanwhile. */
  *chunks(size: number): Generator<WeightedRow[], void, undefined> {
    let chunk: WeightedRow[] = [];
    for (const e of this.trace.values()) {
      chunk.push({ row: e.row, weight: e.weight });
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }
}
