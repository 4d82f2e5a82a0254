import type { Operator } from '../dataflow.js';
import type { Batch } from '../zset.js';

/** Z-set sum of its inputs (UNION ALL). Linear. */
export class Union implements Operator {
  step(inputs: readonly Batch[]): Batch {
    return inputs.flat();
  }
}
