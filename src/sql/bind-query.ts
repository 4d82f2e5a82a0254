/**
 * Query binding: turns a parsed query into a logical plan (`Rel`), resolving names through a
 * `RelationSource` and type-checking every expression.
 *
 * A SELECT becomes, bottom up: FROM (scans, joins with their ON condition as a residual, cross
 * joins for commas) → subquery joins for IN/EXISTS → WHERE filter → [pre-projection of group
 * keys and aggregate arguments → aggregate (with GROUPING SETS, ROLLUP or CUBE: one per
 * grouping set, united; grouping-sets.ts) → HAVING filter] → projection → DISTINCT → top-k.
 * The optimizer (optimize.ts) later turns WHERE/ON equalities into join keys.
 *
 * `WITH` items are bound once, in order, each seeing the ones before it, and pushed as a frame
 * on a stack that FROM names consult before the catalog (so an item shadows a table, and an
 * inner WITH an outer one). Every reference shares the item's plan: a plan is a tree of
 * immutable nodes, so reading it twice only builds its operators twice, as Calcite inlines a
 * CTE at each use.
 */
import { type ColumnType, typeToSql } from '../engine/values/types.js';
import { bindAggregateCall } from './aggregates/index.js';
import type * as ast from './ast.js';
import { type AggregateHost, type BindContext, bindExpr, containsAggregate } from './bind-expr.js';
import { NO_USER_TYPES, type UserTypes } from './catalog.js';
import { coerce } from './coercion.js';
import {
  expandGroupingSets,
  type GroupingSet,
  groupedKeyType,
  groupingExpr,
  groupingSetsPlan,
} from './grouping-sets.js';
import { type Span, SqlError } from './messages.js';
import {
  type AggregateCall,
  type Column,
  colRef,
  columnsOf,
  type Expr,
  exprEquals,
  type Rel,
  type SortKey,
  type UnnestExpansion,
} from './plan.js';
import { Scope, type ScopeColumn, VALIDATION_ERROR } from './scope.js';
import {
  bindCorrelatedWhere,
  type CorrelatedSubquery,
  type SubqueryBinder,
  SubqueryPlanner,
} from './subquery.js';
import { leastRestrictive } from './typing.js';

const _BIGINT: ColumnType = { type: 'BIGINT', nullable: false };

/** Where FROM names come from: the program's catalog, or the materialized relations for ad-hoc queries. */
export interface RelationSource {
  /** The canonical name and columns of a relation; throws `SqlError` if it cannot be read. */
  resolve(name: ast.Ident): { name: string; columns: Column[] };
}

/** A bound query before its ORDER BY / LIMIT is applied. */
export interface BoundQuery {
  /** The result; columns beyond `visible` are hidden sort keys. */
  rel: Rel;
  visible: number;
  order: SortKey[];
  limit: number | null;
  offset: number;
}

function fail(span: Span, message: string, type = VALIDATION_ERROR): never {
  throw new SqlError(span, type, message);
}

/** Calcite's uniquification of output names: a repeated `x` becomes `x0`, `x1`, ... */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let i = 0; seen.has(name); i++) name = `${n}${i}`;
    seen.add(name);
    return name;
  });
}

function project(input: Rel, exprs: Expr[], names: string[]): Rel {
  return { kind: 'project', input, exprs, columns: exprs.map((e, i) => ({ name: names[i]!, type: e.type })) };
}

/** Applies the query's top-k (if it has LIMIT or OFFSET) and drops hidden sort columns. */
export function finalizeQuery(q: BoundQuery): Rel {
  let rel = q.rel;
  if (q.limit !== null || q.offset > 0)
    rel = {
      kind: 'topk',
      input: rel,
      order: q.order,
      limit: q.limit,
      offset: q.offset,
      columns: rel.columns,
    };
  if (q.visible === rel.columns.length) return rel;
  const exprs = rel.columns.slice(0, q.visible).map((c, i) => colRef(i, c.type));
  return project(
    rel,
    exprs,
    rel.columns.slice(0, q.visible).map((c) => c.name),
  );
}

/** Collects the group keys and aggregate calls of one grouped SELECT. */
class GroupingHost implements AggregateHost {
  /** Aggregate arguments and filters, in order of first use (Calcite's order of the aggregate's input). */
  readonly args: Expr[] = [];
  /** The calls, with `arg` and `filter` indexing `args`. */
  readonly calls: AggregateCall[] = [];
  /** Where the aggregates' outputs start: after the keys, and the `$set` column with grouping sets. */
  private readonly firstAggregate: number;

