/**
 * `NOW()` as Feldera implements it (its SQL compiler's ImplementNow pass): the current time is
 * an input, not a function. A program that calls `NOW()` reads an implicit one-row relation,
 * the clock input (`{kind: 'clock'}`), which the runtime sets before every step (the step's
 * time, one value for the whole step) and which changes by retracting the old row and inserting
 * the new one. Every plan node whose expressions call `NOW()` is rewritten to read that row:
 *
 *   filter(input, p(NOW()))      →  project_w(filter(input × clock, p(col w)))
 *   project(input, e(NOW()))     →  project(input × clock, e(col w))
 *   join(l, r, keys/residual)    →  the side(s) whose expressions call NOW() crossed with the
 *                                    clock first, the extra column projected away after
 *   unnest(input, c(NOW()))      →  the same around the unnest
 *   values(rows(NOW()))          →  one projection of the clock per row
 *
 * where `w` is the input's width and `×` an inner join without keys (engine/operators/join.ts
 * makes it a cross product). It is incremental with the circuit's ordinary operators: a new
 * input row meets the current clock row, and a clock change re-evaluates every row of the
 * input against the new time, so a view such as `WHERE ts > NOW() - INTERVAL 1 HOUR` drops
 * rows as time passes without any new input. As Feldera warns (sql/datetime.md), this keeps
 * the whole input in the join's state and visits it at every clock change; Feldera's special
 * case for temporal filters (a window operator) is a speed-up Sluice does not have.
 *
 * Aggregates, GROUP BY keys and FILTER clauses read columns of a projection below them, so
 * they are covered by the projection rule; HAVING is a filter above the aggregate.
 */
import { timestampFromEpochMillis } from '../engine/values/datetime.js';
import type { ColumnType } from '../engine/values/types.js';
import { type Column, colRef, type Expr, type Rel } from './plan.js';

/** The type of `NOW()` and of the clock input's column. */
export const NOW_TYPE: ColumnType = { type: 'TIMESTAMP', nullable: false, precision: 0 };

/** The clock input relation. */
export const CLOCK: Rel = { kind: 'clock', columns: [{ name: 'now', type: NOW_TYPE }] };

/** The bound form of a `NOW()` call. */
export function nowCall(): Expr {
  return { kind: 'call', fn: 'now', args: [], type: NOW_TYPE };
}

function isNow(e: Expr): boolean {
  return e.kind === 'call' && e.fn === 'now';
}

/** Rewrites every `NOW()` call in `e` to `by`. */
export function replaceNow(e: Expr, by: Expr): Expr {
  if (isNow(e)) return by;
  switch (e.kind) {
    case 'col':
    case 'lit':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => replaceNow(a, by)) };
    case 'cast':
      return { ...e, arg: replaceNow(e.arg, by) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: replaceNow(w.when, by), result: replaceNow(w.result, by) })),
        else: replaceNow(e.else, by),
      };
  }
}

/** True when `e` calls `NOW()`. */
export function containsNow(e: Expr): boolean {
  if (isNow(e)) return true;
  switch (e.kind) {
    case 'col':
    case 'lit':
      return false;
    case 'call':
      return e.args.some(containsNow);
    case 'cast':
      return containsNow(e.arg);
    case 'case':
      return e.whens.some((w) => containsNow(w.when) || containsNow(w.result)) || containsNow(e.else);
  }
}

/** The expressions of `rel`'s own node (not its inputs'). */
function nodeExprs(rel: Rel): Expr[] {
  switch (rel.kind) {
    case 'filter':
      return [rel.predicate];
    case 'project':
      return rel.exprs;
    case 'join':
      return [...rel.leftKeys, ...rel.rightKeys, ...(rel.residual ? [rel.residual] : [])];
    case 'unnest':
      return [rel.collection];
    case 'values':
      return rel.rows.flat();
    default:
      return [];
  }
}

