/**
 * A running instance of a program: tables receive pushed changes, `step()` runs the dataflow
 * once and returns every relation's delta, materialized relations can be read.
 *
 * Steps are atomic: operators record undo actions as they mutate their state, and if any
 * operator fails the log is replayed backwards, so the circuit (and the pending input) is
 * exactly as before the call.
 *
 * Checkpoint state is one file per stateful operator (`op-<node>.bin`) plus `circuit.json`
 * (fingerprint and step). Node numbers are fixed by the program, and every operator writes
 * its entries sorted by key, so equal state gives equal bytes and an operator whose state did
 * not change produces the identical file. An operator's file is only re-encoded after a step
 * that changed it (it recorded undo actions); otherwise the previous encoding is reused, so a
 * checkpoint after a small step costs as much as the operators that step touched.
 */
import type { TableInfo, ViewInfo } from '../sql/catalog.js';
import type { CompiledView } from '../sql/compile.js';
import { type AdHocStatement, type AdHocTarget, prepareAdHoc, type QueryResult, runAdHoc } from './adhoc.js';
import { buildRel } from './build.js';
import { Dataflow, isStateful, NodeFailure } from './dataflow.js';
import { EngineError, type RuntimeErrorDetails } from './errors.js';
import { Integrate } from './operators/integrate.js';
import { TableInput } from './operators/table-input.js';
import { StateReader, StateWriter } from './state-codec.js';
import { UndoLog } from './undo-log.js';
import { typeToSql } from './values/types.js';
import { hasValueShape } from './values/validate.js';
import type { Value, WeightedRow } from './values/value.js';
import { type Batch, consolidate } from './zset.js';

export type { QueryResult };

/** Each table's and output view's delta for one step, by canonical name. */
export type StepOutput = Map<string, WeightedRow[]>;

export interface StateFile {
  name: string;
  data: Buffer;
}

export interface Circuit {
  /** Buffers changes to a table (rows in column order); they are applied by the next `step()`. */
  push(table: string, rows: WeightedRow[]): void;
  /** Applies the buffered changes; returns every table's and output view's delta. Atomic. */
  step(): StepOutput;
  readonly stepCount: number;
  /** Drops the buffered changes (e.g. after a step failed on them). */
  discardPending(): void;
  /**
   * Removes and returns the buffered changes, by table, as `push` stored them (full rows). The
   * pipeline's data plane keeps each accepted input apart this way, so that when a step fails
   * it can retry the inputs separately and reject only the ones that fail.
   */
  takePending(): Map<string, WeightedRow[]>;
  /** Integrated contents of a materialized table or view. */
  snapshot(name: string): WeightedRow[];
  /**
   * `snapshot(name)` in chunks of `size` rows, read from the live state as they are pulled,
   * so a large relation can be copied over several event-loop turns: no step may run until
   * the generator is done or dropped, or the chunks would mix two states.
   */
  snapshotChunks(name: string, size: number): Generator<WeightedRow[], void, undefined>;
  /** Runs an ad-hoc SELECT over materialized relations, or an INSERT ... VALUES. */
  query(sql: string): QueryResult;
  /** Plans an ad-hoc statement without running or applying it (see adhoc.ts). */
  prepareQuery(sql: string): AdHocStatement;
  exportState(): StateFile[];
  /** Loads state exported from a circuit of the same program; only on a fresh instance. */
  importState(files: StateFile[]): void;
}

const META_FILE = 'circuit.json';

interface TableSlot {
  info: TableInfo;
  node: number;
  input: TableInput;
}

interface ViewSlot {
  info: ViewInfo;
  node: number;
  contents: Integrate | null;
}

export class CircuitInstance implements Circuit {
  private readonly dataflow = new Dataflow();
  private readonly tables = new Map<string, TableSlot>();
  private readonly views = new Map<string, ViewSlot>();
  private pending = new Map<string, Batch>();
  private steps = 0;
  private fresh = true;
  private readonly undo = new UndoLog();
  /** Last exported state of each operator, dropped when a step changes that operator. */
  private readonly exported = new Map<number, Buffer>();

