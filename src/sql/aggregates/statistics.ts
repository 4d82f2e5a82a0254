/**
 * STDDEV / STDDEV_SAMP, STDDEV_POP (Feldera's reference, "Aggregate functions") and VAR_SAMP /
 * VARIANCE, VAR_POP (Calcite's, computed the same way without the square root); kernels in
 * engine/aggregates/statistics.ts.
 */
import { isNumericType } from '../../engine/values/types.js';
import {
  type AggregateBinder,
  type AggregateFamily,
  argumentsOf,
  illegalAggregateArguments,
} from './signature.js';

/** The result has the argument's type (Feldera's: STDDEV of TINYINT UNSIGNED 255, 1 is 179); NULL when undefined. */
function statistic(fn: string): AggregateBinder {
  return (site) => {
    const [x] = argumentsOf(site, 1);
    if (!isNumericType(x!.type)) illegalAggregateArguments(site, [['NUMERIC']]);
    return { fn, type: { ...x!.type, nullable: true }, distinct: site.distinct };
  };
}

export const STATISTICS_AGGREGATES: AggregateFamily = {
  STDDEV: statistic('stddev_samp'),
  STDDEV_SAMP: statistic('stddev_samp'),
  STDDEV_POP: statistic('stddev_pop'),
  VARIANCE: statistic('var_samp'),
  VAR_SAMP: statistic('var_samp'),
  VAR_POP: statistic('var_pop'),
};