/** The inputs of a plan node. */
function inputsOf(rel: Rel): Rel[] {
  switch (rel.kind) {
    case 'scan':
    case 'values':
    case 'clock':
      return [];
    case 'join':
    case 'setop':
      return [rel.left, rel.right];
    case 'union':
      return rel.inputs;
    default:
      return [rel.input];
  }
}

/** True when the plan calls `NOW()` anywhere (before `implementNow`) or reads the clock (after). */
export function usesNow(rel: Rel): boolean {
  return rel.kind === 'clock' || nodeExprs(rel).some(containsNow) || inputsOf(rel).some(usesNow);
}

/** `input` with the clock's column appended (an inner join without keys: a cross product). */
function withClock(input: Rel): Rel {
  return {
    kind: 'join',
    joinType: 'inner',
    left: input,
    right: CLOCK,
    leftKeys: [],
    rightKeys: [],
    residual: null,
    columns: [...input.columns, ...CLOCK.columns],
  };
}

/** Keeps the columns of `input` except the one at `drop`. */
function dropColumn(input: Rel, drop: number, columns: Column[]): Rel {
  const exprs = input.columns.flatMap((c, i) => (i === drop ? [] : [colRef(i, c.type)]));
  return { kind: 'project', input, exprs, columns };
}

/** Rewrites the `NOW()` calls of a program's plan into reads of the clock input (see the header). */
export function implementNow(rel: Rel): Rel {
  switch (rel.kind) {
    case 'scan':
    case 'clock':
      return rel;
    case 'values': {
      if (!rel.rows.flat().some(containsNow)) return rel;
      const now = colRef(0, NOW_TYPE);
      const rows: Rel[] = rel.rows.map((row) => ({
        kind: 'project',
        input: CLOCK,
        exprs: row.map((e) => replaceNow(e, now)),
        columns: rel.columns,
      }));
      return rows.length === 1 ? rows[0]! : { kind: 'union', inputs: rows, columns: rel.columns };
    }
    case 'filter': {
      const input = implementNow(rel.input);
      if (!containsNow(rel.predicate)) return { ...rel, input };
      const w = input.columns.length;
      const predicate = replaceNow(rel.predicate, colRef(w, NOW_TYPE));
      const filtered: Rel = {
        kind: 'filter',
        input: withClock(input),
        predicate,
        columns: withClock(input).columns,
      };
      return dropColumn(filtered, w, rel.columns);
    }
    case 'project': {
      const input = implementNow(rel.input);
      if (!rel.exprs.some(containsNow)) return { ...rel, input };
      const now = colRef(input.columns.length, NOW_TYPE);
      return { ...rel, input: withClock(input), exprs: rel.exprs.map((e) => replaceNow(e, now)) };
    }
    case 'unnest': {
      const input = implementNow(rel.input);
      if (!containsNow(rel.collection)) return { ...rel, input };
      const w = input.columns.length;
      const clocked = withClock(input);
      const collection = replaceNow(rel.collection, colRef(w, NOW_TYPE));
      const added = rel.columns.slice(w);
      const unnest: Rel = { ...rel, input: clocked, collection, columns: [...clocked.columns, ...added] };
      return dropColumn(unnest, w, rel.columns);
    }
    case 'join':
      return joinWithNow({ ...rel, left: implementNow(rel.left), right: implementNow(rel.right) });
    case 'union':
      return { ...rel, inputs: rel.inputs.map(implementNow) };
    case 'setop':
      return { ...rel, left: implementNow(rel.left), right: implementNow(rel.right) };
    default:
      return { ...rel, input: implementNow(rel.input) };
  }
}

/**
 * A join whose keys or condition call `NOW()`: the left side (for left keys and the condition)
 * and the right side (for right keys) get the clock's column, which the condition and keys read
 * and a projection then drops. A side crossed with the one-row clock keeps one row per row, so
 * outer joins pad and match exactly as before.
 */
