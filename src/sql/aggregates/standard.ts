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
import { bindRow } from '../bind-compound.js';
import { BIGINT, BOOLEAN, call, fail, lit } from '../coercion.js';
import type { Expr } from '../plan.js';
import {
  type AggregateBinder,
  type AggregateFamily,
  argumentsOf,
  illegalAggregateArguments,
  mayBeEmpty,
} from './signature.js';

/**
 * COUNT(*), COUNT(x), and COUNT(x, y, ...), which counts the rows where every argument is
 * non-NULL (with DISTINCT: the distinct tuples of such rows), as Feldera's reference says.
 */
const count: AggregateBinder = (site) => {
  if (site.args.length <= 1) {
    if (site.arg !== null) argumentsOf(site, 1);
    return { fn: site.arg === null ? 'count_star' : 'count', type: BIGINT, distinct: site.distinct };
  }
  const tuple = bindRow(site.args);
  const anyNull = site.args
    .map((a) => call('is_null', [a], BOOLEAN))
    .reduce((acc, e) => call('or', [acc, e], BOOLEAN));
  const arg: Expr = {
    kind: 'case',
    whens: [{ when: anyNull, result: lit(null, { ...tuple.type, nullable: true }) }],
    else: tuple,
    type: { ...tuple.type, nullable: true },
  };
  return { fn: 'count', type: BIGINT, distinct: site.distinct, arg };
};

/**
 * SUM and AVG of numbers: NULL for no non-NULL input. The result has the argument's type, but
 * a SUM of DECIMAL(p, s) is DECIMAL(38, s), as Feldera widens it (5681.08 + 7689.88 in a
 * DECIMAL(6, 2) column is 13370.96, not an overflow).
 */
function sumLike(fn: 'sum' | 'avg'): AggregateBinder {
  return (site) => {
    const [x] = argumentsOf(site, 1);
    const t = x!.type;
    if (!isNumericType(t)) illegalAggregateArguments(site, [['NUMERIC']]);
    const nullable = mayBeEmpty(site) || t.nullable;
    const type: ColumnType =
      fn === 'sum' && t.type === 'DECIMAL'
        ? { type: 'DECIMAL', nullable, precision: MAX_DECIMAL_PRECISION, scale: t.scale ?? 0 }
        : { ...t, nullable };
    return { fn, type, distinct: site.distinct };
  };
}

/** MIN and MAX of any ordered type (intervals included); DISTINCT makes no difference. */
function extreme(fn: 'min' | 'max'): AggregateBinder {
  return (site) => {
    const [x] = argumentsOf(site, 1);
    const t = x!.type;
    if (t.type === 'NULL') fail(site.span, `Cannot apply ${site.name} to ${typeToSql(t)}`);
    return { fn, type: { ...t, nullable: mayBeEmpty(site) || t.nullable }, distinct: false };
  };
}

export const STANDARD_AGGREGATES: AggregateFamily = {
  COUNT: count,
  SUM: sumLike('sum'),
  AVG: sumLike('avg'),
  MIN: extreme('min'),
  MAX: extreme('max'),
};
