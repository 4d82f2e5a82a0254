/**
 * ARRAY_AGG (Feldera's reference, "Aggregate functions") and MAP_AGG; kernels, and the order of
 * ARRAY_AGG's elements, in engine/aggregates/collect.ts.
 */
import type { AggregateOptions } from '../../engine/aggregates/accumulator.js';
import { arrayOf, mapOf, typeToSql } from '../../engine/values/types.js';
import { bindRow } from '../bind-compound.js';
import { fail } from '../coercion.js';
import {
  type AggregateBinder,
  type AggregateFamily,
  type AggregateSite,
  argumentsOf,
  illegalAggregateArguments,
} from './signature.js';

const UNSUPPORTED = 'Not yet implemented';

/**
 * `ARRAY_AGG([DISTINCT] x [IGNORE NULLS] [ORDER BY k [ASC|DESC] [NULLS FIRST|LAST], ...])`: never
 * NULL (`[]` for no rows, as in Feldera). With ORDER BY the kernel gets `ROW(x, k1, ...)`.
 */
const arrayAgg: AggregateBinder = (site) => {
  const plain: AggregateSite = { ...site, order: [], ignoreNulls: false };
  const [x] = argumentsOf(plain, 1);
  if (x!.type.type === 'NULL') illegalAggregateArguments(site, [['ANY']]);
  if (site.distinct && site.order.length > 0)
    fail(site.span, 'ARRAY_AGG with both DISTINCT and ORDER BY is not supported', UNSUPPORTED);
  const options: AggregateOptions = {};
  if (site.distinct) options.distinct = true;
  if (site.ignoreNulls) options.ignoreNulls = true;
  let arg = x!;
  if (site.order.length > 0) {
    options.order = site.order.map(({ desc, nullsFirst }) => ({ desc, nullsFirst }));
    arg = bindRow([x!, ...site.order.map((k) => k.expr)]);
  }
  return { fn: 'array_agg', type: arrayOf(x!.type, false), distinct: false, arg, options };
};

/**
 * MAP_AGG(key, value): each non-NULL key with its largest value (the rule of Feldera's
 * `MAP(SELECT key, value ...)`); never NULL (`{}` for no rows). DISTINCT changes nothing.
 */
const mapAgg: AggregateBinder = (site) => {
  const [key, value] = argumentsOf(site, 2);
  if (key!.type.type === 'NULL') fail(site.span, `A MAP key cannot have type ${typeToSql(key!.type)}`);
  return {
    fn: 'map_agg',
    type: mapOf(key!.type, value!.type, false),
    distinct: false,
    arg: bindRow([key!, value!]),
  };
};

export const COLLECT_AGGREGATES: AggregateFamily = { ARRAY_AGG: arrayAgg, MAP_AGG: mapAgg };
