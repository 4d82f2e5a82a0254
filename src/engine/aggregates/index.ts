/**
 * Every aggregate kernel, by id. A family lives in its own file (count.ts, sum.ts, minmax.ts,
 * ...); adding an aggregate adds one entry there. Two families defining one id is a
 * programming error, reported when this module loads.
 */
import type { AggregateFamily, AggregateKernel } from './accumulator.js';
import { ARG_EXTREME_AGGREGATES } from './arg-extreme.js';
import { BITWISE_AGGREGATES } from './bitwise.js';
import { COLLECT_AGGREGATES } from './collect.js';
import { COUNT_AGGREGATES } from './count.js';
import { LOGICAL_AGGREGATES } from './logical.js';
import { MINMAX_AGGREGATES } from './minmax.js';
import { STATISTICS_AGGREGATES } from './statistics.js';
import { SUM_AGGREGATES } from './sum.js';

const FAMILIES: Record<string, AggregateFamily> = {
  count: COUNT_AGGREGATES,
  sum: SUM_AGGREGATES,
  minmax: MINMAX_AGGREGATES,
  argExtreme: ARG_EXTREME_AGGREGATES,
  logical: LOGICAL_AGGREGATES,
  bitwise: BITWISE_AGGREGATES,
  statistics: STATISTICS_AGGREGATES,
  collect: COLLECT_AGGREGATES,
};

function merge(): ReadonlyMap<string, AggregateKernel> {
  const all = new Map<string, AggregateKernel>();
  const owner = new Map<string, string>();
  for (const [family, kernels] of Object.entries(FAMILIES))
    for (const [id, kernel] of Object.entries(kernels)) {
      if (all.has(id))
        throw new Error(`aggregate kernel '${id}' is defined by both ${owner.get(id)} and ${family}`);
      all.set(id, kernel);
      owner.set(id, family);
    }
  return all;
}

/** All aggregate kernels by id. */
export const AGGREGATE_KERNELS: ReadonlyMap<string, AggregateKernel> = merge();

export type {
  Accumulator,
  AggregateFamily,
  AggregateKernel,
  AggregateOptions,
  SortDirection,
} from './accumulator.js';
