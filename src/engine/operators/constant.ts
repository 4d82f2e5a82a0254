import type { Operator, StepContext } from '../dataflow.js';
import type { Row } from '../values/value.js';
import type { Batch } from '../zset.js';

/**
 * A constant relation (`VALUES`, `SELECT` without FROM): its rows appear in the first step and
 * never change. Rows are computed then, so an error such as `1/0` fails that step.
 */
export class Constant implements Operator {
  constructor(private readonly rows: () => Row[]) {}

  step(_inputs: readonly Batch[], ctx: StepContext): Batch {
    return ctx.step === 1 ? this.rows().map((row) => ({ row, weight: 1 })) : [];
  }
}
