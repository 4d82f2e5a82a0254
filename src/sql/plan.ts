/**
 * The logical plan: typed relational operators over typed expressions, the output of binding
 * and the input of both the incremental circuit builder and the ad-hoc query path.
 *
 * Expressions address the columns of their input row by index. Every relation lists its
 * output columns. The plan is a tree; the circuit builder shares the nodes of tables and views.
 */
import type { AggregateOptions } from '../engine/aggregates/accumulator.js';
import type { ColumnType } from '../engine/values/types.js';
import type { Value } from '../engine/values/value.js';

export interface Column {
  name: string;
  type: ColumnType;
}

/**
 * The operators a `call` expression can name that the engine compiles itself (engine/expr):
 * logic, comparison, arithmetic, COALESCE, constructors and subscripts. Any other `fn` is the
 * id of a library function, whose kernel engine/functions provides.
 */
export type CoreFunction =
  | 'and'
  | 'or'
  | 'not'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'is_null'
  | 'is_not_null'
  | 'is_true'
  | 'is_false'
  | 'is_distinct'
  | 'in_list'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod'
  | 'neg'
  | 'coalesce'
  | 'array'
  | 'map'
  | 'row'
  | 'index'
  | 'map_get'
  | 'variant_get'
  | 'field'
  /** `transform(array, body, depth)` and `array_exists(...)`: a lambda over the elements. */
  | 'transform'
  | 'array_exists'
  /** `lambda_var(depth)`: the element of the enclosing lambda call at that depth. */
  | 'lambda_var'
  /**
   * `NOW()`. Never reaches the engine: the planner (sql/now.ts) turns it into a column of the
   * clock input in programs and into a literal in ad-hoc queries.
   */
  | 'now';

/** A core operator or a library function's kernel id. */
export type FunctionName = CoreFunction | (string & {});

export type Expr =
  | { kind: 'col'; index: number; type: ColumnType }
  | { kind: 'lit'; value: Value; type: ColumnType }
  | { kind: 'call'; fn: FunctionName; args: Expr[]; type: ColumnType; unit?: string }
  /** A conversion; with `safe` (SAFE_CAST) a value that does not convert becomes NULL. */
  | { kind: 'cast'; arg: Expr; type: ColumnType; safe?: boolean }
  | { kind: 'case'; whens: { when: Expr; result: Expr }[]; else: Expr; type: ColumnType };

export interface AggregateCall {
  /** The aggregate kernel's id (engine/aggregates), chosen by the SQL side (sql/aggregates). */
  fn: string;
  /** Input column of the argument (null for COUNT(*)). */
  arg: number | null;
  distinct: boolean;
  type: ColumnType;
  /** Input column of `FILTER (WHERE ...)`: only rows where it is TRUE reach the aggregate. */
  filter?: number;
  /** Choices for the kernel (ARRAY_AGG's DISTINCT, IGNORE NULLS and ORDER BY). */
  options?: AggregateOptions;
}

