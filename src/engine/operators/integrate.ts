import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { Trace } from '../trace/trace.js';
import type { WeightedRow } from '../values/value.js';
import { type Batch, consolidateKeyed, ZSetMap } from '../zset.js';

/**
 * Keeps the integrated contents of a materialized view (what ad-hoc queries and snapshots
 * read) and passes the consolidated delta through.
 */
export class Integrate implements StatefulOperator {
  private readonly contents = new ZSetMap();

  step([input]: readonly Batch[], ctx: StepContext): Batch {
    const { rows, keys } = consolidateKeyed(input!);
    this.contents.applyKeyed(rows, keys, ctx.undo);
    return rows;
  }

  snapshot(): WeightedRow[] {
    return this.contents.toArray();
  }

  /** `snapshot()` in chunks of `size` rows; no step may run until the last one. */
  snapshotChunks(size: number): Generator<WeightedRow[], void, undefined> {
    return this.contents.chunks(size);
  }

  traces(): Trace<unknown>[] {
    return [this.contents.trace];
  }

  /** Its contents are the integral of its output (the consolidated input passed through). */
  keepsIntegral(): boolean {
    return true;
  }

  integral(): WeightedRow[] {
    return this.snapshot();
  }
}
