/**
 * Decorrelation of IN / EXISTS / scalar subqueries into joins beside the query's input.
 *
 * Each subquery adds columns to the current input relation R (existing columns keep their
 * indexes) and returns the expression that reads them:
 * - EXISTS (correlated): a *mark join* of R with the distinct projection of the subquery's
 *   rows, its condition being the correlated WHERE conjuncts; the mark column is TRUE when a
 *   row of R has at least one match. The join keeps per-row match counts, so it stays
 *   incremental.
 * - EXISTS (uncorrelated): R cross-joined with the one-row relation `COUNT(*) > 0`; that row
 *   only changes when the subquery goes from empty to non-empty, so R is rarely touched.
 * - x IN (query): a mark join on `x = column`, plus, where SQL's NULL rules can make the
 *   answer NULL (x or the column nullable), the one-row relation (non-empty, has-NULL).
 * - scalar (SELECT ...): a LEFT join on no keys with the subquery's (one-row) result.
 */

import { typeToSql } from '../engine/values/types.js';
import type * as ast from './ast.js';
import { type BindContext, bindExpr, type SubqueryHost } from './bind-expr.js';
import { BIGINT, BOOLEAN as BOOL, call, coerce } from './coercion.js';
import { type Span, SqlError } from './messages.js';
import {
  type AggregateCall,
  andAll,
  type Column,
  colRef,
  columnsOf,
  conjuncts,
  type Expr,
  mapColumns,
  type Rel,
} from './plan.js';
import { type Scope, VALIDATION_ERROR } from './scope.js';
import { leastRestrictive } from './typing.js';

const UNSUPPORTED = 'Not yet implemented';

/** The FROM and WHERE of a plain subquery, bound for decorrelation. */
export interface CorrelatedSubquery {
  /** The subquery's FROM relation. */
  rel: Rel;
  /** WHERE conjuncts over the FROM row followed by the outer row. */
  predicates: Expr[];
  /** The select list (for IN), bound over the FROM row; null if it reads outer columns. */
  select: Expr[] | null;
}

/** What the subquery planner needs from the query binder. */
export interface SubqueryBinder {
  /** Binds an uncorrelated query to a relation (correlated references are reported as errors). */
  bindRelation(query: ast.Query, outer: Scope | null): Rel;
  /** Binds a plain SELECT (no grouping, DISTINCT, ORDER BY or set operation) whose WHERE may be correlated. */
  bindCorrelated(query: ast.Query, outer: Scope): CorrelatedSubquery | null;
}

/** A NOT NULL boolean operator call. */
function test(fn: 'or' | 'not' | 'gt' | 'is_null', args: Expr[]): Expr {
  return call(fn, args, BOOL);
}

/** Internal (unnamed) columns of a projection. */
function projectColumns(exprs: Expr[]): Column[] {
  return exprs.map((e, i) => ({ name: `$${i}`, type: e.type }));
}

/** Plans subqueries of one clause beside an input relation it extends in place. */
export class SubqueryPlanner implements SubqueryHost {
  constructor(
    private readonly binder: SubqueryBinder,
    /** The current input; subqueries replace it with a wider relation. */
    private readonly input: { rel: Rel },
    /** The scope of the input's columns (correlated subqueries resolve outer names here). */
    private readonly scope: Scope,
  ) {}

  private get width(): number {
    return this.input.rel.columns.length;
  }

  /** Joins `right` to the input; returns the index of the first added column. */
  private extend(joinType: 'inner' | 'left' | 'mark', right: Rel, residual: Expr | null): number {
    const left = this.input.rel;
    const added =
      joinType === 'mark'
        ? [{ name: '$mark', type: BOOL }]
        : right.columns.map((c) => ({
            ...c,
            type: joinType === 'left' ? { ...c.type, nullable: true } : c.type,
          }));
    this.input.rel = {
      kind: 'join',
      joinType,
      left,
      right,
      leftKeys: [],
      rightKeys: [],
      residual,
      columns: [...left.columns, ...added],
    };
    return left.columns.length;
  }

