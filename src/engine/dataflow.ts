/**
 * The dataflow graph a program compiles to: operators wired in topological order (a node only
 * reads nodes added before it), so one step is a single pass over the node list. Sources
 * (tables, ad-hoc snapshots) receive their batch from outside.
 *
 * An operator sees the deltas of its inputs for this step and returns its output delta.
 * Stateful operators (joins, aggregates, DISTINCT, top-k, set operations, tables with a key,
 * materializations) keep their integrated state in traces (trace/trace.ts), record undo
 * actions for every mutation, and expose the traces so that the circuit can give them storage,
 * checkpoint them and restore them.
 *
 * The step loop keeps a profile of every node (`NodeCounters`): invocations, cumulative time
 * and records in and out. It costs two `performance.now()` calls and a few additions per node
 * per step, small beside any operator's work, so it is always on (Feldera's circuit profile is
 * always available too). Steps that fail and are rolled back still count: their time was spent.
 */
import type { Trace } from './trace/trace.js';
import type { UndoLog } from './undo-log.js';
import type { WeightedRow } from './values/value.js';
import type { Batch } from './zset.js';

export interface StepContext {
  readonly undo: UndoLog;
  /** 1 for the first step of a circuit's life (preserved across checkpoints). */
  readonly step: number;
}

export interface Operator {
  step(inputs: readonly Batch[], ctx: StepContext): Batch;
}

/** An operator with state that checkpoints must save. */
export interface StatefulOperator extends Operator {
  /** The operator's traces, always in the same order (a checkpoint names them by position). */
  traces(): Trace<unknown>[];
  /** Small state kept outside traces, as JSON (saved in the checkpoint's circuit.json). */
  saveExtra?(): unknown;
  loadExtra?(extra: unknown): void;
  /** Rebuilds what the operator derives from its traces, after they were restored. */
  restored?(): void;
  /**
   * Whether the state holds the integral of the operator's output stream (all its output
   * deltas summed), which `integral()` then returns. A bootstrap replays such a node's
   * stream to new operators instead of recomputing it (state-carry.ts).
   */
  keepsIntegral?(): boolean;
  integral?(): WeightedRow[];
}

export function isStateful(op: Operator): op is StatefulOperator {
  return typeof (op as StatefulOperator).traces === 'function';
}

export interface DataflowNode {
  readonly id: number;
  readonly op: Operator;
  readonly inputs: readonly number[];
  /** Receives its batch from outside instead of from inputs. */
  readonly external: boolean;
  /** The relation (view or table) this node computes part of, for error messages. */
  readonly owner: string;
  /** What the node computes, independent of relation names (node-identity.ts). */
  readonly identity: string;
}

/** A failure inside one node, with the node for attribution. */
export class NodeFailure extends Error {
  constructor(
    readonly node: DataflowNode,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** What the step loop measured of one node since the circuit was made (not checkpointed). */
export interface NodeCounters {
  invocations: number;
  /** Cumulative wall-clock time inside the operator's `step`, in milliseconds. */
  timeMs: number;
  /** Records (weighted rows, unconsolidated) received from inputs, summed over steps. */
  recordsIn: number;
  /** Records produced, summed over steps. */
  recordsOut: number;
}

export class Dataflow {
  readonly nodes: DataflowNode[] = [];
  /** Per node, by id. */
  readonly counters: NodeCounters[] = [];

  add(op: Operator, inputs: readonly number[], owner: string, identity: string): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs, external: false, owner, identity });
    this.counters.push({ invocations: 0, timeMs: 0, recordsIn: 0, recordsOut: 0 });
    return id;
  }

  addSource(op: Operator, owner: string, identity: string): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs: [], external: true, owner, identity });
    this.counters.push({ invocations: 0, timeMs: 0, recordsIn: 0, recordsOut: 0 });
    return id;
  }

  /**
   * Runs every node once; returns each node's output batch and the nodes whose state changed
   * (they recorded undo actions). Throws `NodeFailure`.
   */
  run(external: ReadonlyMap<number, Batch>, ctx: StepContext): { outputs: Batch[]; changed: number[] } {
    const outputs: Batch[] = new Array(this.nodes.length);
    const changed: number[] = [];
    for (const node of this.nodes) {
      const inputs = node.external ? [external.get(node.id) ?? []] : node.inputs.map((i) => outputs[i]!);
      const recorded = ctx.undo.length;
      const counters = this.counters[node.id]!;
      counters.invocations++;
      for (const input of inputs) counters.recordsIn += input.length;
      const started = performance.now();
      try {
        outputs[node.id] = node.op.step(inputs, ctx);
      } catch (e) {
        counters.timeMs += performance.now() - started;
        throw new NodeFailure(node, e);
      }
      counters.timeMs += performance.now() - started;
      counters.recordsOut += outputs[node.id]!.length;
      if (ctx.undo.length !== recorded) changed.push(node.id);
    }
    return { outputs, changed };
  }
}
