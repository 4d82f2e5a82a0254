/**
 * Plan rewrites that keep incremental work proportional to the change:
 * - filter conjuncts are pushed below joins to the side they read (so join state holds only
 *   rows that can match), and conjuncts reading both sides of an inner join become part of
 *   its condition;
 * - equalities between the two sides of a join condition become equi-join keys, so
 *   `FROM a, b WHERE a.k = b.k` is a hash join and not a cross product.
 * Pushdown respects outer joins: only the preserved side's filters move below them.
 */
import { andAll, columnsOf, conjuncts, type Expr, type Rel, shiftColumns } from './plan.js';

type Join = Extract<Rel, { kind: 'join' }>;

export function optimize(rel: Rel): Rel {
  switch (rel.kind) {
    case 'filter':
      return pushFilter(optimize(rel.input), conjuncts(rel.predicate));
    case 'join':
      return optimizeJoin({ ...rel, left: optimize(rel.left), right: optimize(rel.right) });
    case 'project':
    case 'aggregate':
    case 'distinct':
    case 'topk':
    case 'unnest':
      return { ...rel, input: optimize(rel.input) };
    case 'union':
      return { ...rel, inputs: rel.inputs.map(optimize) };
    case 'setop':
      return { ...rel, left: optimize(rel.left), right: optimize(rel.right) };
    default:
      return rel;
  }
}

/** Which side of a join a predicate reads: 'left', 'right', 'both' or 'none'. */
function sideOf(e: Expr, leftWidth: number, rightEnd: number): 'left' | 'right' | 'both' | 'none' {
  let left = false;
  let right = false;
  for (const c of columnsOf(e)) {
    if (c < leftWidth) left = true;
    else if (c < rightEnd) right = true;
    else return 'both'; // The mark column of a mark join is neither input's.
  }
  return left && right ? 'both' : left ? 'left' : right ? 'right' : 'none';
}

/** Filters that may move below a join to the given side without changing its result. */
function canPush(join: Join, side: 'left' | 'right', fromWhere: boolean): boolean {
  const t = join.joinType;
  if (t === 'inner') return true;
  if (fromWhere) return side === 'left' ? t === 'left' || t === 'mark' : t === 'right';
  // Conditions in ON may filter the side whose unmatched rows are not kept.
  return side === 'left' ? t === 'right' : t === 'left' || t === 'mark';
}

function filterOf(input: Rel, preds: Expr[]): Rel {
  return preds.length === 0
    ? input
    : { kind: 'filter', input, predicate: andAll(preds), columns: input.columns };
}

function pushFilter(input: Rel, preds: Expr[]): Rel {
  if (preds.length === 0) return input;
  if (input.kind === 'filter') return pushFilter(input.input, [...conjuncts(input.predicate), ...preds]);
  if (input.kind !== 'join') return filterOf(input, preds);
  const w = input.left.columns.length;
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const toCondition: Expr[] = [];
  const stay: Expr[] = [];
  for (const p of preds) {
    const side = sideOf(p, w, w + input.right.columns.length);
    if (side === 'left' && canPush(input, 'left', true)) toLeft.push(p);
    else if (side === 'right' && canPush(input, 'right', true)) toRight.push(shiftColumns(p, -w));
    else if (side === 'both' && input.joinType === 'inner') toCondition.push(p);
    else stay.push(p);
  }
  if (toLeft.length + toRight.length + toCondition.length === 0) return filterOf(input, preds);
  const residual = [...(input.residual ? conjuncts(input.residual) : []), ...toCondition];
  const join = optimizeJoin({
    ...input,
    left: pushFilter(input.left, toLeft),
    right: pushFilter(input.right, toRight),
    residual: residual.length === 0 ? null : andAll(residual),
  });
  return filterOf(join, stay);
}

/** Turns cross-side equalities of the join condition into keys and pushes one-sided conditions down. */
function optimizeJoin(join: Join): Rel {
  if (!join.residual) return join;
  const w = join.left.columns.length;
  const end = w + join.right.columns.length;
  const leftKeys = [...join.leftKeys];
  const rightKeys = [...join.rightKeys];
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const rest: Expr[] = [];
  for (const p of conjuncts(join.residual)) {
    if (p.kind === 'call' && p.fn === 'eq') {
      const [a, b] = p.args as [Expr, Expr];
      const sa = sideOf(a, w, end);
      const sb = sideOf(b, w, end);
      if (sa === 'left' && sb === 'right') {
        leftKeys.push(a);
        rightKeys.push(shiftColumns(b, -w));
        continue;
      }
      if (sa === 'right' && sb === 'left') {
        leftKeys.push(b);
        rightKeys.push(shiftColumns(a, -w));
        continue;
      }
    }
    const side = sideOf(p, w, end);
    if (side === 'left' && canPush(join, 'left', false)) toLeft.push(p);
    else if (side === 'right' && canPush(join, 'right', false)) toRight.push(shiftColumns(p, -w));
    else rest.push(p);
  }
  return {
    ...join,
    left: pushFilter(join.left, toLeft),
    right: pushFilter(join.right, toRight),
    leftKeys,
    rightKeys,
    residual: rest.length === 0 ? null : andAll(rest),
  };
}
