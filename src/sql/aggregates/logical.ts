/**
 * EVERY / BOOL_AND / LOGICAL_AND, SOME / BOOL_OR / LOGICAL_OR and COUNTIF (Feldera's reference,
 * "Aggregate functions"); kernels in engine/aggregates/logical.ts and count.ts.
 */
import { BIGINT, BOOLEAN, lit } from '../coercion.js';
import type { Expr } from '../plan.js';
import {
  type AggregateBinder,
  type AggregateFamily,
  type AggregateSite,
  argumentsOf,
  illegalAggregateArguments,
} from './signature.js';

/** The one BOOLEAN argument of a logical aggregate (a NULL literal is a NULL BOOLEAN). */
function condition(site: AggregateSite): Expr {
  const [x] = argumentsOf(site, 1);
  if (x!.type.type === 'NULL') return lit(null, { ...BOOLEAN, nullable: true });
  if (x!.type.type !== 'BOOLEAN') illegalAggregateArguments(site, [['BOOLEAN']]);
  return x!;
}

/** EVERY and SOME: NULL values are ignored, NULL when no value is left; DISTINCT changes nothing. */
function logical(fn: 'every' | 'some'): AggregateBinder {
  return (site) => ({ fn, type: { ...BOOLEAN, nullable: true }, distinct: false, arg: condition(site) });
}

/**
 * COUNTIF(b) is `COUNT(*) FILTER (WHERE b)` (Feldera's reference); its DISTINCT is ignored, as
 * in Feldera, where COUNTIF(DISTINCT x > 1) counts rows, not distinct truth values.
 */
const countif: AggregateBinder = (site) => ({
  fn: 'count_star',
  type: BIGINT,
  distinct: false,
  arg: null,
  filter: condition(site),
});

export const LOGICAL_AGGREGATES: AggregateFamily = {
  EVERY: logical('every'),
  BOOL_AND: logical('every'),
  LOGICAL_AND: logical('every'),
  SOME: logical('some'),
  BOOL_OR: logical('some'),
  LOGICAL_OR: logical('some'),
  COUNTIF: countif,
};
