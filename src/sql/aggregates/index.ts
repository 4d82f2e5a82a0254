/**
 * The aggregate library's SQL side: every family's aggregates by name, and the names of
 * Feldera's aggregates that Sluice does not have yet (refused with "Not yet implemented").
 * Adding an aggregate: add its binder to a family file here and its kernel to a family file
 * in engine/aggregates; nothing else changes.
 */
import type * as ast from '../ast.js';
import { fail } from '../coercion.js';
import type { AggregateBinder, AggregateFamily } from './signature.js';
import { STANDARD_AGGREGATES } from './standard.js';

const FAMILIES: Record<string, AggregateFamily> = { standard: STANDARD_AGGREGATES };

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

/** The aggregate functions of Feldera's SQL reference (0.312). */
export const FELDERA_AGGREGATES: ReadonlySet<string> = new Set(
  `ARG_MAX ARG_MIN ARRAY_AGG AVG BIT_AND BIT_OR BIT_XOR BOOL_AND BOOL_OR COUNT COUNTIF EVERY LOGICAL_AND
  LOGICAL_OR MAP_AGG MAX MIN SOME STDDEV STDDEV_POP STDDEV_SAMP SUM VAR_POP VAR_SAMP`.split(/\s+/),
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

export type { AggregateBinder, AggregateFamily, AggregateSite, BoundAggregate } from './signature.js';
