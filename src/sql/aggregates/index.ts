/**
 * The aggregate library's SQL side: every family's aggregates by name, the names of Feldera's
 * aggregates that Sluice does not have yet (refused with "Not yet implemented"), and the binding
 * of one aggregate call's parts (arguments, `FILTER (WHERE ...)`, `IGNORE NULLS`, `ORDER BY`).
 * Adding an aggregate: add its binder to a family file here and its kernel to a family file in
 * engine/aggregates; nothing else changes.
 */
import type { AggregateOptions } from '../../engine/aggregates/accumulator.js';
import { typeToSql } from '../../engine/values/types.js';
import type * as ast from '../ast.js';
import { fail } from '../coercion.js';
import { andAll, type Expr } from '../plan.js';
import { ARG_EXTREME_AGGREGATES } from './arg-extreme.js';
import { BITWISE_AGGREGATES } from './bitwise.js';
import { COLLECT_AGGREGATES } from './collect.js';
import { LOGICAL_AGGREGATES } from './logical.js';
import type { AggregateBinder, AggregateFamily } from './signature.js';
import { STANDARD_AGGREGATES } from './standard.js';
import { STATISTICS_AGGREGATES } from './statistics.js';

const FAMILIES: Record<string, AggregateFamily> = {
  standard: STANDARD_AGGREGATES,
  argExtreme: ARG_EXTREME_AGGREGATES,
  logical: LOGICAL_AGGREGATES,
  bitwise: BITWISE_AGGREGATES,
  statistics: STATISTICS_AGGREGATES,
  collect: COLLECT_AGGREGATES,
};

function merge(): ReadonlyMap<string, AggregateBinder> {
  const all = new Map<string, AggregateBinder>();
  const owner = new Map<string, string>();
  for (const [family, aggregates] of Object.entries(FAMILIES))
    for (const [name, binder] of Object.entries(aggregates)) {
      if (all.has(name))
        throw new Error(`aggregate ${name} is defined by both ${owner.get(name)} and ${family}`);
      all.set(name, binder);
      owner.set(name, family);
    }
  return all;
}

/** Every implemented aggregate, by upper-case name. */
export const AGGREGATES: ReadonlyMap<string, AggregateBinder> = merge();

/**
 * The aggregate functions of Feldera's SQL reference (0.312), and the statistics and MAP_AGG
 * that Calcite's library adds (VAR_POP, VAR_SAMP, VARIANCE, MAP_AGG are not in its tables).
 */
export const FELDERA_AGGREGATES: ReadonlySet<string> = new Set(
  `ARG_MAX ARG_MIN ARRAY_AGG AVG BIT_AND BIT_OR BIT_XOR BOOL_AND BOOL_OR COUNT COUNTIF EVERY LOGICAL_AND
  LOGICAL_OR MAP_AGG MAX MIN SOME STDDEV STDDEV_POP STDDEV_SAMP SUM VAR_POP VAR_SAMP VARIANCE`.split(/\s+/),
);

/** True when `name` is an aggregate (implemented or not), so the call makes its query grouped. */
export function isAggregateName(name: string): boolean {
  return AGGREGATES.has(name) || FELDERA_AGGREGATES.has(name);
}

/** The binder of an aggregate call, or a located "Not yet implemented" for one Sluice lacks. */
export function aggregateBinder(c: Extract<ast.Expr, { kind: 'call' }>): AggregateBinder {
  const binder = AGGREGATES.get(c.name);
  if (!binder)
    return fail(c.span, `Aggregate function ${c.name} is not yet implemented`, 'Not yet implemented');
  return binder;
}

/** One aggregate call after binding: the kernel, its argument and its filter as expressions. */
export interface BoundAggregateCall {
  fn: string;
  type: ReturnType<AggregateBinder>['type'];
  distinct: boolean;
  /** The kernel's argument over the aggregated rows (null for COUNT(*)). */
  arg: Expr | null;
  /** Only rows where this is TRUE are aggregated (null: every row). */
  filter: Expr | null;
  options?: AggregateOptions;
}

/**
 * Binds an aggregate call; `bind` binds a sub-expression over the rows it aggregates, `global`
 * says whether the query has no GROUP BY.
 */
export function bindAggregateCall(
  c: Extract<ast.Expr, { kind: 'call' }>,
  bind: (e: ast.Expr) => Expr,
  global: boolean,
): BoundAggregateCall {
  const binder = aggregateBinder(c);
  if (c.star && c.name !== 'COUNT') fail(c.span, `${c.name}(*) is not allowed`);
  const args = c.star ? [] : c.args.map(bind);
  let filter: Expr | null = null;
  if (c.filter) {
    filter = bind(c.filter);
    if (filter.type.type !== 'BOOLEAN' && filter.type.type !== 'NULL')
      fail(c.filter.span, `FILTER needs a BOOLEAN condition, got ${typeToSql(filter.type)}`);
  }
  const order = (c.orderBy ?? []).map((o) => ({
    expr: bind(o.expr),
    desc: o.desc,
    // NULL is the smallest value, as in ORDER BY: first ascending, last descending.
    nullsFirst: o.nullsFirst ?? !o.desc,
  }));
  const bound = binder({
    name: c.name,
    args,
    arg: args[0] ?? null,
    distinct: c.distinct,
    span: c.span,
    global,
    filtered: filter !== null,
    ignoreNulls: c.ignoreNulls ?? false,
    order,
  });
  if (bound.filter) filter = filter ? andAll([filter, bound.filter]) : bound.filter;
  return {
    fn: bound.fn,
    type: bound.type,
    distinct: bound.distinct,
    arg: bound.arg === undefined ? (args[0] ?? null) : bound.arg,
    filter,
    ...(bound.options && Object.keys(bound.options).length > 0 ? { options: bound.options } : {}),
  };
}

export type {
  AggregateBinder,
  AggregateFamily,
  AggregateOrderKey,
  AggregateSite,
  BoundAggregate,
} from './signature.js';