  constructor(
    readonly keys: Expr[],
    readonly fromContext: BindContext,
    private readonly global: boolean,
    /** The grouping sets (grouping-sets.ts), or null for a plain GROUP BY (one set: every key). */
    private readonly sets: GroupingSet[] | null,
    /** Reads a GROUP BY name as GROUP BY does (a select-list alias when no column has it). */
    private readonly groupByName: (e: ast.Expr) => ast.Expr,
  ) {
    this.firstAggregate = keys.length + (sets ? 1 : 0);
  }

  groupKey(e: Expr): Expr | null {
    const i = this.keys.findIndex((k) => exprEquals(k, e));
    if (i < 0) return null;
    const type = this.keys[i]!.type;
    return colRef(i, this.sets ? groupedKeyType(this.sets, i, type) : type);
  }

  bindGrouping(c: Extract<ast.Expr, { kind: 'call' }>): Expr {
    if (c.args.length === 0 || c.star)
      fail(c.span, `Invalid number of arguments to function '${c.name}'. Was expecting 1 or more arguments`);
    const args = c.args.map((a) => {
      const bound = bindExpr(a.kind === 'column' ? this.groupByName(a) : a, this.fromContext);
      const i = this.keys.findIndex((k) => exprEquals(k, bound));
      if (i < 0) fail(a.span, `Argument to ${c.name} operator must be a grouping expression`);
      return i;
    });
    if (args.length > 63) fail(c.span, `${c.name} takes at most 63 arguments`);
    return groupingExpr(this.sets ?? [this.keys.map((_, i) => i)], args, this.keys.length);
  }

  /** Index of `e` among the aggregate's inputs, added if new. */
  private input(e: Expr): number {
    const i = this.args.findIndex((a) => exprEquals(a, e));
    return i >= 0 ? i : this.args.push(e) - 1;
  }

  bindAggregate(c: Extract<ast.Expr, { kind: 'call' }>): Expr {
    const bound = bindAggregateCall(c, (e) => bindExpr(e, this.fromContext), this.global);
    const call: AggregateCall = {
      fn: bound.fn,
      arg: bound.arg ? this.input(bound.arg) : null,
      distinct: bound.distinct,
      type: bound.type,
      ...(bound.filter ? { filter: this.input(bound.filter) } : {}),
      ...(bound.options ? { options: bound.options } : {}),
    };
    const same = (x: AggregateCall) =>
      x.fn === call.fn &&
      x.arg === call.arg &&
      x.distinct === call.distinct &&
      x.filter === call.filter &&
      JSON.stringify(x.options) === JSON.stringify(call.options);
    let index = this.calls.findIndex(same);
    if (index < 0) index = this.calls.push(call) - 1;
    return colRef(this.firstAggregate + index, bound.type);
  }

  /** The pre-projection, aggregate and output relation. */
  build(input: Rel): Rel {
    const k = this.keys.length;
    const pre = project(
      input,
      [...this.keys, ...this.args],
      [...this.keys.map((_, i) => `$k${i}`), ...this.args.map((_, i) => `$a${i}`)],
    );
    const aggregates: AggregateCall[] = this.calls.map((c) => ({
      ...c,
      arg: c.arg === null ? null : k + c.arg,
      ...(c.filter === undefined ? {} : { filter: k + c.filter }),
    }));
    if (this.sets) return groupingSetsPlan(pre, k, this.sets, aggregates);
    return {
      kind: 'aggregate',
      input: pre,
      groupKeys: this.keys.map((_, i) => i),
      aggregates,
      columns: [
        ...pre.columns.slice(0, k),
        ...aggregates.map((a, i) => ({ name: `$agg${i}`, type: a.type })),
      ],
    };
  }
}

export class QueryBinder implements SubqueryBinder {
  /** The `WITH` items in scope, innermost frame last. */
  private readonly ctes: Map<string, Rel>[] = [];

  constructor(
    private readonly relations: RelationSource,
    /** The program's user-defined types (`CREATE TYPE`), for CAST targets and constructors. */
    readonly types: UserTypes = NO_USER_TYPES,
  ) {}

  bindRelation(query: ast.Query, outer: Scope | null): Rel {
    return finalizeQuery(this.bindQuery(query, outer));
  }

  bindQuery(query: ast.Query | ast.QueryBody, outer: Scope | null): BoundQuery {
    if (query.kind !== 'query') return this.bindBody(query, outer, []);
    if (query.with)
      return this.withItems(query.with, outer, () => this.bindQuery({ ...query, with: undefined }, outer));
    const bound = this.bindBody(query.body, outer, query.orderBy);
    return {
      ...bound,
      limit: query.limit ? this.constantInt(query.limit, 'LIMIT') : null,
      offset: query.offset ? this.constantInt(query.offset, 'OFFSET') : 0,
    };
  }

