/**
 * A running instance of a program: tables receive pushed changes, `step()` runs the dataflow
 * once and returns every relation's delta, materialized relations can be read.
 *
 * A program that calls `NOW()` has a clock input (operators/clock-input.ts, made when the
 * first plan reads it): `step(nowMillis)` gives it the step's time, which the caller chooses
 * (the pipeline's runtime reads and rounds the wall clock; tests pick their times), and its
 * one row is state like any other, so checkpoints carry it.
 *
 * Steps are atomic: operators record undo actions as they mutate their state, and if any
 * operator fails the log is replayed backwards, so the circuit (and the pending input) is
 * exactly as before the call.
 *
 * State lives in the stateful operators' traces (trace/trace.ts). Without storage attached a
 * trace is its in-memory head; with storage (`attachStorage`), heads are sealed into batches
 * when their estimated size passes the storage's budget, and batches go to files, read through
 * the shared block cache and merged in the background.
 *
 * A checkpoint (`checkpoint`) seals every trace's head at the current step boundary, which is
 * O(number of traces) and is all a checkpoint does synchronously; it then resolves once every
 * batch of that cut is a durable file, with `circuit.json` (state format, fingerprint, step,
 * and per operator its traces' batch files, oldest first, and small extra state) and the list
 * of files. Files are named by their SHA-256 and shared by consecutive checkpoints, so a
 * checkpoint writes the batches sealed since the previous one plus what merges wrote. Node
 * numbers are fixed by the program, so a checkpoint names traces by node and position.
 * `restore` loads such a description into a fresh circuit; batches are opened as lookups
 * reach them. A modified program's circuit takes another program's state by node identity
 * instead (`planCarry`, `carryFrom`; state-carry.ts).
 */
import { NO_USER_TYPES, type TableInfo, type UserTypes, type ViewInfo } from '../sql/catalog.js';
import type { CompiledView } from '../sql/compile.js';
import { type AdHocStatement, type AdHocTarget, prepareAdHoc, type QueryResult, runAdHoc } from './adhoc.js';
import { buildRel } from './build.js';
import { Dataflow, isStateful, NodeFailure } from './dataflow.js';
import { EngineError, type RuntimeErrorDetails } from './errors.js';
import { integrateIdentity, nodeIdentity } from './node-identity.js';
import { ClockInput } from './operators/clock-input.js';
import { Integrate } from './operators/integrate.js';
import { TableInput } from './operators/table-input.js';
import { type CircuitProfileData, profileDataflow } from './profile.js';
import { buildRecursiveGroup } from './recursive-group.js';
import { tableSignature } from './relation-signatures.js';
import { planCarry, runCarryPass, type StateCarryPlan } from './state-carry.js';
import type { TraceStorage } from './trace/storage.js';
import type { BatchFileRef, Trace } from './trace/trace.js';
import { UndoLog } from './undo-log.js';
import { timestampFromEpochMillis } from './values/datetime.js';
import { typeToSql } from './values/types.js';
import { hasValueShape } from './values/validate.js';
import type { Value, WeightedRow } from './values/value.js';
import { type Batch, consolidate } from './zset.js';

export type { QueryResult };

/** Each table's and output view's delta for one step, by canonical name. */
export type StepOutput = Map<string, WeightedRow[]>;

/**
 * Version of the state a checkpoint holds (`circuit.json` and its batch files). 3: TIMESTAMP
 * values are nanoseconds since the epoch (2 held microseconds, so its values would be read
 * 1000 times too early; it is refused, not converted).
 */
export const STATE_FORMAT = 3;

/** Why an older state format cannot be read, for the refusal's message. */
const OLD_STATE_FORMATS: Record<number, string> = {
  1: 'state format 1 was written by a Sluice that kept state in memory',
  2: 'state format 2 holds TIMESTAMP values in microseconds, this Sluice in nanoseconds',
};

/** A checkpoint's part of a circuit: its description and the batch files it names. */
/** What a compaction did: the traces it visited, and the batches it merged across them. */
export interface CompactionResult {
  traces: number;
  batches: number;
}

