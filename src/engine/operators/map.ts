import type { Operator } from '../dataflow.js';
import type { Evaluator } from '../expr/compile.js';
import type { Row } from '../values/value.js';
import type { Batch } from '../zset.js';

/** Computes each output row from an input row (SQL projection). Linear. */
export class MapRows implements Operator {
  constructor(private readonly columns: readonly Evaluator[]) {}

  step([input]: readonly Batch[]): Batch {
    const cols = this.columns;
    return input!.map(({ row, weight }) => {
      const out: Row = new Array(cols.length);
      for (let i = 0; i < cols.length; i++) out[i] = cols[i]!(row);
      return { row: out, weight };
    });
  }
}
