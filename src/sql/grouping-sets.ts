/**
 * GROUP BY GROUPING SETS, ROLLUP and CUBE, with Calcite's semantics (which Feldera follows and
 * PostgreSQL shares):
 * - a GROUP BY is the cross product of its elements' grouping sets: `GROUP BY a, ROLLUP(b, c)`
 *   is `GROUPING SETS ((a, b, c), (a, b), (a))`; `ROLLUP(u1, ..., un)` is the n + 1 prefixes,
 *   `CUBE(u1, ..., un)` the 2^n subsets, `GROUPING SETS (...)` the concatenation of its
 *   elements' sets; `GROUP BY DISTINCT` drops repeated sets, `GROUP BY ALL` (the default)
 *   keeps them, so a repeated set repeats its rows;
 * - each grouping set is planned as its own aggregate over the same input, grouped by that
 *   set's keys; the keys it does not hold are NULL in its rows; the empty set is a global
 *   aggregate (one row, present from the first step even for empty input, as a query without
 *   GROUP BY); the results are united (UNION ALL), so each set is maintained incrementally by
 *   the ordinary aggregate operator and a change touches one group per set;
 * - every row carries a hidden column `$set`, the index of the set that made it, from which
 *   `GROUPING(e1, ..., em)` is computed: bit m-1-j is 1 when `ej` is not in the row's set
 *   (`e1` most significant), so a NULL key from the data (GROUPING 0) is told apart from one
 *   that was aggregated away (GROUPING 1).
 */
import type { ColumnType } from '../engine/values/types.js';
import type * as ast from './ast.js';
import { type Span, SqlError } from './messages.js';
import { type AggregateCall, type Column, colRef, type Expr, type Rel } from './plan.js';
import { VALIDATION_ERROR } from './scope.js';

/** A grouping set: indexes into the query's group keys, ascending, without repeats. */
export type GroupingSet = readonly number[];

/** PostgreSQL's limit; a CUBE of 13 units already exceeds it. */
const MAX_GROUPING_SETS = 4096;

const BIGINT: ColumnType = { type: 'BIGINT', nullable: false };
const SET_INDEX: ColumnType = { type: 'INTEGER', nullable: false };

function normalize(keys: number[]): GroupingSet {
  return [...new Set(keys)].sort((a, b) => a - b);
}

function tooMany(span: Span): never {
  throw new SqlError(span, VALIDATION_ERROR, `Too many grouping sets (at most ${MAX_GROUPING_SETS})`);
}

/** The grouping sets of one GROUP BY element; `key` gives an expression's key index. */
function elementSets(e: ast.GroupElement, key: (x: ast.Expr) => number): GroupingSet[] {
  switch (e.kind) {
    case 'exprs':
      return [normalize(e.exprs.map(key))];
    case 'rollup': {
      const units = e.units.map((u) => u.map(key));
      return Array.from({ length: units.length + 1 }, (_, n) =>
        normalize(units.slice(0, units.length - n).flat()),
      );
    }
    case 'cube': {
      const units = e.units.map((u) => u.map(key));
      if (2 ** units.length > MAX_GROUPING_SETS) tooMany(e.span);
      const sets: GroupingSet[] = [];
      // From the full set down to the empty one; a unit's bit is 1 when it is left out.
      for (let mask = 0; mask < 2 ** units.length; mask++)
        sets.push(normalize(units.flatMap((u, i) => ((mask >> (units.length - 1 - i)) & 1 ? [] : u))));
      return sets;
    }
    case 'sets':
      return e.elements.flatMap((x) => elementSets(x, key));
  }
}

/**
 * The grouping sets of a GROUP BY clause (the cross product of its elements' sets), without
 * repeats under `GROUP BY DISTINCT`. Throws `SqlError` past 4,096 sets.
 */