export interface CircuitState {
  /** `circuit.json`. */
  meta: Buffer;
  /** Every batch file, with a unique name (`n<node>.t<trace>.b<batch>`); several may share a hash. */
  files: Array<{ name: string; sha256: string; size: number }>;
  /** Unpins the files; call once a durable manifest names them (or the checkpoint failed). */
  release(): void;
}

interface CircuitMeta {
  format: number;
  fingerprint: string;
  step: number;
  operators: Record<string, { traces: BatchFileRef[][]; extra?: unknown }>;
}

export interface Circuit {
  /** Buffers changes to a table (rows in column order); they are applied by the next `step()`. */
  push(table: string, rows: WeightedRow[]): void;
  /**
   * Applies the buffered changes; returns every table's and output view's delta. Atomic.
   * `nowMillis` is the step's time for `NOW()` (the clock input), in milliseconds since the
   * epoch; the caller (the pipeline's runtime) reads and rounds it. Without it the clock keeps
   * its time; a circuit that `usesClock` throws if its clock never had one.
   */
  step(nowMillis?: number): StepOutput;
  /** Whether the program calls `NOW()`: its steps need a time, and time passing changes its views. */
  readonly usesClock: boolean;
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
  /** Gives every trace on-disk storage; call before the first step or restore. */
  attachStorage(storage: TraceStorage): void;
  /**
   * Seals every trace now (synchronously, at this step boundary) and resolves with the state
   * as of now once all of it is in durable files. Steps may run while it resolves.
   */
  checkpoint(): Promise<CircuitState>;
  /** Merges every trace's batches into one per trace, in the background; resolves when done. */
  compact(): Promise<CompactionResult>;
  /** Loads a checkpoint's `circuit.json` (and so its batch files) into a fresh circuit. */
  restore(meta: Buffer): void;
  /**
   * Backpressure: resolves once the sealed state still waiting to become batch files fits the
   * storage's budget (at once without storage). Await it before a step, so that input cannot
   * outrun the background writing and grow memory without bound.
   */
  ready(): Promise<void>;
  /** Per node: invocations, time, records in and out, state size (profile.ts). */
  profile(): CircuitProfileData;
  /**
   * Plans taking the state of `previous`, a circuit of another program (instantiated, not yet
   * restored), by node identity: what is kept, rebuilt, replayed, or missing (state-carry.ts).
   */
  planCarry(previous: Circuit): StateCarryPlan;
  /**
   * Carries out `plan` into this fresh circuit (storage attached): kept nodes take their
   * traces from `previousMeta` (the `circuit.json` `previous` was restored from), then the
   * bootstrap pass rebuilds the others, at time `nowMillis` for a new clock. The step count
   * is the previous one's. Throws `EngineError` `RuntimeError` when a rebuilt view fails; the
   * circuit is then as restored, without the pass.
   */
  carryFrom(previous: Circuit, previousMeta: Buffer, plan: StateCarryPlan, nowMillis: number): CarryReport;
}

/** What `carryFrom` did. */
export interface CarryReport {
  /** Stateful nodes that took their state from the previous circuit. */
  kept: number;
  /** Stateful nodes rebuilt by the bootstrap pass. */
  rebuilt: number;
  /** Rows replayed from kept integrals into the pass. */
  replayedRows: number;
}

