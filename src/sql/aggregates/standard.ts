/**
 * COUNT, SUM, AVG, MIN, MAX (Feldera's reference, "Aggregate functions"); kernels in
 * engine/aggregates/count.ts, sum.ts and minmax.ts.
 */
import {
  type ColumnType,
  isNumericType,
  MAX_DECIMAL_PRECISION,
  typeToSql,
} from '../../engine/values/types.js';
import { fail } from '../coercion.js';
import type { AggregateBinder, AggregateFamily, AggregateSite } from './signature.js';

const BIGINT: ColumnType = { type: 'BIGINT', nullable: false };

/** The argument of a one-argument aggregate (the caller checked there is one). */
function argumentOf(site: AggregateSite): ColumnType {
  if (site.arg === null) return fail(site.span, `${site.name}(*) is not allowed`);
  return site.arg.type;
}

const count: AggregateBinder = (site) => ({
  fn: site.arg === null ? 'count_star' : 'count',
  type: BIGINT,
  distinct: site.distinct,
});

/**
 * SUM and AVG of numbers: NULL for no non-NULL input. The result has the argument's type, but
 * a SUM of DECIMAL(p, s) is DECIMAL(38, s), as Feldera widens it (5681.08 + 7689.88 in a
 * DECIMAL(6, 2) column is 13370.96, not an overflow).
 */
function sumLike(fn: 'sum' | 'avg'): AggregateBinder {
  return (site) => {
    const t = argumentOf(site);
    if (!isNumericType(t)) fail(site.span, `Cannot apply ${site.name} to ${typeToSql(t)}`);
    const nullable = site.global || t.nullable;
    const type: ColumnType =
      fn === 'sum' && t.type === 'DECIMAL'
        ? { type: 'DECIMAL', nullable, precision: MAX_DECIMAL_PRECISION, scale: t.scale ?? 0 }
        : { ...t, nullable };
    return { fn, type, distinct: site.distinct };
  };
}

/** MIN and MAX of any ordered type, intervals included (in local views); DISTINCT makes no difference. */
function extreme(fn: 'min' | 'max'): AggregateBinder {
  return (site) => {
    const t = argumentOf(site);
    if (t.type === 'NULL') fail(site.span, `Cannot apply ${site.name} to ${typeToSql(t)}`);
    return { fn, type: { ...t, nullable: site.global || t.nullable }, distinct: false };
  };
}

export const STANDARD_AGGREGATES: AggregateFamily = {
  COUNT: count,
  SUM: sumLike('sum'),
  AVG: sumLike('avg'),
  MIN: extreme('min'),
  MAX: extreme('max'),
};
