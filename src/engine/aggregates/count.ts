/** COUNT(*) and COUNT(x): a running count; a retraction subtracts its weight. */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import type { Value } from '../values/value.js';
import type { Accumulator, AggregateFamily } from './accumulator.js';

/** COUNT(*) (counts every row) or COUNT(x) (counts non-NULL values). Result BIGINT. */
class CountAccumulator implements Accumulator {
  private n = 0;

  constructor(private readonly star: boolean) {}

  checkpoint(undo: UndoLog): void {
    const n = this.n;
    undo.record(() => {
      this.n = n;
    });
  }

  add(v: Value, weight: number): void {
    if (this.star || v !== null) this.n += weight;
  }

  result(): Value {
    return BigInt(this.n);
  }

  write(w: StateWriter): void {
    w.f64(this.n);
  }

  read(r: StateReader): void {
    this.n = r.f64();
  }
}

export const COUNT_AGGREGATES: AggregateFamily = {
  count_star: { make: () => new CountAccumulator(true) },
  count: { make: () => new CountAccumulator(false) },
};