  /** Binds `items` as a frame of the `WITH` stack, runs `body` with them in scope, and pops them. */
  private withItems<T>(items: ast.CommonTableExpr[], outer: Scope | null, body: () => T): T {
    const frame = new Map<string, Rel>();
    this.ctes.push(frame);
    try {
      for (const cte of items) {
        if (frame.has(cte.name.name)) fail(cte.name.span, `Duplicate name '${cte.name.name}' in WITH clause`);
        frame.set(cte.name.name, this.bindCte(cte, outer));
      }
      return body();
    } finally {
      this.ctes.pop();
    }
  }

  /** One `WITH` item: its query, renamed by its column list if it has one. */
  private bindCte(cte: ast.CommonTableExpr, outer: Scope | null): Rel {
    const rel = this.bindRelation(cte.query, outer);
    if (!cte.columnAliases) return rel;
    if (cte.columnAliases.length !== rel.columns.length)
      fail(
        cte.name.span,
        `'${cte.name.name}' lists ${cte.columnAliases.length} column names but its query returns ${rel.columns.length} columns`,
      );
    const names = cte.columnAliases.map((a) => a.name);
    const dup = cte.columnAliases.find((a, i) => names.indexOf(a.name) !== i);
    if (dup) fail(dup.span, `Duplicate column name '${dup.name}' in WITH item '${cte.name.name}'`);
    return project(
      rel,
      rel.columns.map((c, i) => colRef(i, c.type)),
      names,
    );
  }

  /** The plan of the innermost `WITH` item called `name`, if any. */
  private cte(name: string): Rel | undefined {
    for (let i = this.ctes.length - 1; i >= 0; i--) {
      const rel = this.ctes[i]!.get(name);
      if (rel) return rel;
    }
    return undefined;
  }

  private constantInt(e: ast.Expr, what: string): number {
    if (e.kind !== 'literal' || e.literal !== 'number' || !/^\d+$/.test(e.text))
      fail(e.span, `${what} must be a non-negative integer constant`);
    return Number(e.text);
  }

  private bindBody(body: ast.QueryBody, outer: Scope | null, order: ast.OrderItem[]): BoundQuery {
    if (body.kind === 'select') return this.bindSelect(body, outer, order);
    let rel: Rel;
    if (body.kind === 'values') rel = this.bindValues(body);
    else if (body.kind === 'setop') rel = this.bindSetOp(body, outer);
    else rel = this.bindRelation(body, outer);
    const names = rel.columns.map((c) => c.name);
    const keys = order.map((item) => {
      const index = this.outputIndex(item.expr, names, names);
      if (index < 0)
        fail(item.span, 'ORDER BY of a set operation or VALUES must name an output column or position');
      return sortKey(item, index);
    });
    return { rel, visible: rel.columns.length, order: keys, limit: null, offset: 0 };
  }

  /** Index of an ORDER BY item given as a position or an output name, or -1. */
  private outputIndex(e: ast.Expr, names: string[], aliases: string[]): number {
    if (e.kind === 'literal' && e.literal === 'number' && /^\d+$/.test(e.text)) {
      const n = Number(e.text);
      if (n < 1 || n > names.length) fail(e.span, `Ordinal ${n} is out of range (1..${names.length})`);
      return n - 1;
    }
    if (e.kind === 'column' && e.parts.length === 1) {
      const matches = aliases.flatMap((n, i) => (n === e.parts[0]!.name ? [i] : []));
      if (matches.length === 1) return matches[0]!;
    }
    return -1;
  }

  private bindValues(body: ast.ValuesBody): Rel {
    const ctx: BindContext = { scope: new Scope([]), subqueries: null, aggregates: null, types: this.types };
    const rows = body.rows.map((r) => r.map((e) => bindExpr(e, ctx)));
    const width = rows[0]!.length;
    if (rows.some((r) => r.length !== width))
      fail(body.span, 'All rows of VALUES must have the same number of columns');
    const types = Array.from({ length: width }, (_, i) => {
      const t = leastRestrictive(rows.map((r) => r[i]!.type));
      if (t === null) fail(body.span, `Column ${i + 1} of VALUES has incompatible types`);
      return t.type === 'NULL' ? { ...t, type: 'INTEGER' as const } : t;
    });
    return {
      kind: 'values',
      rows: rows.map((r) =>
        r.map((e, i) => coerce(e, { ...types[i]!, nullable: e.type.nullable }, body.span)),
      ),
      columns: types.map((type, i) => ({ name: `EXPR$${i}`, type })),
    };
  }