  /** A one-row relation of booleans computed from global counts over `rel`. */
  private flags(rel: Rel, withNullCount: boolean): Rel {
    const aggregates: AggregateCall[] = [{ fn: 'count_star', arg: null, distinct: false, type: BIGINT }];
    if (withNullCount) aggregates.push({ fn: 'count', arg: 0, distinct: false, type: BIGINT });
    const agg: Rel = {
      kind: 'aggregate',
      input: rel,
      groupKeys: [],
      aggregates,
      columns: aggregates.map((a, i) => ({ name: `$c${i}`, type: a.type })),
    };
    const zero: Expr = { kind: 'lit', value: 0n, type: BIGINT };
    const exprs = [test('gt', [colRef(0, BIGINT), zero])];
    if (withNullCount) exprs.push(test('gt', [colRef(0, BIGINT), colRef(1, BIGINT)]));
    return { kind: 'project', input: agg, exprs, columns: projectColumns(exprs) };
  }

  bindExists(query: ast.Query, _truthOnly: boolean, _span: Span): Expr {
    const correlated = this.binder.bindCorrelated(query, this.scope);
    if (correlated?.predicates.some((p) => reachesOuter(p, correlated.rel.columns.length))) {
      return colRef(this.markJoin(correlated, []), BOOL);
    }
    const rel = this.binder.bindRelation(query, this.scope);
    return colRef(this.extend('inner', this.flags(rel, false), null), BOOL);
  }

  /**
   * Mark-joins the input with the distinct projection of the subquery's FROM rows onto the
   * columns its correlated predicates (and `extraKeys`) read.
   */
  private markJoin(sub: CorrelatedSubquery, extraKeys: { outer: Expr; inner: Expr }[]): number {
    const innerWidth = sub.rel.columns.length;
    const local = sub.predicates.filter((p) => !reachesOuter(p, innerWidth));
    const correlated = sub.predicates.filter((p) => reachesOuter(p, innerWidth));
    const filtered: Rel =
      local.length === 0
        ? sub.rel
        : {
            kind: 'filter',
            input: sub.rel,
            predicate: andAll(local),
            columns: sub.rel.columns,
          };
    // Project the inner side onto the columns the join condition reads, then make it distinct:
    // a match only needs to exist, and fewer distinct rows mean less work per change.
    const innerExprs: Expr[] = extraKeys.map((k) => k.inner);
    const innerCols = new Map<number, number>();
    for (const p of correlated)
      for (const c of columnsOf(p))
        if (c < innerWidth && !innerCols.has(c)) {
          innerCols.set(c, innerExprs.length);
          innerExprs.push(colRef(c, sub.rel.columns[c]!.type));
        }
    const projected: Rel = {
      kind: 'project',
      input: filtered,
      exprs: innerExprs,
      columns: projectColumns(innerExprs),
    };
    const right: Rel = { kind: 'distinct', input: projected, columns: projected.columns };
    const outerWidth = this.width;
    // Rewrite over the join row: outer columns first (they sit after the inner row in `p`).
    const remap = (e: Expr) =>
      mapColumns(e, (index, type) =>
        colRef(index < innerWidth ? outerWidth + innerCols.get(index)! : index - innerWidth, type),
      );
    const conditions = correlated.map(remap);
    extraKeys.forEach((k, i) => {
      conditions.push({
        kind: 'call',
        fn: 'eq',
        args: [k.outer, colRef(outerWidth + i, k.inner.type)],
        type: { ...BOOL, nullable: k.outer.type.nullable || k.inner.type.nullable },
      });
    });
    const residual = conditions.length === 0 ? null : andAll(conditions);
    return this.extend('mark', right, residual);
  }

