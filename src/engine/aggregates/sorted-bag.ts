/**
 * A multiset of values kept in a caller-given order: a ValueBag (value → multiplicity) whose
 * values with a positive multiplicity are also in a SortedList, so the first and last values,
 * and an in-order walk, survive retractions without a rescan. Backs ARG_MAX/ARG_MIN, ARRAY_AGG,
 * MAP_AGG and the floating-point statistics.
 */
import { SortedList } from '../sorted-list.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import type { Value } from '../values/value.js';
import { type Counted, ValueBag } from './bag.js';

export class SortedBag {
  private readonly sorted: SortedList<Counted>;
  private readonly bag: ValueBag;

  /** `cmp` must order values that `valueKey` tells apart (two distinct values never compare 0). */
  constructor(cmp: (a: Value, b: Value) => number) {
    this.sorted = new SortedList<Counted>((a, b) => cmp(a.value, b.value));
    this.bag = new ValueBag(
      (c, undo) => {
        this.sorted.insert(c);
        undo.record(() => this.sorted.remove(c));
      },
      (c, undo) => {
        this.sorted.remove(c);
        undo.record(() => this.sorted.insert(c));
      },
    );
  }

  add(v: Value, weight: number, undo: UndoLog): void {
    this.bag.add(v, weight, undo);
  }

  /** Number of distinct values present. */
  get size(): number {
    return this.sorted.size;
  }

  first(): Counted | undefined {
    return this.sorted.first();
  }

  last(): Counted | undefined {
    return this.sorted.last();
  }

  /** The present values in order, each with its multiplicity. */
  [Symbol.iterator](): IterableIterator<Counted> {
    return this.sorted[Symbol.iterator]();
  }

  write(w: StateWriter): void {
    this.bag.write(w);
  }

  read(r: StateReader): void {
    this.bag.read(r, (c) => this.sorted.insert(c));
  }
}
