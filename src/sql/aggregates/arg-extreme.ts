/** ARG_MAX and ARG_MIN (Feldera's reference, "Aggregate functions"); kernels in engine/aggregates/arg-extreme.ts. */

import { bindRow } from '../bind-compound.js';
import { fail } from '../coercion.js';
import { type AggregateBinder, type AggregateFamily, argumentsOf } from './signature.js';

/**
 * `ARG_MAX(value, compared)`: the kernel gets `ROW(value, compared)`; the result has the type of
 * `value` and is NULL over no rows (a row with a NULL `compared` is a candidate, see the kernel).
 * DISTINCT changes nothing.
 */
function argExtreme(fn: 'arg_max' | 'arg_min'): AggregateBinder {
  return (site) => {
    const [value, compared] = argumentsOf(site, 2);
    if (compared!.type.type === 'NULL') fail(site.span, `${site.name} cannot compare NULL values`);
    return {
      fn,
      type: { ...value!.type, nullable: true },
      distinct: false,
      arg: bindRow([value!, compared!]),
    };
  };
}

export const ARG_EXTREME_AGGREGATES: AggregateFamily = {
  ARG_MAX: argExtreme('arg_max'),
  ARG_MIN: argExtreme('arg_min'),
};
