/**
 * DISTINCT: keeps each row's integrated weight and emits +1 when a row's weight becomes
 * positive, -1 when it stops being positive. Work per step is one lookup per changed row.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { Trace } from '../trace/trace.js';
import { rowKey } from '../values/value.js';
import { type Batch, consolidate, markConsolidated, ZSetMap } from '../zset.js';

export class Distinct implements StatefulOperator {
  private readonly counts = new ZSetMap();

  step([input]: readonly Batch[], ctx: StepContext): Batch {
    const out: Batch = [];
    for (const { row, weight } of consolidate(input!)) {
      const key = rowKey(row);
      const before = this.counts.weightOf(key);
      this.counts.add(key, row, weight, ctx.undo);
      const after = before + weight;
      if (before <= 0 && after > 0) out.push({ row, weight: 1 });
      else if (before > 0 && after <= 0) out.push({ row, weight: -1 });
    }
    return markConsolidated(out);
  }

  traces(): Trace<unknown>[] {
    return [this.counts.trace];
  }
}
