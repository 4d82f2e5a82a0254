import type { Operator } from '../dataflow.js';
import type { Row } from '../values/value.js';
import { type Batch, isConsolidated, markConsolidated } from '../zset.js';

/** Keeps the rows whose predicate is TRUE. Linear: works on the delta alone. */
export class Filter implements Operator {
  constructor(private readonly predicate: (row: Row) => boolean) {}

  step([input]: readonly Batch[]): Batch {
    const out = input!.filter((e) => this.predicate(e.row));
    return isConsolidated(input!) ? markConsolidated(out) : out;
  }
}