  constructor(
    private readonly fingerprint: string,
    tables: TableInfo[],
    views: CompiledView[],
    private readonly resolve: (name: string) => TableInfo | ViewInfo | undefined,
  ) {
    for (const info of tables) {
      const input = new TableInput(info.primaryKey, info.materialized);
      this.tables.set(info.name, { info, node: this.dataflow.addSource(input, info.name), input });
    }
    for (const { info, plan } of views) {
      let node = buildRel(plan, info.name, this.dataflow, (name) => this.nodeOf(name));
      let contents: Integrate | null = null;
      if (info.materialized) {
        contents = new Integrate();
        node = this.dataflow.add(contents, [node], info.name);
      }
      this.views.set(info.name, { info, node, contents });
    }
  }

  private nodeOf(name: string): number {
    const slot = this.tables.get(name) ?? this.views.get(name);
    if (!slot) throw new Error(`plan reads unknown relation ${name}`);
    return slot.node;
  }

  get stepCount(): number {
    return this.steps;
  }

  private table(name: string): TableSlot {
    const info = this.resolve(name);
    const slot = info && this.tables.get(info.name);
    if (!slot) throw new EngineError('UnknownRelation', `Table '${name}' does not exist`, { relation: name });
    return slot;
  }

  push(table: string, rows: WeightedRow[]): void {
    const { info } = this.table(table);
    const width = info.columns.length;
    const key = info.primaryKey;
    const batch: Batch = [];
    for (const [n, { row, weight, patch }] of rows.entries()) {
      if (!Array.isArray(row) || !Number.isSafeInteger(weight))
        throw new EngineError(
          'InvalidRow',
          `Row ${n} for table '${info.name}' must be an array with an integer weight`,
        );
      let full: Value[] = row;
      if (key && weight < 0 && row.length === key.length && row.length !== width) {
        // A delete on a keyed table may carry just the key, in key order.
        full = new Array(width).fill(null);
        key.forEach((col, i) => {
          full[col] = row[i] as Value;
        });
      } else if (row.length !== width) {
        throw new EngineError(
          'InvalidRow',
          `Row ${n} for table '${info.name}' has ${row.length} values; the table has ${width} columns`,
        );
      }
      if (patch && (!key || weight !== 1 || patch.length !== width))
        throw new EngineError(
          'InvalidRow',
          `Row ${n} for table '${info.name}': a partial update needs a table with a primary key, weight 1 and a flag per column`,
        );
      // A delete on a keyed table only needs (and only checks) the key columns; an update,
      // the key and the columns it sets.
      const checked = key && weight < 0 ? key : null;
      info.columns.forEach((c, i) => {
        if (checked !== null && !checked.includes(i)) return;
        if (patch && !patch[i] && !key!.includes(i)) return;
        const v = full[i] as Value;
        if (v === null && !c.type.nullable)
          throw new EngineError(
            'InvalidRow',
            `Row ${n} for table '${info.name}': column '${c.name}' is NOT NULL`,
          );
        if (!hasValueShape(c.type, v))
          throw new EngineError(
            'InvalidRow',
            `Row ${n} for table '${info.name}': column '${c.name}' (${typeToSql(c.type)}) cannot hold ${typeof v} ${String(v)}`,
          );
      });
      batch.push(patch ? { row: full, weight, patch } : { row: full, weight });
    }
    const queue = this.pending.get(info.name);
    if (queue) queue.push(...batch);
    else this.pending.set(info.name, batch);
  }

  discardPending(): void {
    this.pending = new Map();
  }

  takePending(): Map<string, WeightedRow[]> {
    const taken = this.pending;
    this.pending = new Map();
    return taken;
  }

  step(): StepOutput {
    const external = new Map<number, Batch>();
    for (const [name, batch] of this.pending) external.set(this.tables.get(name)!.node, batch);
    let outputs: Batch[];
    try {
      const run = this.dataflow.run(external, { undo: this.undo, step: this.steps + 1 });
      outputs = run.outputs;
      for (const id of run.changed) this.exported.delete(id);
    } catch (e) {
      this.undo.rollback();
      if (!(e instanceof NodeFailure)) throw e;
      const details: RuntimeErrorDetails = { relation: e.node.owner, step: this.steps + 1, cause: e.message };
      throw new EngineError(
        'RuntimeError',
        `Error computing '${e.node.owner}' in step ${this.steps + 1}: ${e.message}`,
        details,
      );
    }
    this.undo.clear();
    this.pending = new Map();
    this.steps++;
    this.fresh = false;
    const result: StepOutput = new Map();
    for (const [name, slot] of this.tables) result.set(name, outputs[slot.node]!);
    for (const [name, slot] of this.views)
      if (!slot.info.local) result.set(name, consolidate(outputs[slot.node]!));
    return result;
  }

