/**
 * Accumulators for the GROUP BY operator: the kernel of each aggregate call, from the
 * registry in engine/aggregates (one file per family), wrapped for DISTINCT when the call
 * says so. See engine/aggregates/accumulator.ts for the incremental contract.
 */
import type { AggregateCall } from '../sql/plan.js';
import { DistinctAccumulator } from './aggregates/distinct.js';
import { type Accumulator, AGGREGATE_KERNELS } from './aggregates/index.js';
import type { ColumnType } from './values/types.js';

export type { Accumulator };

/** A fresh accumulator for one aggregate call; `argType` is the type of its argument column. */
export function makeAccumulator(call: AggregateCall, argType: ColumnType | null): Accumulator {
  const kernel = AGGREGATE_KERNELS.get(call.fn);
  if (!kernel) throw new Error(`no aggregate kernel '${call.fn}'`);
  const acc = kernel.make(argType, call.type, call.options ?? {});
  return call.distinct ? new DistinctAccumulator(acc) : acc;
}
