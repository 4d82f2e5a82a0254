/**
 * Every aggregate kernel, by id. A family lives in its own file (count.ts, sum.ts, minmax.ts,
 * ...); adding an aggregate adds one entry there. Two families defining one id is a
 * programming error, reported when this module loads.
 */
import type { AggregateFamily, AggregateKernel } from './accumulator.js';
import { COUNT_AGGREGATES } from './count.js';
import { MINMAX_AGGREGATES } from './minmax.js';
import { SUM_AGGREGATES } from './sum.js';

const FAMILIES: Record<string, AggregateFamily> = {
  count: COUNT_AGGREGATES,
  sum: SUM_AGGREGATES,
  minmax: MINMAX_AGGREGATES,
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

export type { Accumulator, AggregateFamily, AggregateKernel } from './accumulator.js';
