/**
 * ARG_MAX(value, compared) and ARG_MIN(value, compared). The SQL side passes the pair as one
 * argument, `ROW(value, compared)`. A row whose `compared` is NULL is never preferred: it wins
 * only when every candidate's `compared` is NULL, and then its `value` is the result. So, as in
 * Feldera's runtime_aggtest (ARG_MIN and ARG_MAX files of every type), over (x, k) = (1, NULL),
 * (2, 5), (3, 7), ARG_MIN(x, k) is 2 and ARG_MAX(x, k) is 3; over (1, NULL) alone both are 1.
 * Both orders put NULL `compared` at the losing end: ARG_MAX keeps NULL smallest (the
 * lexicographic order of compareValues), ARG_MIN orders a NULL `compared` after every other.
 * Ties on `compared` go by `value`, NULL the smallest: over (value, compared) = (5, 2),
 * (NULL, 2), ARG_MAX is 5 and ARG_MIN is NULL. The pairs are a sorted multiset, so retracting
 * the winner finds the next one in O(log n).
 */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { compareValues, type Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';
import { SortedBag } from './sorted-bag.js';

/** ARG_MIN's order of `[compared, value]` pairs: `compared` with NULL last, then `value`. */
function compareForMin(a: Value, b: Value): number {
  const [ka, va] = a as [Value, Value];
  const [kb, vb] = b as [Value, Value];
  if (ka === null || kb === null) {
    if (ka !== kb) return ka === null ? 1 : -1;
  } else {
    const c = compareValues(ka, kb);
    if (c !== 0) return c;
  }
  return compareValues(va, vb);
}

class ArgExtremeAccumulator implements Accumulator {
  /**
   * `[compared, value]` pairs: lexicographic (NULL smallest) for ARG_MAX, which takes the last;
   * compareForMin for ARG_MIN, which takes the first. Either way a NULL `compared` loses.
   */
  private readonly pairs: SortedBag;

  constructor(private readonly max: boolean) {
    this.pairs = new SortedBag(max ? compareValues : compareForMin);
  }

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