  private bindSetOp(body: ast.SetOperation, outer: Scope | null): Rel {
    let left = this.bindRelation(asQuery(body.left), outer);
    let right = this.bindRelation(asQuery(body.right), outer);
    const opName = body.op.toUpperCase();
    if (left.columns.length !== right.columns.length)
      fail(
        body.span,
        `Column count mismatch in ${opName}: ${left.columns.length} vs ${right.columns.length}`,
      );
    const types = left.columns.map((c, i) => {
      const t = leastRestrictive([c.type, right.columns[i]!.type]);
      if (t === null)
        fail(
          body.span,
          `Type mismatch in column ${i + 1} of ${opName}: ${typeToSql(c.type)} vs ${typeToSql(right.columns[i]!.type)}`,
        );
      return t;
    });
    const names = left.columns.map((c) => c.name);
    const conform = (rel: Rel): Rel => {
      const exprs = rel.columns.map((c, i) =>
        coerce(colRef(i, c.type), { ...types[i]!, nullable: c.type.nullable }),
      );
      if (exprs.every((e) => e.kind === 'col')) return rel;
      return project(rel, exprs, names);
    };
    left = conform(left);
    right = conform(right);
    const columns = names.map((name, i) => ({ name, type: types[i]! }));
    if (body.op === 'union') {
      const union: Rel = { kind: 'union', inputs: [left, right], columns };
      return body.all ? union : { kind: 'distinct', input: union, columns };
    }
    return { kind: 'setop', op: body.op, all: body.all, left, right, columns };
  }

  private bindSelect(core: ast.SelectCore, outer: Scope | null, order: ast.OrderItem[]): BoundQuery {
    const from = this.bindFromList(core.from, outer);
    const scope = new Scope(from.scope.columns, outer);
    const input = { rel: from.rel };
    const ctx: BindContext = {
      scope,
      subqueries: new SubqueryPlanner(this, input, scope),
      aggregates: null,
      types: this.types,
    };
    if (core.where) {
      const predicate = bindExpr(core.where, ctx, true);
      if (predicate.type.type !== 'BOOLEAN')
        fail(core.where.span, `WHERE needs a BOOLEAN condition, got ${typeToSql(predicate.type)}`);
      input.rel = { kind: 'filter', input: input.rel, predicate, columns: input.rel.columns };
    }
    const grouped =
      core.groupBy.length > 0 ||
      core.grouping !== undefined ||
      core.having !== null ||
      core.items.some((i) => i.kind === 'expr' && containsAggregate(i.expr)) ||
      order.some((o) => containsAggregate(o.expr));
    let host: GroupingHost | null = null;
    let itemCtx = ctx;
    if (grouped) {
      const fromCtx: BindContext = { scope, subqueries: null, aggregates: null, types: this.types };
      const keys: Expr[] = [];
      const groupByName = (g: ast.Expr) => this.groupByTarget(g, core.items, scope);
      const key = (g: ast.Expr): number => {
        const e = bindExpr(groupByName(g), fromCtx);
        const i = keys.findIndex((k) => exprEquals(k, e));
        return i >= 0 ? i : keys.push(e) - 1;
      };
      if (core.grouping) {
        const sets = expandGroupingSets(core.grouping, key, core.span);
        host = new GroupingHost(
          keys,
          fromCtx,
          sets.some((s) => s.length === 0),
          sets,
          groupByName,
        );
      } else {
        for (const g of core.groupBy) key(g);
        host = new GroupingHost(keys, fromCtx, keys.length === 0, null, groupByName);
      }
      itemCtx = { scope, subqueries: null, aggregates: host, types: this.types };
    }
    const exprs: Expr[] = [];
    const names: string[] = [];
    const aliases: string[] = [];
    for (const item of core.items) {
      if (item.kind === 'star') {
        for (const c of scope.star(item.qualifier, item.exclude)) {
          exprs.push(host ? this.groupedColumn(host, c, item.span) : colRef(c.index, c.type));
          names.push(c.name);
          aliases.push(c.name);
        }
        continue;
      }
      exprs.push(bindExpr(item.expr, itemCtx));
      const name =
        item.alias?.name ??
        (item.expr.kind === 'column'
          ? item.expr.parts[item.expr.parts.length - 1]!.name
          : `EXPR$${names.length}`);
      names.push(name);
      aliases.push(item.alias?.name ?? (item.expr.kind === 'column' ? name : ''));
    }
    let having: Expr | null = null;
    if (core.having) {
      having = bindExpr(core.having, itemCtx);
      if (having.type.type !== 'BOOLEAN')
        fail(core.having.span, `HAVING needs a BOOLEAN condition, got ${typeToSql(having.type)}`);
    }
    const hidden: Expr[] = [];
    const keys = order.map((item) => {
      let index = this.outputIndex(item.expr, names, aliases);
      if (index < 0) {
        const e = bindExpr(item.expr, itemCtx.aggregates ? itemCtx : { ...ctx, subqueries: null });
        index = exprs.findIndex((x) => exprEquals(x, e));
        if (index < 0) {
          if (core.distinct)
            fail(item.span, 'ORDER BY expression must appear in the select list of a SELECT DISTINCT');
          index = exprs.length + hidden.push(e) - 1;
        }
      }
      return sortKey(item, index);
    });
    let rel = host ? host.build(input.rel) : input.rel;
    if (having) rel = { kind: 'filter', input: rel, predicate: having, columns: rel.columns };
    const visibleNames = uniqueNames(names);
    rel = project(rel, [...exprs, ...hidden], [...visibleNames, ...hidden.map((_, i) => `$order${i}`)]);
    if (core.distinct) rel = { kind: 'distinct', input: rel, columns: rel.columns };
    return { rel, visible: exprs.length, order: keys, limit: null, offset: 0 };
  }

