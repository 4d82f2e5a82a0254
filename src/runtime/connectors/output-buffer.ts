/**
 * The output buffer of a connector with `enable_output_buffer` (Feldera's `OutputBufferConfig`):
 * the view's changes of many steps consolidated into one Z-set, so the transport gets fewer,
 * bigger batches. Changes to the same row add their weights; a row whose weights sum to zero
 * (an insert and a delete of it, e.g. a value that came and went between two flushes) leaves
 * the buffer and is never written. The buffer keeps rows in the order they first arrived, so
 * a flush writes them in a stable order (the encoders then put deletions first, as Feldera's).
 */
import { rowKey, type WeightedRow } from '../../engine/values/value.js';

export class OutputBuffer {
  private readonly rows = new Map<string, WeightedRow>();
  /** Steps whose changes went in since the last `take` (Feldera's `buffered_batches`). */
  batches = 0;

  /** Distinct rows of non-zero weight held (Feldera's `buffered_records`). */
  get records(): number {
    return this.rows.size;
  }

  /** Adds one step's change. */
  add(delta: readonly WeightedRow[]): void {
    this.batches++;
    for (const { row, weight } of delta) {
      const key = rowKey(row);
      const held = this.rows.get(key);
      if (!held) this.rows.set(key, { row, weight });
      else if (held.weight + weight === 0) this.rows.delete(key);
      else this.rows.set(key, { row: held.row, weight: held.weight + weight });
    }
  }

  /** Everything held, consolidated; empties the buffer. */
  take(): WeightedRow[] {
    const out = [...this.rows.values()];
    this.rows.clear();
    this.batches = 0;
    return out;
  }
}