  snapshot(name: string): WeightedRow[] {
    const contents = this.materialized(name);
    return contents.snapshot();
  }

  snapshotChunks(name: string, size: number): Generator<WeightedRow[], void, undefined> {
    return this.materialized(name).snapshotChunks(size);
  }

  /** The operator holding a materialized relation's contents. */
  private materialized(name: string): TableInput | Integrate {
    const info = this.resolve(name);
    if (!info)
      throw new EngineError('UnknownRelation', `Relation '${name}' does not exist`, { relation: name });
    if (!info.materialized)
      throw new EngineError('NotMaterialized', `'${info.name}' is not materialized`, { relation: info.name });
    return this.tables.get(info.name)?.input ?? this.views.get(info.name)!.contents!;
  }

  private readonly adHocTarget: AdHocTarget = {
    relation: (name) => {
      const info = this.tables.get(name)?.info ?? this.views.get(name)?.info;
      return info && !(info.kind === 'view' && info.local) ? info : undefined;
    },
    snapshot: (name) => this.snapshot(name),
    push: (table, rows) => this.push(table, rows),
  };

  query(sql: string): QueryResult {
    return runAdHoc(sql, this.adHocTarget);
  }

  prepareQuery(sql: string): AdHocStatement {
    return prepareAdHoc(sql, this.adHocTarget);
  }

  exportState(): StateFile[] {
    const files: StateFile[] = [
      {
        name: META_FILE,
        data: Buffer.from(JSON.stringify({ fingerprint: this.fingerprint, step: this.steps })),
      },
    ];
    for (const node of this.dataflow.nodes) {
      if (!isStateful(node.op)) continue;
      let data = this.exported.get(node.id);
      if (!data) {
        const w = new StateWriter();
        node.op.exportState(w);
        data = w.finish();
        this.exported.set(node.id, data);
      }
      files.push({ name: `op-${node.id}.bin`, data });
    }
    return files;
  }

  importState(files: StateFile[]): void {
    if (!this.fresh)
      throw new EngineError('StateMismatch', 'State can only be imported into a fresh circuit');
    const byName = new Map(files.map((f) => [f.name, f.data]));
    const meta = byName.get(META_FILE);
    if (!meta) throw new EngineError('StateMismatch', `State has no ${META_FILE}`);
    const parsed = JSON.parse(meta.toString('utf8')) as { fingerprint?: unknown; step?: unknown };
    if (parsed.fingerprint !== this.fingerprint)
      throw new EngineError('StateMismatch', 'State belongs to a different program (fingerprint mismatch)', {
        expected: this.fingerprint,
        found: parsed.fingerprint,
      });
    const expected = this.dataflow.nodes.filter((n) => isStateful(n.op)).map((n) => `op-${n.id}.bin`);
    const unexpected = files.map((f) => f.name).filter((n) => n !== META_FILE && !expected.includes(n));
    const missing = expected.filter((n) => !byName.has(n));
    if (missing.length > 0 || unexpected.length > 0)
      throw new EngineError('StateMismatch', 'State files do not match the program', { missing, unexpected });
    this.fresh = false;
    for (const node of this.dataflow.nodes) {
      if (!isStateful(node.op)) continue;
      const name = `op-${node.id}.bin`;
      const reader = new StateReader(byName.get(name)!);
      try {
        node.op.importState(reader);
      } catch (e) {
        throw new EngineError('StateMismatch', `Corrupt state file ${name}: ${(e as Error).message}`);
      }
      if (!reader.done()) throw new EngineError('StateMismatch', `State file ${name} has trailing bytes`);
    }
    this.steps = Number(parsed.step);
  }
}
