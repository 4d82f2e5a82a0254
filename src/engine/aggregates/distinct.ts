/**
 * `agg(DISTINCT x)` for any aggregate: a count per value, forwarding to the inner accumulator
 * only a value's first arrival (+1) and last departure (-1).
 */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import type { Value } from '../values/value.js';
import type { Accumulator } from './accumulator.js';
import { ValueBag } from './bag.js';

/** `agg(DISTINCT x)`: feeds the inner accumulator each distinct non-NULL value once. */
export class DistinctAccumulator implements Accumulator {
  // The inner accumulator sees a one-column row, the distinct value: Calcite plans a DISTINCT
  // aggregate over the distinct (group key, value) rows.
  private readonly bag = new ValueBag(
    (c, undo) => this.inner.add(c.value, 1, undo, [c.value]),
    (c, undo) => this.inner.add(c.value, -1, undo, [c.value]),
  );

  constructor(private readonly inner: Accumulator) {}

  checkpoint(undo: UndoLog): void {
    this.inner.checkpoint(undo);
  }

  add(v: Value, weight: number, undo: UndoLog): void {
    if (v !== null) this.bag.add(v, weight, undo);
  }

  result(): Value {
    return this.inner.result();
  }

  write(w: StateWriter): void {
    this.bag.write(w);
    this.inner.write(w);
  }

  read(r: StateReader): void {
    // The inner accumulator's state is saved as is (a float sum depends on the order of adds).
    this.bag.read(r, () => {});
    this.inner.read(r);
  }
}
