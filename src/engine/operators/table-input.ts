/**
 * The input of a table. Without a primary key its delta is the pushed Z-set as is. With a
 * primary key the table has upsert semantics: the operator keeps the current row of every key,
 * applies the pushed changes in order (an insert replaces the row with the same key, a delete
 * removes the row with that key whatever its other columns), and emits the effective delta
 * (old rows retracted, new rows inserted). That trace is also the table's contents, so a
 * materialized table with a key needs no other state.
 *
 * A partial update (a row with a `patch`, Feldera's `{"update": ...}`) replaces the columns
 * it sets in the current row of its key and keeps the others; an update of a key the table
 * does not hold does nothing, as in Feldera.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import { Trace } from '../trace/trace.js';
import { keyOf, type Row, rowKey, type WeightedRow } from '../values/value.js';
import { type Batch, consolidate, consolidateKeyed, markConsolidated, ZSetMap } from '../zset.js';

const rowCodec = {
  write: (w: StateWriter, row: Row) => w.row(row),
  read: (r: StateReader) => r.row(),
};

export class TableInput implements StatefulOperator {
  private readonly byKey = new Trace<Row>({ codec: rowCodec });
  private readonly contents = new ZSetMap();

  constructor(
    private readonly primaryKey: readonly number[] | null,
    /** Keep the integrated contents of a key-less table (it is materialized). */
    private readonly keepContents: boolean,
  ) {}

  step([pushed]: readonly Batch[], ctx: StepContext): Batch {
    if (!this.primaryKey) {
      if (!this.keepContents) return consolidate(pushed!);
      const { rows, keys } = consolidateKeyed(pushed!);
      this.contents.applyKeyed(rows, keys, ctx.undo);
      return rows;
    }
    const out: Batch = [];
    // When no key repeats within the step, the only rows `out` can repeat are a key's old row
    // retracted and the same row inserted again (rows of different keys differ), which are left
    // out here; `out` is then consolidated without hashing every row (a bulk load's steps).
    const seen = new Set<string>();
    let distinct = true;
    const primaryKey = this.primaryKey;
    // Every key the step reads, looked up below the head in one pass (Trace.prefetch).
    const keys: string[] = new Array(pushed!.length);
    const lookups: string[] = [];
    for (let i = 0; i < pushed!.length; i++) {
      const { row, weight } = pushed![i]!;
      if (weight === 0) continue;
      keys[i] = keyOf(row, primaryKey);
      lookups.push(keys[i]!);
    }
    this.byKey.prefetch(lookups);
    for (let i = 0; i < pushed!.length; i++) {
      const { row, weight, patch } = pushed![i]!;
      if (weight === 0) continue;
      const key = keys[i]!;
      if (distinct) {
        if (seen.has(key)) distinct = false;
        else seen.add(key);
      }
      const old = this.byKey.get(key);
      if (patch) {
        if (!old) continue;
        const updated = old.map((v, i) => (patch[i] ? row[i]! : v));
        out.push({ row: old, weight: -1 }, { row: updated, weight: 1 });
        this.byKey.set(key, '', updated, ctx.undo);
        continue;
      }
      if (old) out.push({ row: old, weight: -1 });
      if (weight > 0) this.byKey.set(key, '', row, ctx.undo);
      else if (old) this.byKey.delete(key, '', ctx.undo);
      if (weight > 0) out.push({ row, weight: 1 });
    }
    return distinct ? markConsolidated(dropUnchanged(out)) : consolidate(out);
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

  traces(): Trace<unknown>[] {
    return this.primaryKey ? [this.byKey] : [this.contents.trace];
  }

  /** The table's contents are its output's integral; kept with a key or when materialized. */
  keepsIntegral(): boolean {
    return this.primaryKey !== null || this.keepContents;
  }

  integral(): WeightedRow[] {
    return this.snapshot();
  }
}

/**
 * `out` of a step whose keys are distinct, without each retraction that is immediately
 * followed by the insertion of an equal row (an upsert or a partial update that changed
 * nothing). Other rows are all distinct: they belong to different keys.
 */
function dropUnchanged(out: Batch): Batch {
  const kept: Batch = [];
  for (let i = 0; i < out.length; i++) {
    const e = out[i]!;
    const next = out[i + 1];
    if (e.weight === -1 && next !== undefined && next.weight === 1 && rowKey(e.row) === rowKey(next.row)) {
      i++;
      continue;
    }
    kept.push(e);
  }
  return kept;
}