  /** A `*` column in a grouped query: allowed only if it is a group key. */
  private groupedColumn(host: GroupingHost, c: ScopeColumn, span: Span): Expr {
    const key = host.groupKey(colRef(c.index, c.type));
    if (!key) fail(span, `Expression '${c.name}' is not being grouped`);
    return key;
  }

  /** GROUP BY accepts positions and select-list aliases (when no column has that name), as Feldera does. */
  private groupByTarget(g: ast.Expr, items: ast.SelectItem[], scope: Scope): ast.Expr {
    if (g.kind === 'literal' && g.literal === 'number' && /^\d+$/.test(g.text)) {
      const item = items[Number(g.text) - 1];
      if (item?.kind !== 'expr')
        fail(g.span, `GROUP BY position ${g.text} does not name a select expression`);
      return item.expr;
    }
    if (
      g.kind === 'column' &&
      g.parts.length === 1 &&
      !scope.columns.some((c) => c.name === g.parts[0]!.name)
    ) {
      const item = items.find((i) => i.kind === 'expr' && i.alias?.name === g.parts[0]!.name);
      if (item && item.kind === 'expr') return item.expr;
    }
    return g;
  }

  bindCorrelated(query: ast.Query, outer: Scope): CorrelatedSubquery | null {
    const body = query.body;
    const items = query.with;
    if (items)
      return this.withItems(items, null, () => this.bindCorrelated({ ...query, with: undefined }, outer));
    if (query.orderBy.length > 0 || query.limit || query.offset || body.kind !== 'select') return null;
    if (
      body.distinct ||
      body.groupBy.length > 0 ||
      body.grouping ||
      body.having ||
      body.items.some((i) => i.kind === 'expr' && containsAggregate(i.expr))
    )
      return null;
    const from = this.bindFromList(body.from, outer);
    const width = from.rel.columns.length;
    const whereScope = Scope.correlated(from.scope, outer, width);
    const predicates = bindCorrelatedWhere(body.where, {
      scope: whereScope,
      subqueries: null,
      aggregates: null,
      types: this.types,
    });
    let select: Expr[] | null = [];
    try {
      const ctx: BindContext = {
        scope: new Scope(from.scope.columns),
        subqueries: null,
        aggregates: null,
        types: this.types,
      };
      for (const item of body.items) {
        if (item.kind === 'star')
          select.push(...from.scope.star(item.qualifier, item.exclude).map((c) => colRef(c.index, c.type)));
        else select.push(bindExpr(item.expr, ctx));
      }
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      select = null;
    }
    return { rel: from.rel, predicates, select };
  }

  private bindFromList(items: ast.FromItem[], outer: Scope | null): { rel: Rel; scope: Scope } {
    if (items.length === 0) return { rel: { kind: 'values', rows: [[]], columns: [] }, scope: new Scope([]) };
    let acc = this.bindFromItem(items[0]!, outer);
    for (const item of items.slice(1))
      acc =
        item.kind === 'unnest'
          ? this.unnest(acc, item, outer)
          : this.join(acc, this.bindFromItem(item, outer), 'inner', null);
    return acc;
  }

