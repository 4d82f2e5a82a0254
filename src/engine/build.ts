/**
 * Builds dataflow nodes from logical plans: one operator per plan node, expressions compiled
 * to closures. Scans resolve to the nodes of tables and views (so views reading views share
 * them); the caller decides what a scan reads, which is how ad-hoc queries reuse this over
 * snapshots.
 */
import type { Expr, Rel } from '../sql/plan.js';
import type { Dataflow, Operator } from './dataflow.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import { nodeIdentity, relDetail } from './node-identity.js';
import { Aggregate } from './operators/aggregate.js';
import { Constant } from './operators/constant.js';
import { Distinct } from './operators/distinct.js';
import { Filter } from './operators/filter.js';
import { FlatMap } from './operators/flat-map.js';
import { Join, type KeyFunction } from './operators/join.js';
import { MapRows } from './operators/map.js';
import { SetMembership } from './operators/set-membership.js';
import { TopK } from './operators/top-k.js';
import { Union } from './operators/union.js';
import { unnestRows } from './unnest.js';
import { type Row, type Value, valueKey } from './values/value.js';

/** Compiles join-key expressions to a function returning the key string (null if a value is NULL). */
export function keyFunction(keys: readonly Expr[]): KeyFunction {
  if (keys.length === 0) return () => '';
  if (keys.every((k) => k.kind === 'col')) {
    const indexes = keys.map((k) => (k as Extract<Expr, { kind: 'col' }>).index);
    return (row) => {
      let key = '';
      for (const i of indexes) {
        const v = row[i] as Value;
        if (v === null) return null;
        key += `${valueKey(v)}|`;
      }
      return key;
    };
  }
  const fns = keys.map(compileExpr);
  return (row) => {
    let key = '';
    for (const f of fns) {
      const v = f(row);
      if (v === null) return null;
      key += `${valueKey(v)}|`;
    }
    return key;
  };
}

function isIdentity(rel: Extract<Rel, { kind: 'project' }>): boolean {
  return (
    rel.exprs.length === rel.input.columns.length &&
    rel.exprs.every((e, i) => e.kind === 'col' && e.index === i)
  );
}

const NO_ROW: Row = [];

function noClock(): number {
  throw new Error('this plan reads the clock input, which only a pipeline circuit has');
}

/**
 * Adds the nodes computing `rel` to `dataflow`; returns the node of its output. `scan` gives
 * the node of a table or view, `clock` the node of the clock input (the planner puts it where
 * the SQL calls `NOW()`; plans without it never call `clock`).
 */
export function buildRel(
  rel: Rel,
  owner: string,
  dataflow: Dataflow,
  scan: (relation: string) => number,
  clock: () => number = noClock,
): number {
  const build = (r: Rel) => buildRel(r, owner, dataflow, scan, clock);
  // Every node added here is identified by its plan node and its inputs (node-identity.ts).
  const add = (op: Operator, inputs: number[]) =>
    dataflow.add(
      op,
      inputs,
      owner,
      nodeIdentity(
        rel.kind,
        relDetail(rel),
        inputs.map((i) => dataflow.nodes[i]!.identity),
      ),
    );
  switch (rel.kind) {
    case 'scan':
      return scan(rel.relation);
    case 'clock':
      return clock();
    case 'values': {
      const rows = rel.rows.map((r) => r.map(compileExpr));
      return add(new Constant(() => rows.map((r) => r.map((f) => f(NO_ROW)))), []);
    }
    case 'filter':
      return add(new Filter(compilePredicate(rel.predicate)), [build(rel.input)]);
    case 'project': {
      const input = build(rel.input);
      return isIdentity(rel) ? input : add(new MapRows(rel.exprs.map(compileExpr)), [input]);
    }
    case 'join': {
      const left = build(rel.left);
      const right = build(rel.right);
      const op = new Join(
        rel.joinType,
        keyFunction(rel.leftKeys),
        keyFunction(rel.rightKeys),
        rel.residual ? compilePredicate(rel.residual) : null,
        rel.left.columns.length,
        rel.right.columns.length,
      );
      return add(op, [left, right]);
    }
    case 'aggregate': {
      const specs = rel.aggregates.map((call) => ({
        call,
        argType: call.arg === null ? null : rel.input.columns[call.arg]!.type,
      }));
      return add(new Aggregate(rel.groupKeys, specs), [build(rel.input)]);
    }
    case 'distinct':
      return add(new Distinct(), [build(rel.input)]);
    case 'union':
      return add(new Union(), rel.inputs.map(build));
    case 'setop':
      return add(new SetMembership(rel.op, rel.all), [build(rel.left), build(rel.right)]);
    case 'topk':
      return add(new TopK(rel.order, rel.limit, rel.offset), [build(rel.input)]);
    case 'unnest': {
      const fields = rel.expand === 'fields' ? (rel.collection.type.component!.fields?.length ?? 0) : 0;
      const expand = unnestRows(compileExpr(rel.collection), rel.expand, rel.ordinality, fields);
      return add(new FlatMap(expand), [build(rel.input)]);
    }
  }
}