  bindIn(operand: Expr, query: ast.Query, truthOnly: boolean, span: Span): Expr {
    const correlated = this.binder.bindCorrelated(query, this.scope);
    if (correlated?.predicates.some((p) => reachesOuter(p, correlated.rel.columns.length))) {
      if (!truthOnly)
        throw new SqlError(
          span,
          UNSUPPORTED,
          'A correlated IN subquery is only supported as a condition of WHERE (not under NOT, OR or in SELECT)',
        );
      if (correlated.select?.length !== 1)
        throw new SqlError(span, VALIDATION_ERROR, 'The subquery of IN must return exactly one column');
      const [x, y] = this.unifyIn(operand, correlated.select[0]!, span);
      return colRef(this.markJoin(correlated, [{ outer: x, inner: y }]), BOOL);
    }
    const rel = this.binder.bindRelation(query, this.scope);
    if (rel.columns.length !== 1)
      throw new SqlError(span, VALIDATION_ERROR, 'The subquery of IN must return exactly one column');
    const [x, y] = this.unifyIn(operand, colRef(0, rel.columns[0]!.type), span);
    const values: Rel = { kind: 'project', input: rel, exprs: [y], columns: projectColumns([y]) };
    const distinctValues: Rel = { kind: 'distinct', input: values, columns: values.columns };
    const outerWidth = this.width;
    const residual: Expr = {
      kind: 'call',
      fn: 'eq',
      args: [x, colRef(outerWidth, y.type)],
      type: { ...BOOL, nullable: true },
    };
    const mark = colRef(this.extend('mark', distinctValues, residual), BOOL);
    if (truthOnly || (!x.type.nullable && !y.type.nullable)) return mark;
    // SQL: TRUE on a match; otherwise FALSE for an empty set, else NULL if x or any value is NULL.
    const flags = this.extend('inner', this.flags(distinctValues, true), null);
    const nonEmpty = colRef(flags, BOOL);
    const hasNull = colRef(flags + 1, BOOL);
    const nullType = { ...BOOL, nullable: true };
    return {
      kind: 'case',
      whens: [
        { when: mark, result: { kind: 'lit', value: true, type: BOOL } },
        { when: test('not', [nonEmpty]), result: { kind: 'lit', value: false, type: BOOL } },
        {
          when: test('or', [test('is_null', [x]), hasNull]),
          result: { kind: 'lit', value: null, type: nullType },
        },
      ],
      else: { kind: 'lit', value: false, type: BOOL },
      type: nullType,
    };
  }

  private unifyIn(x: Expr, y: Expr, span: Span): [Expr, Expr] {
    const t = leastRestrictive([x.type, y.type]);
    if (t === null)
      throw new SqlError(
        span,
        VALIDATION_ERROR,
        `Cannot compare ${typeToSql(x.type)} with values of type ${typeToSql(y.type)} in IN`,
      );
    return [coerce(x, { ...t, nullable: x.type.nullable }), coerce(y, { ...t, nullable: y.type.nullable })];
  }

  bindScalar(query: ast.Query, span: Span): Expr {
    const rel = this.binder.bindRelation(query, this.scope);
    if (rel.columns.length !== 1)
      throw new SqlError(span, VALIDATION_ERROR, 'A scalar subquery must return exactly one column');
    const index = this.extend('left', rel, null);
    return colRef(index, { ...rel.columns[0]!.type, nullable: true });
  }
}

/** True if `p` reads a column at or beyond `innerWidth` (an outer column). */
function reachesOuter(p: Expr, innerWidth: number): boolean {
  for (const c of columnsOf(p)) if (c >= innerWidth) return true;
  return false;
}

/** Binds the WHERE of a correlated subquery: conjuncts over the inner row then the outer row. */
export function bindCorrelatedWhere(where: ast.Expr | null, ctx: BindContext): Expr[] {
  if (!where) return [];
  return conjuncts(bindExpr(where, ctx, true));
}
