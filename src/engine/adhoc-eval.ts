/**
 * One-shot evaluation of a plan over snapshots, in bounded steps.
 *
 * The plan is built into a throw-away dataflow of the circuit's own operators (so ad-hoc
 * answers agree with views), whose sources are the snapshots of the relations it scans. The
 * snapshots are not pushed in one step: they are fed in chunks over many steps, one source
 * after the other, and the caller receives each step's output delta. Because every operator
 * is incremental, the sum of those deltas is exactly the answer one big step would give; but
 * a step only materializes what its chunk produces, so
 *   - a query's intermediate results never need to exist whole (`COUNT(*)` over a cross
 *     product holds one chunk of pairs at a time, not the product), and
 *   - a caller that has seen enough (LIMIT without ORDER BY) stops pulling and the rest is
 *     never computed.
 * The chunk size adapts: it starts at one row for each source and doubles while a step
 * produces fewer than `STEP_ROWS` rows over all its nodes, and shrinks in proportion when a
 * step produces more, so a source joined against a large other side is fed a few rows at a
 * time. A step can still be large when one row fans out widely (a row of a three-way cross
 * product); the query worker's memory limit is the backstop.
 */
import type { Rel } from '../sql/plan.js';
import { buildRel } from './build.js';
import { Dataflow, NodeFailure, type Operator } from './dataflow.js';
import { EngineError } from './errors.js';
import { UndoLog } from './undo-log.js';
import type { WeightedRow } from './values/value.js';
import { type Batch, markConsolidated } from './zset.js';

/** Rows a step should produce over all its nodes; the chunk size is steered towards it. */
const STEP_ROWS = 16_384;
/** Largest chunk of a source fed in one step. */
const MAX_CHUNK = 65_536;

/** Passes the chunk it is fed through. */
class SnapshotSource implements Operator {
  step([chunk]: readonly Batch[]): Batch {
    return chunk!;
  }
}

/**
 * True when the relation's output only grows as its inputs grow (no retractions for positive
 * inputs): then each step's delta holds final rows, which may be sent at once. Aggregates,
 * outer and mark joins, set differences and top-k retract earlier output, so only the sum of
 * all deltas is the answer.
 */
export function isMonotone(rel: Rel): boolean {
  switch (rel.kind) {
    case 'scan':
    case 'values':
      return true;
    case 'filter':
    case 'project':
    case 'distinct':
    case 'unnest':
      return isMonotone(rel.input);
    case 'union':
      return rel.inputs.every(isMonotone);
    case 'join':
      return rel.joinType === 'inner' && isMonotone(rel.left) && isMonotone(rel.right);
    default:
      return false;
  }
}

/**
 * Yields the output delta of each step of `rel` evaluated over `snapshot(name)` of the
 * relations it scans (each a consolidated Z-set with positive weights). Throws `EngineError`
 * `RuntimeError` when an expression fails (overflow, division by zero).
 */
export function* stepDeltas(
  rel: Rel,
  snapshot: (relation: string) => WeightedRow[],
): Generator<WeightedRow[], void, undefined> {
  const dataflow = new Dataflow();
  const sources: { node: number; rows: WeightedRow[] }[] = [];
  const scans = new Map<string, number>();
  const output = buildRel(rel, '(ad-hoc query)', dataflow, (name) => {
    let node = scans.get(name);
    if (node === undefined) {
      node = dataflow.addSource(new SnapshotSource(), name, `snapshot:${name}`);
      scans.set(name, node);
      sources.push({ node, rows: snapshot(name) });
    }
    return node;
  });
  const undo = new UndoLog();
  let step = 0;
  const run = (external: Map<number, Batch>): Batch[] => {
    try {
      // Nothing is ever rolled back: the dataflow is dropped when the query ends.
      const { outputs } = dataflow.run(external, { undo, step: ++step });
      undo.clear();
      return outputs;
    } catch (e) {
      if (!(e instanceof NodeFailure)) throw e;
      throw new EngineError('RuntimeError', `Ad-hoc query failed: ${e.message}`, { cause: e.message });
    }
  };
  for (const { node, rows } of sources) {
    // Each source starts small again: its fan-out is not the previous source's.
    let chunk = 1;
    for (let pos = 0; pos < rows.length; ) {
      const slice = markConsolidated(rows.slice(pos, pos + chunk));
      pos += slice.length;
      const outputs = run(new Map([[node, slice]]));
      let produced = 0;
      for (const batch of outputs) produced += batch.length;
      if (produced > STEP_ROWS) chunk = Math.max(1, Math.floor((chunk * STEP_ROWS) / produced));
      else if (produced < STEP_ROWS / 2) chunk = Math.min(MAX_CHUNK, chunk * 2);
      yield outputs[output]!;
    }
  }
  // Only constants (or empty snapshots): one step still computes the answer.
  if (step === 0) yield run(new Map())[output]!;
}
