/**
 * ARG_MAX(value, compared) and ARG_MIN(value, compared). The SQL side passes the pair as one
 * argument, `ROW(value, compared)`. Every row is a candidate, a NULL `compared` included: the
 * result is the `value` of the largest (smallest) pair ordered by `compared` and then by `value`,
 * NULL the smallest in both, as Feldera orders them (its runtime_aggtest expects ARG_MAX over a
 * group whose only `compared` is NULL to be that row's value, and so ARG_MIN picks a row with a
 * NULL `compared` over any other). Ties: over (value, compared) = (5, 2), (NULL, 2), ARG_MAX is 5
 * and ARG_MIN is NULL. The pairs are a sorted multiset, so retracting the winner finds the next
 * one in O(log n).
 */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { compareValues, type Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';
import { SortedBag } from './sorted-bag.js';

class ArgExtremeAccumulator implements Accumulator {
  /** `[compared, value]` pairs, in the order of compareValues (lexicographic). */
  private readonly pairs = new SortedBag(compareValues);

  constructor(private readonly max: boolean) {}

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog): void {
    const [value, compared] = v as [Value, Value];
    this.pairs.add([compared, value], weight, undo);
  }

  result(): Value {
    const c = this.max ? this.pairs.last() : this.pairs.first();
    return c ? ((c.value as Value[])[1] as Value) : null;
  }

  write(w: StateWriter): void {
    this.pairs.write(w);
  }

  read(r: StateReader): void {
    this.pairs.read(r);
  }
}

export const ARG_EXTREME_AGGREGATES: AggregateFamily = {
  arg_max: { make: () => new ArgExtremeAccumulator(true) },
  arg_min: { make: () => new ArgExtremeAccumulator(false) },
};