export interface SortKey {
  index: number;
  desc: boolean;
  nullsFirst: boolean;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'mark';

export type Rel =
  | { kind: 'scan'; relation: string; columns: Column[] }
  | { kind: 'values'; rows: Expr[][]; columns: Column[] }
  | { kind: 'filter'; input: Rel; predicate: Expr; columns: Column[] }
  | { kind: 'project'; input: Rel; exprs: Expr[]; columns: Column[] }
  | {
      kind: 'join';
      joinType: JoinType;
      left: Rel;
      right: Rel;
      /** Equi-join keys; a NULL key never matches (SQL `=`). */
      leftKeys: Expr[];
      rightKeys: Expr[];
      /** Extra condition over the concatenated row (left columns, then right columns). */
      residual: Expr | null;
      columns: Column[];
    }
  | { kind: 'aggregate'; input: Rel; groupKeys: number[]; aggregates: AggregateCall[]; columns: Column[] }
  | { kind: 'distinct'; input: Rel; columns: Column[] }
  | { kind: 'union'; inputs: Rel[]; columns: Column[] }
  | { kind: 'setop'; op: 'intersect' | 'except'; all: boolean; left: Rel; right: Rel; columns: Column[] }
  | { kind: 'topk'; input: Rel; order: SortKey[]; limit: number | null; offset: number; columns: Column[] }
  /**
   * Lateral UNNEST: each input row followed by each element of `collection` (evaluated over
   * that row), one output row per element; a NULL collection gives no rows. `expand` says what
   * an element adds: 'element' one column, 'fields' the fields of a STRUCT element (all NULL
   * for a NULL element), 'entries' a MAP's key and value (in key order). With `ordinality` a
   * last column numbers the elements from 1.
   */
  | {
      kind: 'unnest';
      input: Rel;
      collection: Expr;
      expand: UnnestExpansion;
      ordinality: boolean;
      columns: Column[];
    }
  /**
   * The clock input: one row holding the step's `NOW()` (a TIMESTAMP), replaced each time the
   * clock moves (the old row retracted, the new one inserted). See sql/now.ts.
   */
  | { kind: 'clock'; columns: Column[] };

export type UnnestExpansion = 'element' | 'fields' | 'entries';

/** True when two expressions are structurally identical. */
export function exprEquals(a: Expr, b: Expr): boolean {
  if (a.kind !== b.kind || a.type.type !== b.type.type || a.type.nullable !== b.type.nullable) return false;
  switch (a.kind) {
    case 'col':
      return a.index === (b as typeof a).index;
    case 'lit': {
      const bv = (b as typeof a).value;
      return (
        a.value === bv ||
        (a.value !== null && bv !== null && String(a.value) === String(bv) && typeof a.value === typeof bv)
      );
    }
    case 'call': {
      const bc = b as typeof a;
      return a.fn === bc.fn && a.unit === bc.unit && listEquals(a.args, bc.args);
    }
    case 'cast':
      return (
        a.type.precision === b.type.precision &&
        a.type.scale === b.type.scale &&
        a.safe === (b as typeof a).safe &&
        exprEquals(a.arg, (b as typeof a).arg)
      );
    case 'case': {
      const bc = b as typeof a;
      return (
        a.whens.length === bc.whens.length &&
        a.whens.every(
          (w, i) => exprEquals(w.when, bc.whens[i]!.when) && exprEquals(w.result, bc.whens[i]!.result),
        ) &&
        exprEquals(a.else, bc.else)
      );
    }
  }
}

function listEquals(a: Expr[], b: Expr[]): boolean {
  return a.length === b.length && a.every((e, i) => exprEquals(e, b[i]!));
}

/** Rewrites every column reference with `f` (which returns the replacement expression). */
export function mapColumns(e: Expr, f: (index: number, type: ColumnType) => Expr): Expr {
  switch (e.kind) {
    case 'col':
      return f(e.index, e.type);
    case 'lit':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => mapColumns(a, f)) };
    case 'cast':
      return { ...e, arg: mapColumns(e.arg, f) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: mapColumns(w.when, f), result: mapColumns(w.result, f) })),
        else: mapColumns(e.else, f),
      };
  }
}

/** Adds `offset` to every column index. */
export function shiftColumns(e: Expr, offset: number): Expr {
  return offset === 0 ? e : mapColumns(e, (index, type) => ({ kind: 'col', index: index + offset, type }));
}

/** The set of column indexes an expression reads. */
export function columnsOf(e: Expr, out = new Set<number>()): Set<number> {
  mapColumns(e, (index, type) => {
    out.add(index);
    return { kind: 'col', index, type };
  });
  return out;
}

/** Splits an AND tree into its conjuncts. */
export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'call' && e.fn === 'and' ? e.args.flatMap(conjuncts) : [e];
}

const BOOL: ColumnType = { type: 'BOOLEAN', nullable: false };

/** AND of the given predicates (TRUE for none). */
export function andAll(preds: Expr[]): Expr {
  if (preds.length === 0) return { kind: 'lit', value: true, type: BOOL };
  return preds.reduce((acc, p) => ({
    kind: 'call',
    fn: 'and',
    args: [acc, p],
    type: { type: 'BOOLEAN', nullable: acc.type.nullable || p.type.nullable },
  }));
}

export function colRef(index: number, type: ColumnType): Expr {
  return { kind: 'col', index, type };
}
