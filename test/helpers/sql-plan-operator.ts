/**
 * A view's whole plan run as one operator, so that the operator law checks
 * (sql-operator-law.ts: incrementalization, rollback, checkpoint and restore) cover a
 * composite plan and not only one operator. The plan is built with the engine's own builder
 * (`buildRel`) into a private dataflow whose one source is the table the view reads; a step
 * runs that dataflow with the caller's undo log, and the operator's traces are those of every
 * stateful node, in node order.
 */
import { buildRel } from '../../src/engine/build.js';
import {
  Dataflow,
  isStateful,
  type Operator,
  type StatefulOperator,
  type StepContext,
} from '../../src/engine/dataflow.js';
import type { Trace } from '../../src/engine/trace/trace.js';
import type { Batch } from '../../src/engine/zset.js';
import { compileProgramSql } from '../../src/sql/compile.js';
import type { Rel } from '../../src/sql/plan.js';

/** Passes the batch it is given on: the table's delta. */
class Source implements Operator {
  step([batch]: readonly Batch[]): Batch {
    return batch!;
  }
}

class PlanOperator implements StatefulOperator {
  private readonly dataflow = new Dataflow();
  private readonly source: number;
  private readonly output: number;

  constructor(plan: Rel, table: string) {
    this.source = this.dataflow.addSource(new Source(), table, `source:${table}`);
    this.output = buildRel(plan, 'v', this.dataflow, (name) => {
      if (name !== table) throw new Error(`the plan reads ${name}, not only ${table}`);
      return this.source;
    });
  }

  step([delta]: readonly Batch[], ctx: StepContext): Batch {
    return this.dataflow.run(new Map([[this.source, delta!]]), ctx).outputs[this.output]!;
  }

  traces(): Trace<unknown>[] {
    return this.dataflow.nodes.flatMap((n) => (isStateful(n.op) ? n.op.traces() : []));
  }

  saveExtra(): unknown {
    return this.dataflow.nodes.map((n) => (isStateful(n.op) ? (n.op.saveExtra?.() ?? null) : null));
  }

  loadExtra(extra: unknown): void {
    const all = extra as unknown[];
    this.dataflow.nodes.forEach((n, i) => {
      if (isStateful(n.op) && all[i] !== null) n.op.loadExtra?.(all[i]);
    });
  }

  restored(): void {
    for (const n of this.dataflow.nodes) if (isStateful(n.op)) n.op.restored?.();
  }
}

/**
 * A factory of operators computing view `view` of `program` (SQL text) from the changes of
 * its one table `table`, as the optimized plan the compiler gives it. Throws if the program
 * does not compile.
 */
export function viewAsOperator(program: string, view: string, table: string): () => Operator {
  const compiled = compileProgramSql(program);
  if (compiled.errors.length > 0) throw new Error(compiled.errors.map((e) => e.message).join('\n'));
  const found = compiled.views.find((v) => v.info.name === view);
  if (!found) throw new Error(`no view ${view}`);
  return () => new PlanOperator(found.plan, table);
}