  /**
   * `left, UNNEST(...)`: the UNNEST reads the columns of the FROM items before it (lateral),
   * so it becomes a flat-map of `left` rather than a join. The columns' names follow Calcite:
   * `EXPR$0` for an element, a STRUCT's field names, `KEY` and `VALUE` for a MAP, `ORDINALITY`;
   * an alias without a column list names the column when there is only one (CALCITE-5126).
   *
   * UNNEST of several collections is refused because Feldera refuses it: its compiler throws
   * "UNNEST with multiple vectors" for an uncorrelated Uncollect of several collections
   * (regression test `issue3547`) and "could not decorrelate this query" for a lateral one
   * (`visitCorrelate` takes a single collection), and its grammar lists `UNNEST(expression)`.
   */
  private unnest(
    left: { rel: Rel; scope: Scope },
    item: Extract<ast.FromItem, { kind: 'unnest' }>,
    outer: Scope | null,
  ): { rel: Rel; scope: Scope } {
    if (item.args.length > 1)
      fail(
        item.args[1]!.span,
        'UNNEST of more than one collection is not supported (Feldera refuses it too)',
        'Not yet implemented',
      );
    // With `outer`, a column of an enclosing query is refused as a correlated reference.
    const collection = bindExpr(item.args[0]!, {
      scope: new Scope(left.scope.columns, outer),
      subqueries: null,
      aggregates: null,
      types: this.types,
    });
    const t = collection.type;
    let expand: UnnestExpansion;
    let added: Column[];
    if (t.type === 'ARRAY' && t.component!.type === 'STRUCT') {
      expand = 'fields';
      added = t.component!.fields!.map((f) => ({ name: f.name, type: { ...f.columntype, nullable: true } }));
    } else if (t.type === 'ARRAY') {
      expand = 'element';
      added = [{ name: 'EXPR$0', type: t.component! }];
    } else if (t.type === 'MAP') {
      expand = 'entries';
      added = [
        { name: 'KEY', type: t.key! },
        { name: 'VALUE', type: t.value! },
      ];
    } else fail(item.args[0]!.span, `UNNEST needs an ARRAY or a MAP, got ${typeToSql(t)}`);
    if (item.ordinality) added.push({ name: 'ORDINALITY', type: { type: 'INTEGER', nullable: false } });
    if (item.columnAliases) {
      if (item.columnAliases.length !== added.length)
        fail(
          item.span,
          `The alias list has ${item.columnAliases.length} names for ${added.length} columns of UNNEST`,
        );
      added = added.map((c, i) => ({ ...c, name: item.columnAliases![i]!.name }));
    } else if (item.alias && added.length === 1) added = [{ ...added[0]!, name: item.alias.name }];
    const width = left.rel.columns.length;
    const qualifier = item.alias?.name ?? null;
    return {
      rel: {
        kind: 'unnest',
        input: left.rel,
        collection,
        expand,
        ordinality: item.ordinality,
        columns: [...left.rel.columns, ...added],
      },
      scope: new Scope([
        ...left.scope.columns,
        ...added.map((c, i) => ({
          name: c.name,
          qualifier,
          index: width + i,
          type: c.type,
          qualifiedOnly: false,
        })),
      ]),
    };
  }

  private bindFromItem(item: ast.FromItem, outer: Scope | null): { rel: Rel; scope: Scope } {
    switch (item.kind) {
      case 'table': {
        const qualifier = item.alias?.name ?? item.name.name;
        const cte = this.cte(item.name.name);
        const resolved = cte ? null : this.relations.resolve(item.name);
        const rel: Rel = cte ?? { kind: 'scan', relation: resolved!.name, columns: resolved!.columns };
        const columns = rel.columns;
        return {
          rel,
          scope: new Scope(
            columns.map((c, index) => ({
              name: c.name,
              qualifier,
              index,
              type: c.type,
              qualifiedOnly: false,
            })),
          ),
        };
      }
      case 'subquery': {
        let rel = this.bindRelation(item.query, outer);
        if (item.columnAliases) {
          if (item.columnAliases.length !== rel.columns.length)
            fail(
              item.span,
              `The alias list has ${item.columnAliases.length} names for ${rel.columns.length} columns`,
            );
          const names = item.columnAliases.map((a) => a.name);
          rel = project(
            rel,
            rel.columns.map((c, i) => colRef(i, c.type)),
            names,
          );
        }
        const qualifier = item.alias?.name ?? null;
        return {
          rel,
          scope: new Scope(
            rel.columns.map((c, index) => ({
              name: c.name,
              qualifier,
              index,
              type: c.type,
              qualifiedOnly: false,
            })),
          ),
        };
      }
      case 'unnest':
        return this.unnest(
          { rel: { kind: 'values', rows: [[]], columns: [] }, scope: new Scope([]) },
          item,
          outer,
        );
      case 'join': {
        const left = this.bindFromItem(item.left, outer);
        const plain =
          item.joinType === 'cross' || (item.joinType === 'inner' && !item.using && !item.natural);
        if (item.right.kind === 'unnest' && (plain || this.unnestReadsLeft(left, item.right, outer)))
          return this.joinUnnest(left, item, outer);
        const right = this.bindFromItem(item.right, outer);
        if (item.joinType === 'cross') return this.join(left, right, 'inner', null);
        if (item.natural) {
          const common = commonColumns(left.scope, right.scope, item.span);
          // Without common columns a NATURAL join pairs every row with every row (Calcite).
          if (common.length === 0) return this.join(left, right, item.joinType, null);
          return this.joinUsing(left, right, item.joinType, common);
        }
        if (item.using) return this.joinUsing(left, right, item.joinType, item.using);
        const on = item.on!;
        const combined = this.join(left, right, item.joinType, null);
        const condition = bindExpr(on, {
          scope: combined.scope,
          subqueries: null,
          aggregates: null,
          types: this.types,
        });
        if (condition.type.type !== 'BOOLEAN')
          fail(on.span, `ON needs a BOOLEAN condition, got ${typeToSql(condition.type)}`);
        const rel = combined.rel as Extract<Rel, { kind: 'join' }>;
        return { rel: { ...rel, residual: condition }, scope: combined.scope };
      }
    }
  }

