/**
 * The fixed point of a recursive group of views (Feldera's "Mutually-Recursive Queries"; the
 * design, its costs and what DBSP's nested circuits would add: docs/design/recursion.md).
 *
 * A group is one operator of the outer circuit. Its inputs are the relations outside the group
 * that the group's queries read (tables, other views, the clock); its output is the delta of
 * every member view, each row tagged with the member's index (`[member, ...row]`), which the
 * circuit splits into one node per view.
 *
 * State (traces, so checkpoints save it and `restore` brings it back): the integrated contents
 * of every input, and the group's current fixed point (tagged rows with their weights); and,
 * as the checkpoint's extra state, whether the fixed point was ever computed.
 *
 * On a step where some input changed (and on its first step, for groups made of constants),
 * the operator computes the fixed point again from the integrated inputs, in a
 * private sub-circuit built fresh for the purpose (`SubCircuit`), by semi-naive iteration:
 *
 *   iteration 1 feeds the sub-circuit the whole inputs, and empty feedback;
 *   iteration k+1 feeds it no input and, as the feedback of each declared view, that view's
 *     output delta of iteration k;
 *   it stops after the first iteration in which no member view changed.
 *
 * The sub-circuit's operators are the ordinary incremental ones, so iteration k+1 costs what
 * the new rows of iteration k cost, and non-monotonic queries (aggregates, EXCEPT, outer joins)
 * are handled by their incremental state like anywhere else. The members' plans end in
 * DISTINCT (the front end adds it), so the sum of a view's deltas is a set and the iteration
 * reaches the least fixed point when one exists.
 *
 * The output is the difference between the new fixed point and the stored one, so retracting
 * an input row removes exactly the derived rows that no longer follow, cycles included (the
 * fixed point is recomputed, never patched). There is no intermediate output: the whole
 * iteration happens inside one step of the outer circuit.
 *
 * A recursion without a fixed point (Fibonacci without a bound) either fails inside the
 * sub-circuit (an arithmetic overflow, as in Feldera) or runs into `maxIterations`; either way
 * the operator throws, and the outer circuit rolls the step back and reports the error. The
 * sub-circuit's state lives only during the step, in memory, and is dropped afterwards.
 */
import { type Dataflow, NodeFailure, type StatefulOperator, type StepContext } from '../dataflow.js';
import type { Trace } from '../trace/trace.js';
import { UndoLog } from '../undo-log.js';
import { rowKey, type WeightedRow } from '../values/value.js';
import { type Batch, consolidate, consolidateKeyed, markConsolidated, ZSetMap } from '../zset.js';

/**
 * Iterations one fixed-point computation may take before the step fails. A recursion that
 * needs more (a chain of more than this many derivation steps) is refused as if it did not
 * terminate; see docs/design/recursion.md.
 */
export const MAX_ITERATIONS = 100_000;

/** One fresh copy of the group's queries as a dataflow, and where to feed and read it. */
export interface SubCircuit {
  dataflow: Dataflow;
  /** Per outer input (same order as the operator's inputs): the source node fed its contents. */
  inputs: readonly number[];
  /** Per member view: the source node fed its previous iteration's delta, or -1 if it has none. */
  feedback: readonly number[];
  /** Per member view: the node whose output is the view's delta in one iteration. */
  outputs: readonly number[];
}

export class Fixpoint implements StatefulOperator {
  private readonly integrated: ZSetMap[];
  private readonly fixpoint = new ZSetMap();
  /** Whether `fixpoint` was ever computed: a group of constants must be solved once without input. */
  private solved = false;

  /**
   * `build` returns a new sub-circuit each time (its operators start empty); `names` are the
   * member views' names, for error messages.
   */
  constructor(
    inputs: number,
    private readonly names: readonly string[],
    private readonly build: () => SubCircuit,
    private readonly maxIterations = MAX_ITERATIONS,
  ) {
    this.integrated = Array.from({ length: inputs }, () => new ZSetMap());
  }

  step(inputs: readonly Batch[], ctx: StepContext): Batch {
    let changed = !this.solved;
    inputs.forEach((batch, i) => {
      const { rows, keys } = consolidateKeyed(batch);
      if (rows.length === 0) return;
      this.integrated[i]!.applyKeyed(rows, keys, ctx.undo);
      changed = true;
    });
    if (!changed) return [];
    const next = this.solve();
    const out: Batch = [];
    for (const [key, e] of next) {
      const before = this.fixpoint.weightOf(key);
      if (before !== e.weight) out.push({ row: e.row, weight: e.weight - before });
    }
    for (const e of this.fixpoint.trace.values())
      if (!next.has(rowKey(e.row))) out.push({ row: e.row, weight: -e.weight });
    this.fixpoint.apply(out, ctx.undo);
    if (!this.solved) {
      this.solved = true;
      ctx.undo.record(() => {
        this.solved = false;
      });
    }
    return markConsolidated(out);
  }

  /** The group's fixed point from the integrated inputs: tagged rows by `rowKey`. */
  private solve(): Map<string, WeightedRow> {
    const sub = this.build();
    const undo = new UndoLog();
    const contents = new Map<string, WeightedRow>();
    let external = new Map<number, Batch>();
    sub.inputs.forEach((node, i) => {
      external.set(node, this.integrated[i]!.toArray());
    });
    for (let iteration = 1; ; iteration++) {
      if (iteration > this.maxIterations)
        throw new Error(
          `the recursive ${this.names.length > 1 ? 'views' : 'view'} ${this.names.map((n) => `'${n}'`).join(', ')} ` +
            `did not reach a fixed point within ${this.maxIterations} iterations; bound the recursion (e.g. with a WHERE clause)`,
        );
      let outputs: Batch[];
      try {
        outputs = sub.dataflow.run(external, { undo, step: iteration }).outputs;
      } catch (e) {
        if (!(e instanceof NodeFailure)) throw e;
        throw new Error(`in recursive view '${e.node.owner}' (iteration ${iteration}): ${e.message}`);
      }
      undo.clear();
      external = new Map();
      let moved = false;
      sub.outputs.forEach((node, member) => {
        const delta = consolidate(outputs[node]!);
        if (delta.length === 0) return;
        moved = true;
        const feedback = sub.feedback[member]!;
        if (feedback >= 0) external.set(feedback, delta);
        for (const { row, weight } of delta) {
          const tagged = [member, ...row];
          const key = rowKey(tagged);
          const e = contents.get(key);
          if (!e) {
            contents.set(key, { row: tagged, weight });
            continue;
          }
          e.weight += weight;
          if (e.weight === 0) contents.delete(key);
        }
      });
      if (!moved) return contents;
    }
  }

  traces(): Trace<unknown>[] {
    return [...this.integrated.map((z) => z.trace), this.fixpoint.trace];
  }

  saveExtra(): unknown {
    return { solved: this.solved };
  }

  loadExtra(extra: unknown): void {
    this.solved = (extra as { solved?: unknown }).solved === true;
  }
}
