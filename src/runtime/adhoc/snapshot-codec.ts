/**
 * Moving relation snapshots from the pipeline's main thread to a query worker.
 *
 * Values do not survive structured clone as the engine needs them (`Decimal` is a class), and
 * cloning millions of small row objects would cost the main thread more than encoding them.
 * So rows are written with the checkpoint codec (`StateWriter`: tagged values, exact
 * decimals and bigints) into chunks of `CHUNK_ROWS` rows, each in an ArrayBuffer of its own
 * that is transferred (moved, not copied) to the worker. Encoding yields to the event loop
 * after every chunk, so a large relation costs the main thread many short turns, not one
 * long stall; steps may run in between, which is safe because the snapshot is the array of
 * row references captured at one step boundary (rows are immutable once made).
 *
 * A chunk is `u32 count`, then `count` times a row followed by its weight as f64.
 */
import { StateReader, StateWriter } from '../../engine/state-codec.js';
import type { WeightedRow } from '../../engine/values/value.js';

/** Rows per chunk, one chunk per event-loop turn (a few milliseconds for typical rows). */
export const CHUNK_ROWS = 8192;

/** The rows of one relation, captured at a step boundary. */
export interface RelationSnapshot {
  name: string;
  rows: WeightedRow[];
}

/** Encodes `rows[start, end)` as one transferable chunk. */
export function encodeChunk(rows: readonly WeightedRow[], start: number, end: number): ArrayBuffer {
  const w = new StateWriter();
  w.u32(end - start);
  for (let i = start; i < end; i++) {
    const { row, weight } = rows[i]!;
    w.row(row);
    w.f64(weight);
  }
  return w.transferable();
}

/** Appends the rows of an encoded chunk to `into`. */
export function decodeChunk(chunk: ArrayBuffer, into: WeightedRow[]): void {
  const r = new StateReader(Buffer.from(chunk));
  const n = r.u32();
  for (let i = 0; i < n; i++) {
    const row = r.row();
    into.push({ row, weight: r.f64() });
  }
  if (!r.done()) throw new Error('corrupt snapshot chunk: trailing bytes');
}

/**
 * Encodes each snapshot chunk by chunk and hands every chunk to `send`, yielding to the event
 * loop in between. Stops early when `stopped()` turns true (the query was cancelled).
 */
export async function sendSnapshots(
  snapshots: readonly RelationSnapshot[],
  send: (relation: string, chunk: ArrayBuffer) => void,
  stopped: () => boolean,
): Promise<void> {
  for (const { name, rows } of snapshots)
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      if (stopped()) return;
      send(name, encodeChunk(rows, start, Math.min(rows.length, start + CHUNK_ROWS)));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
}