  /**
   * Whether the UNNEST joined to `left` reads a column of it. One that does not is an ordinary
   * relation: Calcite joins it with an ordinary Join (a Correlate only when the right side reads
   * the left), which Feldera compiles as any join, so every join type, USING and NATURAL apply.
   */
  private unnestReadsLeft(
    left: { rel: Rel; scope: Scope },
    item: Extract<ast.FromItem, { kind: 'unnest' }>,
    outer: Scope | null,
  ): boolean {
    const ctx: BindContext = {
      scope: new Scope(left.scope.columns, outer),
      subqueries: null,
      aggregates: null,
      types: this.types,
    };
    return item.args.some((arg) => columnsOf(bindExpr(arg, ctx)).size > 0);
  }

  /**
   * `left CROSS JOIN UNNEST(...)` and `left [INNER] JOIN UNNEST(...) ON c`: the lateral UNNEST
   * with `c` as a filter. Outer joins, USING and NATURAL with common columns are refused when
   * the UNNEST reads `left` (otherwise the caller joins it as an ordinary relation).
   * `LEFT JOIN UNNEST(...) ON TRUE` in SQL keeps a row whose collection is NULL or empty (with
   * NULLs), but Feldera 0.312 compiles every lateral UNNEST as a flat-map whatever the join type
   * (`visitCorrelate`: "an outer cross join is equivalent to an inner cross join"), so it drops
   * that row; its later releases refuse the outer forms instead (feldera/feldera#6598). Neither
   * answer can be given without disagreeing with Feldera or with SQL, so Sluice refuses.
   */
  private joinUnnest(
    left: { rel: Rel; scope: Scope },
    item: Extract<ast.FromItem, { kind: 'join' }>,
    outer: Scope | null,
  ): { rel: Rel; scope: Scope } {
    if (item.joinType === 'left')
      fail(
        item.span,
        'LEFT JOIN with UNNEST is not supported: Feldera drops the rows whose collection is NULL or empty, where SQL keeps them',
        'Not yet implemented',
      );
    if (item.joinType !== 'cross' && item.joinType !== 'inner')
      fail(
        item.span,
        `${item.joinType.toUpperCase()} JOIN with UNNEST is not supported`,
        'Not yet implemented',
      );
    if (item.using) fail(item.span, 'JOIN UNNEST ... USING is not supported', 'Not yet implemented');
    const unnested = this.unnest(left, item.right as Extract<ast.FromItem, { kind: 'unnest' }>, outer);
    if (item.natural) {
      const added = new Set(unnested.scope.columns.slice(left.rel.columns.length).map((c) => c.name));
      if (left.scope.star(null).some((c) => added.has(c.name)))
        fail(
          item.span,
          'NATURAL JOIN with an UNNEST that has common columns is not supported',
          'Not yet implemented',
        );
    }
    if (!item.on) return unnested;
    const condition = bindExpr(item.on, {
      scope: unnested.scope,
      subqueries: null,
      aggregates: null,
      types: this.types,
    });
    if (condition.type.type !== 'BOOLEAN')
      fail(item.on.span, `ON needs a BOOLEAN condition, got ${typeToSql(condition.type)}`);
    return {
      rel: { kind: 'filter', input: unnested.rel, predicate: condition, columns: unnested.rel.columns },
      scope: unnested.scope,
    };
  }