function joinWithNow(rel: Extract<Rel, { kind: 'join' }>): Rel {
  const leftNow = rel.leftKeys.some(containsNow) || (rel.residual !== null && containsNow(rel.residual));
  const rightNow = rel.rightKeys.some(containsNow);
  if (!leftNow && !rightNow) return rel;
  const lw = rel.left.columns.length;
  const rw = rel.right.columns.length;
  const left = leftNow ? withClock(rel.left) : rel.left;
  const right = rightNow ? withClock(rel.right) : rel.right;
  const shift = leftNow ? 1 : 0;
  const leftKeys = rel.leftKeys.map((k) => replaceNow(k, colRef(lw, NOW_TYPE)));
  const rightKeys = rel.rightKeys.map((k) => replaceNow(k, colRef(rw, NOW_TYPE)));
  // The condition reads the concatenated row: right columns move past the left's clock column.
  const residual = rel.residual && replaceNow(shiftFrom(rel.residual, lw, shift), colRef(lw, NOW_TYPE));
  const joined: Rel = {
    ...rel,
    left,
    right,
    leftKeys,
    rightKeys,
    residual,
    columns: [...left.columns, ...right.columns],
  };
  const keep = joined.columns.flatMap((c, i) =>
    (leftNow && i === lw) || (rightNow && i === lw + shift + rw) ? [] : [colRef(i, c.type)],
  );
  return { kind: 'project', input: joined, exprs: keep, columns: rel.columns };
}

/** Adds `by` to the column references at or past `from`. */
function shiftFrom(e: Expr, from: number, by: number): Expr {
  if (by === 0) return e;
  switch (e.kind) {
    case 'col':
      return e.index >= from ? { ...e, index: e.index + by } : e;
    case 'lit':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => shiftFrom(a, from, by)) };
    case 'cast':
      return { ...e, arg: shiftFrom(e.arg, from, by) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({
          when: shiftFrom(w.when, from, by),
          result: shiftFrom(w.result, from, by),
        })),
        else: shiftFrom(e.else, from, by),
      };
  }
}

/**
 * Rewrites the `NOW()` calls of an ad-hoc query's plan into the time the query started,
 * `nowMillis` (milliseconds since the epoch): one value for the whole query, as Feldera's
 * ad-hoc engine (DataFusion) evaluates `now()` once per query.
 */
export function nowAsLiteral(rel: Rel, nowMillis: number): Rel {
  const lit: Expr = { kind: 'lit', value: timestampFromEpochMillis(nowMillis), type: NOW_TYPE };
  const map = (e: Expr) => replaceNow(e, lit);
  switch (rel.kind) {
    case 'scan':
    case 'clock':
      return rel;
    case 'values':
      return { ...rel, rows: rel.rows.map((r) => r.map(map)) };
    case 'filter':
      return { ...rel, input: nowAsLiteral(rel.input, nowMillis), predicate: map(rel.predicate) };
    case 'project':
      return { ...rel, input: nowAsLiteral(rel.input, nowMillis), exprs: rel.exprs.map(map) };
    case 'unnest':
      return { ...rel, input: nowAsLiteral(rel.input, nowMillis), collection: map(rel.collection) };
    case 'join':
      return {
        ...rel,
        left: nowAsLiteral(rel.left, nowMillis),
        right: nowAsLiteral(rel.right, nowMillis),
        leftKeys: rel.leftKeys.map(map),
        rightKeys: rel.rightKeys.map(map),
        residual: rel.residual && map(rel.residual),
      };
    case 'union':
      return { ...rel, inputs: rel.inputs.map((i) => nowAsLiteral(i, nowMillis)) };
    case 'setop':
      return { ...rel, left: nowAsLiteral(rel.left, nowMillis), right: nowAsLiteral(rel.right, nowMillis) };
    default:
      return { ...rel, input: nowAsLiteral(rel.input, nowMillis) };
  }
}
