/**
 * Carrying state from one program's circuit to a modified program's (bootstrapping; the
 * policy, diff and connectors are runtime/bootstrap.ts's, the design is
 * docs/design/bootstrap.md).
 *
 * Feldera's model: every operator has a persistent id derived from its logic; a modified
 * program restores the state of every operator whose id the checkpoint holds, and computes
 * the others ("backfill") by replaying, into them, the streams they read, taken from kept
 * integrals. Sluice does the same with node identities (node-identity.ts), which are Merkle
 * hashes of the subgraph feeding a node, so a kept node's whole upstream is unchanged and its
 * state is exactly what the new node would have computed from the same table contents.
 *
 * `planCarry` decides, for every node of the new circuit:
 * - a stateful node whose identity the previous circuit has is **kept**: it takes that node's
 *   traces, and does not run in the bootstrap pass;
 * - any other stateful node is **rebuilt**: it starts empty and runs once in the bootstrap pass
 *   over the full contents (the integrals) of the streams it reads;
 * - a stream a rebuilt node reads is produced in the pass: a stateless node (filter, map,
 *   flat-map, union, constant; all linear, so applied to its inputs' integrals it yields its
 *   own integral) runs over its inputs' integrals; a kept node is **replayed** from a
 *   previous node whose state is exactly its output's integral (a table's contents when it
 *   keeps them, a materialized view's `Integrate` — its own or any previous one over the same
 *   stream — or the clock's row); a kept node with no such integral (a join, an aggregate)
 *   is rebuilt instead, which pushes the need to its inputs.
 * A table whose stream is needed but whose contents no state holds (no key, not materialized,
 * and no materialized `SELECT *` of it) cannot be replayed: the plan lists it as `missing`,
 * with the relations that need it, and the bootstrap is refused.
 *
 * Rebuilding a node from the integrals in one pass gives the state it would hold after any
 * sequence of steps with the same sums, because every stateful operator's state is a
 * function of its inputs' integrals (tables: of the contents; the clock: of its row).
 * Outputs of the pass go nowhere (see the design note).
 */
import {
  type Dataflow,
  type DataflowNode,
  isStateful,
  NodeFailure,
  type StatefulOperator,
} from './dataflow.js';
import { integrateIdentity } from './node-identity.js';
import type { UndoLog } from './undo-log.js';
import type { Batch } from './zset.js';

/** What the bootstrap pass does with one node of the new circuit. */
export type CarryAction =
  /** Run the node once (fresh if stateful) over its inputs' integrals. */
  | { kind: 'run' }
  /** Take its output's integral from this node of the previous circuit. */
  | { kind: 'replay'; from: number };

export interface StateCarryPlan {
  /** Node of the new circuit -> node of the previous one whose state it takes. */
  readonly kept: ReadonlyMap<number, number>;
  /** The nodes the bootstrap pass computes, and how. */
  readonly actions: ReadonlyMap<number, CarryAction>;
  /** Views (and LOCAL views) with a node rebuilt from scratch, sorted. */
  readonly rebuilt: string[];
  /** Tables whose contents a rebuilt node needs and no state holds, with those relations. */
  readonly missing: Array<{ table: string; readers: string[] }>;
}

function stateful(node: DataflowNode): StatefulOperator | null {
  return isStateful(node.op) ? node.op : null;
}

/** Plans carrying `previous`'s state into `next` (both circuits' dataflows, as built). */
export function planCarry(next: Dataflow, previous: Dataflow): StateCarryPlan {
  const previousByIdentity = new Map<string, number>();
  for (const node of previous.nodes)
    if (!previousByIdentity.has(node.identity)) previousByIdentity.set(node.identity, node.id);
  const kept = new Map<number, number>();
  for (const node of next.nodes) {
    const from = previousByIdentity.get(node.identity);
    if (stateful(node) && from !== undefined) kept.set(node.id, from);
  }
  // The previous node whose state is the integral of `node`'s output, if any.
  const integralOf = (node: DataflowNode, from: number): number | undefined => {
    if (stateful(previous.nodes[from]!)?.keepsIntegral?.()) return from;
    return previousByIdentity.get(integrateIdentity(node.identity));
  };

  const actions = new Map<number, CarryAction>();
  const rebuilt = new Set<number>();
  const missing: StateCarryPlan['missing'] = [];
  /** Per node whose stream the pass needs: the relations that need it. */
  const needed = new Map<number, Set<string>>();
  const need = (node: DataflowNode, readers: Iterable<string>) => {
    for (const input of node.inputs) {
      const set = needed.get(input) ?? new Set<string>();
      needed.set(input, set);
      for (const r of readers) set.add(r);
    }
  };
  // Consumers come after their inputs, so walking backwards decides every reader of a node
  // before the node itself.
  for (let id = next.nodes.length - 1; id >= 0; id--) {
    const node = next.nodes[id]!;
    const readers = needed.get(id);
    if (stateful(node) && !kept.has(id)) {
      actions.set(id, { kind: 'run' });
      rebuilt.add(id);
      need(node, [...(readers ?? []), node.owner]);
      continue;
    }
    if (!readers) continue;
    if (!stateful(node)) {
      actions.set(id, { kind: 'run' });
      need(node, readers);
      continue;
    }
    const from = integralOf(node, kept.get(id)!);
    if (from !== undefined) {
      actions.set(id, { kind: 'replay', from });
    } else if (node.external) {
      missing.push({ table: node.owner, readers: [...readers].sort() });
    } else {
      kept.delete(id);
      rebuilt.add(id);
      actions.set(id, { kind: 'run' });
      need(node, readers);
    }
  }
  const views = [...rebuilt].map((id) => next.nodes[id]!).filter((n) => !n.external);
  return {
    kept,
    actions,
    rebuilt: [...new Set(views.map((n) => n.owner))].sort(),
    missing: missing.reverse(),
  };
}

/**
 * The bootstrap pass: computes the planned nodes of `next` in order (rebuilt ones start from
 * the empty state they were restored with), reading replayed integrals from `previous`
 * (restored). `external` gives a rebuilt source its input (a new table: nothing; the clock:
 * the time). Returns the number of rows replayed. Throws `NodeFailure`; the caller rolls
 * back `undo`.
 */
export function runCarryPass(
  next: Dataflow,
  previous: Dataflow,
  plan: StateCarryPlan,
  external: (node: DataflowNode) => Batch,
  undo: UndoLog,
): number {
  const values: Batch[] = new Array(next.nodes.length);
  // Every node that runs here runs for the first time, so it sees step 1 (a constant emits).
  const ctx = { undo, step: 1 };
  let replayed = 0;
  for (const node of next.nodes) {
    const action = plan.actions.get(node.id);
    if (!action) continue;
    if (action.kind === 'replay') {
      const rows = stateful(previous.nodes[action.from]!)!.integral!();
      replayed += rows.length;
      values[node.id] = rows;
      continue;
    }
    const inputs = node.external ? [external(node)] : node.inputs.map((i) => values[i]!);
    try {
      values[node.id] = node.op.step(inputs, ctx);
    } catch (e) {
      throw new NodeFailure(node, e);
    }
  }
  return replayed;
}
