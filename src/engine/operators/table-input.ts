/**
 * The input of a table. Without a primary key its delta is the pushed Z-set as is. With a
 * primary key the table has upsert semantics: the operator keeps the current row of every key,
 * applies the pushed changes in order (an insert replaces the row with the same key, a delete
 * removes the row with that key whatever its other columns), and emits the effective delta
 * (old rows retracted, new rows inserted). That map is also the table's contents, so a
 * materialized table with a key needs no other state.
 *
 * A partial update (a row with a `patch`, Feldera's `{"update": ...}`) replaces the columns
 * it sets in the current row of its key and keeps the others; an update of a key the table
 * does not hold does nothing, as in Feldera.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import { type StateReader, type StateWriter, sortedEntries } from '../state-codec.js';
import { setRecorded } from '../undo-log.js';
import { keyOf, type Row, type WeightedRow } from '../values/value.js';
import { type Batch, consolidate, ZSetMap } from '../zset.js';

export class TableInput implements StatefulOperator {
  private readonly byKey = new Map<string, Row>();
  private readonly contents = new ZSetMap();

  constructor(
    private readonly primaryKey: readonly number[] | null,
    /** Keep the integrated contents of a key-less table (it is materialized). */
    private readonly keepContents: boolean,
  ) {}

  step([pushed]: readonly Batch[], ctx: StepContext): Batch {
    if (!this.primaryKey) {
      const delta = consolidate(pushed!);
      if (this.keepContents) this.contents.apply(delta, ctx.undo);
      return delta;
    }
    const out: Batch = [];
    for (const { row, weight, patch } of pushed!) {
      if (weight === 0) continue;
      const key = keyOf(row, this.primaryKey);
      const old = this.byKey.get(key);
      if (patch) {
        if (!old) continue;
        const updated = old.map((v, i) => (patch[i] ? row[i]! : v));
        out.push({ row: old, weight: -1 }, { row: updated, weight: 1 });
        setRecorded(this.byKey, key, updated, ctx.undo);
        continue;
      }
      if (old) out.push({ row: old, weight: -1 });
      if (weight > 0) out.push({ row, weight: 1 });
      setRecorded(this.byKey, key, weight > 0 ? row : undefined, ctx.undo);
    }
    return consolidate(out);
  }

  /** Current rows of the table (only kept for tables with a key or materialized tables). */
  snapshot(): WeightedRow[] {
    if (!this.primaryKey) return this.contents.toArray();
    return [...this.byKey.values()].map((row) => ({ row, weight: 1 }));
  }

  /** `snapshot()` in chunks of `size` rows; no step may run until the last one. */
  *snapshotChunks(size: number): Generator<WeightedRow[], void, undefined> {
    if (!this.primaryKey) {
      yield* this.contents.chunks(size);
      return;
    }
    let chunk: WeightedRow[] = [];
    for (const row of this.byKey.values()) {
      chunk.push({ row, weight: 1 });
      if (chunk.length === size) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  exportState(w: StateWriter): void {
    if (!this.primaryKey) {
      this.contents.write(w);
      return;
    }
    const entries = sortedEntries(this.byKey);
    w.u32(entries.length);
    for (const [, row] of entries) w.row(row);
  }

  importState(r: StateReader): void {
    if (!this.primaryKey) {
      this.contents.read(r);
      return;
    }
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const row = r.row();
      this.byKey.set(keyOf(row, this.primaryKey), row);
    }
  }
}
