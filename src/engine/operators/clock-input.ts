/**
 * The clock input: Feldera's `now` stream. Programs that call `NOW()` read it (the planner,
 * sql/now.ts, joins it in); it holds one row, `[timestamp]`, the time of the current step.
 *
 * The circuit passes the step's time as the node's external batch (one row, weight 1, or
 * nothing when the step has no time, which keeps the clock where it was). The operator keeps
 * the current row in a trace, so the clock is part of checkpoints like any other state, and
 * emits the change: nothing when the time did not move, else the old row retracted and the
 * new one inserted. After a restore the first step's time differs from the saved one, so the
 * views that depend on `NOW()` are updated by that retraction, as after any other tick.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import { Trace } from '../trace/trace.js';
import type { Row, WeightedRow } from '../values/value.js';
import type { Batch } from '../zset.js';

const rowCodec = {
  write: (w: StateWriter, row: Row) => w.row(row),
  read: (r: StateReader) => r.row(),
};

/** The trace key of the one row. */
const KEY = '';

export class ClockInput implements StatefulOperator {
  private readonly current = new Trace<Row>({ codec: rowCodec });

  /** The clock's time (a TIMESTAMP value), or undefined before its first step. */
  get time(): bigint | undefined {
    return this.current.get(KEY)?.[0] as bigint | undefined;
  }

  step([pushed]: readonly Batch[], ctx: StepContext): Batch {
    const next = pushed?.[0]?.row;
    if (!next) return [];
    const old = this.current.get(KEY);
    if (old && old[0] === next[0]) return [];
    this.current.set(KEY, '', next, ctx.undo);
    return old
      ? [
          { row: old, weight: -1 },
          { row: next, weight: 1 },
        ]
      : [{ row: next, weight: 1 }];
  }

  traces(): Trace<unknown>[] {
    return [this.current];
  }

  /** Its output sums to the current row (each move retracts the old one). */
  keepsIntegral(): boolean {
    return true;
  }

  integral(): WeightedRow[] {
    const row = this.current.get(KEY);
    return row ? [{ row, weight: 1 }] : [];
  }
}