export function expandGroupingSets(
  clause: ast.GroupingClause,
  key: (e: ast.Expr) => number,
  span: Span,
): GroupingSet[] {
  let sets: GroupingSet[] = [[]];
  for (const element of clause.elements) {
    const next = elementSets(element, key);
    if (sets.length * next.length > MAX_GROUPING_SETS) tooMany(span);
    sets = sets.flatMap((a) => next.map((b) => normalize([...a, ...b])));
  }
  if (!clause.distinct) return sets;
  const seen = new Set<string>();
  return sets.filter((s) => {
    const k = s.join(',');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `GROUPING(args)` in a row of `set`: bit m-1-j is 1 when key `args[j]` is not in `set`. */
function groupingValue(set: GroupingSet, args: readonly number[]): bigint {
  let v = 0n;
  for (const k of args) v = (v << 1n) | (set.includes(k) ? 0n : 1n);
  return v;
}

/**
 * `GROUPING(args)` over the output of `groupingSetsPlan`: a constant when every set gives the
 * same value, else a CASE on the `$set` column (at `setColumn`).
 */
export function groupingExpr(sets: readonly GroupingSet[], args: readonly number[], setColumn: number): Expr {
  const values = sets.map((s) => groupingValue(s, args));
  const lit = (v: bigint): Expr => ({ kind: 'lit', value: v, type: BIGINT });
  const last = values[values.length - 1]!;
  if (values.every((v) => v === last)) return lit(last);
  const whens = values.flatMap((v, i) =>
    v === last
      ? []
      : [
          {
            when: {
              kind: 'call' as const,
              fn: 'eq',
              args: [colRef(setColumn, SET_INDEX), { kind: 'lit' as const, value: i, type: SET_INDEX }],
              type: { type: 'BOOLEAN' as const, nullable: false },
            },
            result: lit(v),
          },
        ],
  );
  return { kind: 'case', whens, else: lit(last), type: BIGINT };
}

/** The type of key `i` in the output: nullable unless every set holds it. */
export function groupedKeyType(sets: readonly GroupingSet[], i: number, type: ColumnType): ColumnType {
  return sets.every((s) => s.includes(i)) ? type : { ...type, nullable: true };
}

/**
 * The plan of a grouped query with grouping sets over `pre` (its columns: the `keys` group
 * keys, then the aggregates' inputs): per set, an aggregate grouped by that set's keys and a
 * projection to `[keys (NULL where absent), $set, aggregates]`; the union of those.
 */
export function groupingSetsPlan(
  pre: Rel,
  keys: number,
  sets: readonly GroupingSet[],
  aggregates: AggregateCall[],
): Rel {
  const keyColumns: Column[] = pre.columns
    .slice(0, keys)
    .map((c, i) => ({ name: c.name, type: groupedKeyType(sets, i, c.type) }));
  const columns: Column[] = [
    ...keyColumns,
    { name: '$set', type: SET_INDEX },
    ...aggregates.map((a, i) => ({ name: `$agg${i}`, type: a.type })),
  ];
  const branches: Rel[] = sets.map((set, index) => {
    const aggregate: Rel = {
      kind: 'aggregate',
      input: pre,
      groupKeys: [...set],
      aggregates,
      columns: [
        ...set.map((k) => pre.columns[k]!),
        ...aggregates.map((a, i) => ({ name: `$agg${i}`, type: a.type })),
      ],
    };
    const exprs: Expr[] = [
      ...keyColumns.map((c, k) => {
        const at = set.indexOf(k);
        return at < 0
          ? { kind: 'lit' as const, value: null, type: c.type }
          : colRef(at, pre.columns[k]!.type);
      }),
      { kind: 'lit', value: index, type: SET_INDEX },
      ...aggregates.map((a, i) => colRef(set.length + i, a.type)),
    ];
    return { kind: 'project', input: aggregate, exprs, columns };
  });
  return branches.length === 1 ? branches[0]! : { kind: 'union', inputs: branches, columns };
}
