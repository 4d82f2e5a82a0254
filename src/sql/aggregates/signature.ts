/**
 * The binding side of the aggregate library: for each aggregate name, the check of its
 * arguments, the kernel id the engine runs (engine/aggregates), the argument the kernel gets
 * and the result type.
 *
 * Illegal argument types are compile-time errors at the call, worded as Feldera's (Calcite's):
 * `Cannot apply 'BIT_AND' to arguments of type 'BIT_AND(<VARCHAR>)'. Supported form(s): ...`.
 */
import type { AggregateOptions } from '../../engine/aggregates/accumulator.js';
import { type ColumnType, typeToSql } from '../../engine/values/types.js';
import { fail } from '../coercion.js';
import type { Span } from '../messages.js';
import type { Expr } from '../plan.js';

/** One key of an aggregate's `ORDER BY`, bound over the rows it aggregates. */
export interface AggregateOrderKey {
  expr: Expr;
  desc: boolean;
  nullsFirst: boolean;
}

/** One aggregate call, its arguments already bound over the rows it aggregates. */
export interface AggregateSite {
  /** The name as called, upper-cased. */
  readonly name: string;
  /** The bound arguments; empty for `agg(*)`. */
  readonly args: Expr[];
  /** The first argument; null for `agg(*)`. */
  readonly arg: Expr | null;
  readonly distinct: boolean;
  readonly span: Span;
  /** True for an aggregate without GROUP BY, whose one row exists (with NULLs) before any input. */
  readonly global: boolean;
  /** True when the call has `FILTER (WHERE ...)`, so even a group's result may see no rows. */
  readonly filtered: boolean;
  /** `IGNORE NULLS` was given (`RESPECT NULLS` is the default). */
  readonly ignoreNulls: boolean;
  /** The call's `ORDER BY` keys (empty when it has none). */
  readonly order: readonly AggregateOrderKey[];
}

export interface BoundAggregate {
  /** The kernel id. */
  fn: string;
  type: ColumnType;
  /** Whether the DISTINCT wrapper applies (DISTINCT changes nothing for MIN and MAX). */
  distinct: boolean;
  /** The argument the kernel gets, when it is not the call's first argument (e.g. `ROW(v, c)`). */
  arg?: Expr | null;
  /** A condition ANDed into the call's FILTER (COUNTIF's argument). */
  filter?: Expr;
  options?: AggregateOptions;
}

export type AggregateBinder = (site: AggregateSite) => BoundAggregate;

/** A family's aggregates by upper-case SQL name. */
export type AggregateFamily = Readonly<Record<string, AggregateBinder>>;

/** The type name Calcite prints in signatures: `VARCHAR`, `DECIMAL(10, 2)`, `INTEGER ARRAY`. */
function label(t: ColumnType): string {
  return typeToSql({ ...t, nullable: true });
}

/** The located error for arguments an aggregate does not accept; `forms` lists what it does. */
export function illegalAggregateArguments(site: AggregateSite, forms: string[][]): never {
  const given = `${site.name}(${site.args.map((a) => `<${label(a.type)}>`).join(', ')})`;
  const supported = forms.map((f) => `'${site.name}(${f.map((p) => `<${p}>`).join(', ')})'`).join(', ');
  return fail(
    site.span,
    `Cannot apply '${site.name}' to arguments of type '${given}'. Supported form(s): ${supported}`,
  );
}

/** The arguments of an aggregate that takes exactly `n` of them (no `*`, no ORDER BY, no IGNORE NULLS). */
export function argumentsOf(site: AggregateSite, n: number): Expr[] {
  if (site.arg === null) return fail(site.span, `${site.name}(*) is not allowed`);
  if (site.args.length !== n)
    fail(
      site.span,
      `Invalid number of arguments to function '${site.name}'. Was expecting ${n} argument${n === 1 ? '' : 's'}`,
    );
  if (site.order.length > 0) fail(site.span, `${site.name} does not take ORDER BY`);
  if (site.ignoreNulls) fail(site.span, `${site.name} does not take IGNORE NULLS`);
  return site.args;
}

/** Whether a result that is NULL for no rows can be NULL here. */
export function mayBeEmpty(site: AggregateSite): boolean {
  return site.global || site.filtered;
}