/** The checkpoint file that describes a circuit's state. */
export const META_FILE = 'circuit.json';

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
  /** The clock input and its node, made when the first plan reads it. */
  private clock: { node: number; input: ClockInput } | null = null;
  private readonly views = new Map<string, ViewSlot>();
  private pending = new Map<string, Batch>();
  private steps = 0;
  private fresh = true;
  private readonly undo = new UndoLog();
  private storage: TraceStorage | null = null;
  /** Estimated bytes the last step added to the heads. */
  private stepGrowth = 0;

  constructor(
    private readonly fingerprint: string,
    tables: TableInfo[],
    views: CompiledView[],
    private readonly resolve: (name: string) => TableInfo | ViewInfo | undefined,
    private readonly definitions: UserTypes = NO_USER_TYPES,
  ) {
    for (const info of tables) {
      const input = new TableInput(info.primaryKey, info.materialized);
      const identity = nodeIdentity(
        'table',
        { name: info.name, signature: tableSignature(info).signature },
        [],
      );
      this.tables.set(info.name, { info, node: this.dataflow.addSource(input, info.name, identity), input });
    }
    for (let i = 0; i < views.length; i++) {
      const { info, plan, recursive } = views[i]!;
      if (recursive) {
        // The front end puts a recursive group's members next to each other.
        let end = i;
        while (views[end + 1]?.recursive?.group === recursive.group) end++;
        const members = views.slice(i, end + 1);
        const nodes = buildRecursiveGroup(
          members,
          this.dataflow,
          (name) => this.nodeOf(name),
          () => this.clockNode(),
        );
        for (const m of members) this.addView(m.info, nodes.get(m.info.name)!);
        i = end;
        continue;
      }
      const node = buildRel(
        plan,
        info.name,
        this.dataflow,
        (name) => this.nodeOf(name),
        () => this.clockNode(),
      );
      this.addView(info, node);
    }
  }

  /** Registers a view computed by `node`, integrating it when it is materialized. */
  private addView(info: ViewInfo, node: number): void {
    let contents: Integrate | null = null;
    if (info.materialized) {
      contents = new Integrate();
      node = this.dataflow.add(
        contents,
        [node],
        info.name,
        integrateIdentity(this.dataflow.nodes[node]!.identity),
      );
    }
    this.views.set(info.name, { info, node, contents });
  }

  private clockNode(): number {
    if (!this.clock) {
      const input = new ClockInput();
      this.clock = { node: this.dataflow.addSource(input, 'NOW()', nodeIdentity('clock', null, [])), input };
    }
    return this.clock.node;
  }

  get usesClock(): boolean {
    return this.clock !== null;
  }

  private nodeOf(name: string): number {
    const slot = this.tables.get(name) ?? this.views.get(name);
    if (!slot) throw new Error(`plan reads unknown relation ${name}`);
    return slot.node;
  }

  get stepCount(): number {
    return this.steps;
  }

  profile(): CircuitProfileData {
    return profileDataflow(this.dataflow, this.steps);
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

  step(nowMillis?: number): StepOutput {
    const external = new Map<number, Batch>();
    for (const [name, batch] of this.pending) external.set(this.tables.get(name)!.node, batch);
    if (this.clock) {
      if (nowMillis !== undefined)
        external.set(this.clock.node, [{ row: [timestampFromEpochMillis(nowMillis)], weight: 1 }]);
      else if (this.clock.input.time === undefined)
        throw new Error('the program calls NOW(): its first step needs the time');
    }
    const headBytesBefore = this.headBytes();
    let outputs: Batch[];
    try {
      const run = this.dataflow.run(external, { undo: this.undo, step: this.steps + 1 });
      outputs = run.outputs;
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
    this.sealIfOverBudget(headBytesBefore);
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

  /** What ad-hoc statements read and write (made per statement: it is cheap). */
  private adHocTarget(): AdHocTarget {
    return {
      relation: (name) => {
        const info = this.tables.get(name)?.info ?? this.views.get(name)?.info;
        return info && !(info.kind === 'view' && info.local) ? info : undefined;
      },
      snapshot: (name) => this.snapshot(name),
      push: (table, rows) => this.push(table, rows),
      types: this.definitions,
    };
  }

  query(sql: string): QueryResult {
    return runAdHoc(sql, this.adHocTarget());
  }

  prepareQuery(sql: string): AdHocStatement {
    return prepareAdHoc(sql, this.adHocTarget());
  }

  /** Every trace of every stateful node, with the node and its position there. */
  private traces(): Array<{ node: number; index: number; trace: Trace<unknown> }> {
    const out: Array<{ node: number; index: number; trace: Trace<unknown> }> = [];
    for (const node of this.dataflow.nodes)
      if (isStateful(node.op))
        node.op.traces().forEach((trace, index) => {
          out.push({ node: node.id, index, trace });
        });
    return out;
  }

  attachStorage(storage: TraceStorage): void {
    this.storage = storage;
    for (const { trace } of this.traces()) trace.attach(storage);
  }

  /**
   * Seals the heads once, together, they would pass the storage's budget in the next step if
   * it grows them as much as this one did. Sealing only past the budget let the heads reach the
   * budget plus a step (a 20,000-row step of bench/checkpoint grows them by about the whole
   * budget at memory_mb_max = 256), and the sealed heads waiting to be written twice that.
   */
  private sealIfOverBudget(headBytesBefore: number): void {
    if (!this.storage) return;
    const traces = this.traces();
    let bytes = 0;
    for (const { trace } of traces) bytes += trace.headBytes;
    this.stepGrowth = Math.max(0, bytes - headBytesBefore);
    if (bytes === 0 || bytes + this.stepGrowth <= this.storage.settings.headBudgetBytes) return;
    for (const { trace } of traces) if (trace.headBytes > 0) trace.seal();
  }

  /** Estimated bytes of every trace's head (0 without storage: nothing is ever sealed). */
  private headBytes(): number {
    if (!this.storage) return 0;
    let bytes = 0;
    for (const { trace } of this.traces()) bytes += trace.headBytes;
    return bytes;
  }

  /**
   * Resolves when the next step may run: once the heads, the sealed heads still being written,
   * and what the next step is expected to add (the last step's growth) fit in twice the head
   * budget, or when nothing is being written (work that failed, a full disk, stops converting:
   * its layers stay in memory).
   */
  async ready(): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    for (;;) {
      const traces = this.traces().map((t) => t.trace);
      const pending = traces.reduce((n, t) => n + t.frozenBytes + t.headBytes, 0) + this.stepGrowth;
      const busy = traces.filter((t) => t.converting);
      if (pending <= 2 * storage.settings.headBudgetBytes || busy.length === 0) return;
      await Promise.race(busy.map((t) => t.progress()));
    }
  }

  /**
   * Merges every trace's batches into one batch per trace (Feldera's `start_compaction`), in the
   * background between steps: steps go on meanwhile. Resolves once every trace is done with
   * the number of traces and of batches merged; without storage (state only in memory) there
   * is nothing to merge and it resolves `{traces: n, batches: 0}` at once.
   */
  async compact(): Promise<CompactionResult> {
    const traces = this.traces();
    const merged = await Promise.all(traces.map(({ trace }) => trace.compact()));
    return { traces: traces.length, batches: merged.reduce((n, b) => n + b, 0) };
  }

  checkpoint(): Promise<CircuitState> {
    if (!this.storage) return Promise.reject(new Error('the circuit has no storage attached'));
    const cuts = this.traces().map((t) => ({ ...t, cut: t.trace.freeze() }));
    const operators: CircuitMeta['operators'] = {};
    for (const node of this.dataflow.nodes) {
      if (!isStateful(node.op)) continue;
      const extra = node.op.saveExtra?.();
      operators[node.id] = { traces: [], ...(extra === undefined ? {} : { extra }) };
    }
    const header = { format: STATE_FORMAT, fingerprint: this.fingerprint, step: this.steps };
    return (async () => {
      const settled = await Promise.allSettled(cuts.map((c) => c.trace.persist(c.cut)));
      const releases = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.release] : []));
      const release = () => {
        for (const r of releases) r();
      };
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) {
        release();
        throw (failed as PromiseRejectedResult).reason;
      }
      const files: CircuitState['files'] = [];
      cuts.forEach((c, i) => {
        const persisted = (settled[i] as PromiseFulfilledResult<{ files: BatchFileRef[] }>).value.files;
        operators[c.node]!.traces[c.index] = persisted;
        persisted.forEach((f, j) => {
          files.push({ name: `n${c.node}.t${c.index}.b${j}`, sha256: f.sha256, size: f.size });
        });
      });
      const meta: CircuitMeta = { ...header, operators };
      return { meta: Buffer.from(JSON.stringify(meta)), files, release };
    })();
  }

  planCarry(previous: Circuit): StateCarryPlan {
    return planCarry(this.dataflow, instance(previous).dataflow);
  }

  carryFrom(previous: Circuit, previousMeta: Buffer, plan: StateCarryPlan, nowMillis: number): CarryReport {
    const before = instance(previous);
    const meta = JSON.parse(previousMeta.toString('utf8')) as CircuitMeta;
    const operators: CircuitMeta['operators'] = {};
    for (const node of this.dataflow.nodes) {
      if (!isStateful(node.op)) continue;
      const from = plan.kept.get(node.id);
      operators[node.id] =
        from === undefined ? { traces: node.op.traces().map(() => []) } : meta.operators[String(from)]!;
    }
    const carried: CircuitMeta = {
      format: STATE_FORMAT,
      fingerprint: this.fingerprint,
      step: meta.step,
      operators,
    };
    this.restore(Buffer.from(JSON.stringify(carried)));
    const headBytesBefore = this.headBytes();
    const rebuilt = [...plan.actions].filter(
      ([id, a]) => a.kind === 'run' && isStateful(this.dataflow.nodes[id]!.op),
    );
    const report = { kept: plan.kept.size, rebuilt: rebuilt.length, replayedRows: 0 };
    // A circuit that never stepped holds no state: its first step computes everything, and a
    // pass now would make its constants appear twice.
    if (meta.step === 0) return report;
    const time: Batch = [{ row: [timestampFromEpochMillis(nowMillis)], weight: 1 }];
    try {
      report.replayedRows = runCarryPass(
        this.dataflow,
        before.dataflow,
        plan,
        (node) => (node.id === this.clock?.node ? time : []),
        this.undo,
      );
    } catch (e) {
      this.undo.rollback();
      if (!(e instanceof NodeFailure)) throw e;
      const details: RuntimeErrorDetails = { relation: e.node.owner, step: this.steps, cause: e.message };
      throw new EngineError(
        'RuntimeError',
        `Error computing '${e.node.owner}' while bootstrapping the modified program: ${e.message}`,
        details,
      );
    }
    this.undo.clear();
    this.sealIfOverBudget(headBytesBefore);
    return report;
  }

  restore(metaBytes: Buffer): void {
    if (!this.fresh)
      throw new EngineError('StateMismatch', 'State can only be restored into a fresh circuit');
    let meta: Partial<CircuitMeta>;
    try {
      meta = JSON.parse(metaBytes.toString('utf8')) as Partial<CircuitMeta>;
    } catch (e) {
      throw new EngineError('StateMismatch', `Corrupt ${META_FILE}: ${(e as Error).message}`);
    }
    if (meta.format !== STATE_FORMAT) {
      const found = meta.format ?? 1;
      const why = OLD_STATE_FORMATS[found];
      throw new EngineError(
        'StateMismatch',
        `State is in state format ${found}; this Sluice reads state format ${STATE_FORMAT}${why ? ` (${why})` : ''}. ` +
          'Clear the storage to start from scratch, or run the Sluice version that wrote it.',
        { found, expected: STATE_FORMAT },
      );
    }
    if (meta.fingerprint !== this.fingerprint)
      throw new EngineError('StateMismatch', 'State belongs to a different program (fingerprint mismatch)', {
        expected: this.fingerprint,
        found: meta.fingerprint,
      });
    const operators = meta.operators ?? {};
    const traces = this.traces();
    const expected = new Map<string, number>();
    for (const { node, index } of traces) expected.set(String(node), index + 1);
    const mismatch =
      Object.keys(operators).length !== expected.size ||
      [...expected].some(([node, count]) => operators[node]?.traces?.length !== count);
    if (mismatch) throw new EngineError('StateMismatch', "State does not match the program's operators");
    this.fresh = false;
    for (const { node, index, trace } of traces) trace.restore(operators[String(node)]!.traces[index]!);
    for (const node of this.dataflow.nodes) {
      if (!isStateful(node.op)) continue;
      const extra = operators[String(node.id)]!.extra;
      if (extra !== undefined) node.op.loadExtra?.(extra);
      node.op.restored?.();
    }
    this.steps = Number(meta.step);
  }
}

/** The engine's own circuit behind the interface (carrying state reads its dataflow). */
function instance(circuit: Circuit): CircuitInstance {
  if (!(circuit instanceof CircuitInstance))
    throw new Error('state can only be carried between engine circuits');
  return circuit;
}
