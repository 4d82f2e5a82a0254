/**
 * MIN and MAX: a sorted multiset of the group's values, so retracting the current extreme
 * finds the next one in O(log n).
 */
import { SortedList } from '../sorted-list.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { compareValues, type Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';
import { type Counted, ValueBag } from './bag.js';

/** MIN / MAX over a sorted multiset of the group's values. */
class MinMaxAccumulator implements Accumulator {
  private readonly sorted = new SortedList<Counted>((a, b) => compareValues(a.value, b.value));
  private readonly bag = new ValueBag(
    (c, undo) => {
      this.sorted.insert(c);
      undo.record(() => this.sorted.remove(c));
    },
    (c, undo) => {
      this.sorted.remove(c);
      undo.record(() => this.sorted.insert(c));
    },
  );

  constructor(private readonly max: boolean) {}

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog): void {
    if (v !== null) this.bag.add(v, weight, undo);
  }

  result(): Value {
    const c = this.max ? this.sorted.last() : this.sorted.first();
    return c ? c.value : null;
  }

  write(w: StateWriter): void {
    this.bag.write(w);
  }

  read(r: StateReader): void {
    this.bag.read(r, (c) => this.sorted.insert(c));
  }
}

export const MINMAX_AGGREGATES: AggregateFamily = {
  min: { make: () => new MinMaxAccumulator(false) },
  max: { make: () => new MinMaxAccumulator(true) },
};
