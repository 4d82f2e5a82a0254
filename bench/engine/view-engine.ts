/**
 * What the benchmark asks of each engine: take a batch of table changes and bring one view up to
 * date. Converting the batch into the engine's own input format is not timed (`prepare`); the
 * returned function, which hands the input to the engine and gets the view's output, is.
 */
import type { Batch } from './data.js';

export interface ViewEngine {
  /** Converts a batch into the engine's input (untimed); calling the result is the timed work. */
  prepare(batch: Batch): () => void;
  /** Applies a batch outside any measurement. SQLite only writes the tables; it recomputes later. */
  load(batch: Batch): void;
  /** Folds the output of the last step into the running checksum (untimed). */
  settle(): void;
  /** Checksum of the view's current contents, to check that all engines computed the same view. */
  checksum(): number;
}

export type SystemName = 'sluice' | 'db-ivm' | 'sqlite';

function valueHash(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    let h = 0;
    for (let i = 0; i < v.length; i++) h += (i + 1) * v.charCodeAt(i);
    return h;
  }
  throw new Error(`unexpected value ${String(v)} in a view row`);
}

/** A row's contribution to a checksum; linear in weights, so summed deltas equal summed contents. */
export function rowHash(row: readonly unknown[]): number {
  let h = 0;
  for (let i = 0; i < row.length; i++) h += (i + 1) * valueHash(row[i]);
  return h;
}
