/**
 * The binding side of the aggregate library: for each aggregate name, the check of its
 * argument, the kernel id the engine runs (engine/aggregates) and the result type.
 */
import type { ColumnType } from '../../engine/values/types.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';

/** One aggregate call, its argument already bound over the rows it aggregates. */
export interface AggregateSite {
  /** The name as called, upper-cased. */
  readonly name: string;
  /** The bound argument; null for `agg(*)`. */
  readonly arg: Expr | null;
  readonly distinct: boolean;
  readonly span: Span;
  /** True for an aggregate without GROUP BY, whose one row exists (with NULLs) before any input. */
  readonly global: boolean;
}

export interface BoundAggregate {
  /** The kernel id. */
  fn: string;
  type: ColumnType;
  /** Whether DISTINCT changes the result (it does not for MIN and MAX). */
  distinct: boolean;
}

export type AggregateBinder = (site: AggregateSite) => BoundAggregate;

/** A family's aggregates by upper-case SQL name. */
export type AggregateFamily = Readonly<Record<string, AggregateBinder>>;