  /** Joins two FROM items; outer joins make the non-preserved side's columns nullable. */
  private join(
    left: { rel: Rel; scope: Scope },
    right: { rel: Rel; scope: Scope },
    joinType: 'inner' | 'left' | 'right' | 'full',
    residual: Expr | null,
  ): { rel: Rel; scope: Scope } {
    const width = left.rel.columns.length;
    const nullLeft = joinType === 'right' || joinType === 'full';
    const nullRight = joinType === 'left' || joinType === 'full';
    const adjust = (t: ColumnType, nullable: boolean) => (nullable ? { ...t, nullable: true } : t);
    const columns = [
      ...left.rel.columns.map((c) => ({ ...c, type: adjust(c.type, nullLeft) })),
      ...right.rel.columns.map((c) => ({ ...c, type: adjust(c.type, nullRight) })),
    ];
    const scope = new Scope([
      ...left.scope.columns.map((c) => ({ ...c, type: adjust(c.type, nullLeft) })),
      ...right.scope.columns.map((c) => ({ ...c, index: c.index + width, type: adjust(c.type, nullRight) })),
    ]);
    return {
      rel: {
        kind: 'join',
        joinType,
        left: left.rel,
        right: right.rel,
        leftKeys: [],
        rightKeys: [],
        residual,
        columns,
      },
      scope,
    };
  }

  /** `JOIN ... USING (c)`: one merged `c` first, then the other columns; `l.c` and `r.c` stay reachable. */
  private joinUsing(
    left: { rel: Rel; scope: Scope },
    right: { rel: Rel; scope: Scope },
    joinType: 'inner' | 'left' | 'right' | 'full',
    using: ast.Ident[],
  ): { rel: Rel; scope: Scope } {
    const combined = this.join(left, right, joinType, null);
    const width = left.rel.columns.length;
    const conditions: Expr[] = [];
    const merged: Expr[] = [];
    const usedLeft = new Set<number>();
    const usedRight = new Set<number>();
    for (const id of using) {
      const l = new Scope(left.scope.columns).resolve([id]);
      const r = new Scope(right.scope.columns).resolve([id]);
      const t = leastRestrictive([l.type, r.type]);
      if (t === null)
        fail(
          id.span,
          `Column '${id.name}' has incompatible types ${typeToSql(l.type)} and ${typeToSql(r.type)}`,
        );
      const lc = combined.scope.columns[l.index]!;
      const rc = combined.scope.columns.find((c) => c.index === r.index + width)!;
      const le = coerce(colRef(lc.index, lc.type), { ...t, nullable: lc.type.nullable });
      const re = coerce(colRef(rc.index, rc.type), { ...t, nullable: rc.type.nullable });
      conditions.push({ kind: 'call', fn: 'eq', args: [le, re], type: { type: 'BOOLEAN', nullable: true } });
      merged.push(
        joinType === 'full'
          ? {
              kind: 'call',
              fn: 'coalesce',
              args: [le, re],
              type: { ...t, nullable: le.type.nullable && re.type.nullable },
            }
          : joinType === 'right'
            ? re
            : le,
      );
      usedLeft.add(lc.index);
      usedRight.add(rc.index);
    }
    const residual = conditions.reduce((a, b) => ({
      kind: 'call',
      fn: 'and',
      args: [a, b],
      type: { type: 'BOOLEAN', nullable: true },
    }));
    const joinRel = { ...(combined.rel as Extract<Rel, { kind: 'join' }>), residual };
    const all = combined.rel.columns.map((c, i) => colRef(i, c.type));
    const exprs = [...merged, ...all];
    const rel = project(joinRel, exprs, [
      ...using.map((u) => u.name),
      ...combined.rel.columns.map((c) => c.name),
    ]);
    const n = merged.length;
    const scope = new Scope([
      ...merged.map((e, i) => ({
        name: using[i]!.name,
        qualifier: null,
        index: i,
        type: e.type,
        qualifiedOnly: false,
      })),
      ...combined.scope.columns.map((c) => ({
        ...c,
        index: c.index + n,
        qualifiedOnly: usedLeft.has(c.index) || usedRight.has(c.index),
      })),
    ]);
    return { rel, scope };
  }
}

/**
 * The columns a NATURAL join matches: the names visible on both sides (`*` columns), in the
 * left side's order, as identifiers located at the join.
 */
function commonColumns(left: Scope, right: Scope, span: Span): ast.Ident[] {
  const rightNames = new Set(right.star(null).map((c) => c.name));
  const names = [...new Set(left.star(null).map((c) => c.name))].filter((n) => rightNames.has(n));
  return names.map((name) => ({ name, quoted: false, span }));
}

function asQuery(body: ast.QueryBody): ast.Query {
  return body.kind === 'query'
    ? body
    : { kind: 'query', body, orderBy: [], limit: null, offset: null, span: body.span };
}

/** Calcite's default collation: NULLs sort high (last ascending, first descending). */
function sortKey(item: ast.OrderItem, index: number): SortKey {
  // NULL is the smallest value, as in Feldera: first ascending, last descending.
  return { index, desc: item.desc, nullsFirst: item.nullsFirst ?? !item.desc };
}
