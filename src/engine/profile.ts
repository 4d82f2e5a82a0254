/**
 * A circuit's performance profile: per dataflow node what the step loop measured
 * (dataflow.ts `NodeCounters`) and the size of the state it keeps. The pipeline process
 * renders it in Feldera's shapes (src/runtime/circuit-profile.ts).
 */
import { type Dataflow, isStateful } from './dataflow.js';

/** One dataflow node of a profile. */
export interface OperatorProfile {
  /** Node number, fixed by the program (the same as in checkpoints). */
  id: number;
  /** The operator's kind: its class name (e.g. `TableInput`, `Integrate`, `JoinOp`). */
  kind: string;
  /** The table or view (or `NOW()`) of the program this node computes part of. */
  relation: string;
  /** Node numbers this node reads, in input order. */
  inputs: number[];
  invocations: number;
  /** Cumulative time inside the operator, in milliseconds. */
  time_ms: number;
  records_in: number;
  records_out: number;
  /** Null for stateless operators. */
  state: { traces: number; entries: number; bytes: number; batches: number } | null;
}

export interface CircuitProfileData {
  /** Steps the circuit has run (checkpointed; the counters are since the process started). */
  steps: number;
  operators: OperatorProfile[];
}

/** Reads the counters and the state sizes of every node of `dataflow`, now. */
export function profileDataflow(dataflow: Dataflow, steps: number): CircuitProfileData {
  const operators = dataflow.nodes.map((node): OperatorProfile => {
    const c = dataflow.counters[node.id]!;
    let state: OperatorProfile['state'] = null;
    if (isStateful(node.op)) {
      state = { traces: 0, entries: 0, bytes: 0, batches: 0 };
      for (const trace of node.op.traces()) {
        const size = trace.stateSize();
        state.traces++;
        state.entries += size.entries;
        state.bytes += size.bytes;
        state.batches += size.batches;
      }
    }
    return {
      id: node.id,
      kind: node.op.constructor.name,
      relation: node.owner,
      inputs: [...node.inputs],
      invocations: c.invocations,
      time_ms: c.timeMs,
      records_in: c.recordsIn,
      records_out: c.recordsOut,
      state,
    };
  });
  return { steps, operators };
}
