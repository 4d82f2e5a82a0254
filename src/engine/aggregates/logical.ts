/**
 * EVERY (BOOL_AND, LOGICAL_AND) and SOME (BOOL_OR, LOGICAL_OR): counts of the TRUE and FALSE
 * values, so a retraction subtracts. NULL values are ignored; with no TRUE or FALSE value the
 * result is NULL (Feldera's reference, "Aggregate functions": over c = 4, NULL, EVERY(c = 4) is
 * TRUE; over no rows it is NULL).
 */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import type { Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';

class LogicalAccumulator implements Accumulator {
  private trues = 0;
  private falses = 0;

  constructor(private readonly every: boolean) {}

  checkpoint(undo: UndoLog): void {
    const { trues, falses } = this;
    undo.record(() => {
      this.trues = trues;
      this.falses = falses;
    });
  }

  add(v: Value, weight: number): void {
    if (v === true) this.trues += weight;
    else if (v === false) this.falses += weight;
  }

  result(): Value {
    if (this.trues <= 0 && this.falses <= 0) return null;
    return this.every ? this.falses <= 0 : this.trues > 0;
  }

  write(w: StateWriter): void {
    w.f64(this.trues);
    w.f64(this.falses);
  }

  read(r: StateReader): void {
    this.trues = r.f64();
    this.falses = r.f64();
  }
}

export const LOGICAL_AGGREGATES: AggregateFamily = {
  every: { make: () => new LogicalAccumulator(true) },
  some: { make: () => new LogicalAccumulator(false) },
};
