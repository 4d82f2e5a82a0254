/**
 * The data plane of a pipeline process: the circuit, its inputs and its outputs.
 *
 * Ingress requests are decoded whole (a bad record rejects the request and changes nothing),
 * then pushed into the circuit's input buffers and given a completion token. Steps run on
 * the event loop as soon as input is waiting and the pipeline is running: every input that
 * arrived since the previous step is processed together, and each output delta is sent to
 * the egress subscribers of its relation. Counters for `/stats` are kept here.
 */
import type { WeightedRow } from '../engine/values/value.js';
import { canonicalName } from '../sql/catalog.js';
import { ApiError } from '../types/errors.js';
import type { RelationSnapshot } from './adhoc/snapshot-codec.js';
import { decodeToken, encodeToken } from './completion.js';
import { type EgressOptions, EgressSubscriber } from './egress.js';
import type { EngineCircuit, EngineProgram, QueryOutput, RelationShape } from './engine-api.js';
import { withApiErrors } from './engine-errors.js';
import { decodeIngress, type IngressOptions } from './formats/ingress.js';
import type { InputJournal, JournalEntry } from './journal.js';
import type { PipelineLogger } from './log.js';

/** The data plane's own state that a checkpoint carries besides the circuit's. */
export interface DataPlaneMeta {
  lineage: string;
  inputSeq: number;
  completedSteps: number;
  totalInputRecords: number;
  totalInputBytes: number;
  totalProcessedRecords: number;
  outputSequences: Record<string, number>;
}

/** Rows of a relation copied per event-loop turn when a query's snapshot is captured. */
export const CAPTURE_CHUNK_ROWS = 32_768;

/** Per-table counters of the HTTP ingress endpoint, reported in `/stats` inputs. */
interface InputCounters {
  totalRecords: number;
  totalBytes: number;
  parseErrors: number;
}

/** Owns the circuit and moves data through it. */
export class DataPlane {
  readonly circuit: EngineCircuit;
  private running = false;
  private stepScheduled = false;
  private stepping: Promise<void> = Promise.resolve();
  private readonly subscribers = new Set<EgressSubscriber>();
  private readonly inputs = new Map<string, InputCounters>();
  /** Input sequence: one per accepted ingress request or INSERT. */
  private pushedSeq = 0;
  private processedSeq = 0;
  private bufferedRecords = 0;
  private bufferedBytes = 0;
  totalInputRecords = 0;
  totalInputBytes = 0;
  totalProcessedRecords = 0;
  completedSteps = 0;
  private readonly waiters: Array<{ seq: number; resolve: () => void }> = [];
  /** Next chunk sequence number of each relation's output stream; survives checkpoints. */
  private readonly outputSequences = new Map<string, number>();
  /** Names the input history completion tokens refer to; carried across resumes. */
  private lineage: string;
  /** Set for exactly-once pipelines: every accepted input is journaled before it is acknowledged. */
  journal: InputJournal | null = null;

  constructor(
    readonly program: EngineProgram,
    incarnation: string,
    readonly log: PipelineLogger,
    private readonly onFatal: (message: string) => void,
  ) {
    this.circuit = program.instantiate();
    this.lineage = incarnation;
  }

  /** The data plane's counters and positions, consistent with `circuit.exportState()` at a step boundary. */
  exportMeta(): DataPlaneMeta {
    return {
      lineage: this.lineage,
      inputSeq: this.processedSeq,
      completedSteps: this.completedSteps,
      totalInputRecords: this.totalInputRecords - this.bufferedRecords,
      totalInputBytes: this.totalInputBytes - this.bufferedBytes,
      totalProcessedRecords: this.totalProcessedRecords,
      outputSequences: Object.fromEntries(this.outputSequences),
    };
  }

  /** Restores what `exportMeta` saved, on a fresh data plane before any input. */
  importMeta(meta: DataPlaneMeta): void {
    this.lineage = meta.lineage;
    this.pushedSeq = meta.inputSeq;
    this.processedSeq = meta.inputSeq;
    this.completedSteps = meta.completedSteps;
    this.totalInputRecords = meta.totalInputRecords;
    this.totalInputBytes = meta.totalInputBytes;
    this.totalProcessedRecords = meta.totalProcessedRecords;
    for (const [name, seq] of Object.entries(meta.outputSequences)) this.outputSequences.set(name, seq);
  }

  /** Re-applies journaled inputs that the restored checkpoint does not cover. */
  replay(entries: JournalEntry[]): number {
    let replayed = 0;
    for (const entry of entries) {
      if (entry.seq <= this.pushedSeq) continue;
      if (entry.kind === 'ingress') {
        const table = this.relation(entry.table, 'table');
        const rows = decodeIngress(table, entry.payload, {
          format: entry.format as 'json' | 'csv',
          updateFormat: entry.updateFormat as 'insert_delete' | 'raw' | 'weighted',
          array: entry.array,
        });
        this.accept(table.name, rows, Buffer.byteLength(entry.payload));
      } else {
        const result = this.circuit.query(entry.payload);
        this.acceptInserted(Number(result.rows[0]?.[0] ?? 0));
      }
      replayed++;
    }
    return replayed;
  }

  /** Resolves when no step is running and, if the pipeline runs, every accepted input is processed. */
  async idle(): Promise<void> {
    if (this.running) await this.waitProcessed();
    await this.stepping;
  }

  /** Finds a relation by a client-supplied name (identifier rule), or throws 404. */
  relation(name: string, kind: 'table' | 'any'): RelationShape {
    const rel = this.program.lookupRelation(name);
    if (!rel || (kind === 'table' && rel.kind !== 'table')) {
      throw new ApiError(
        kind === 'table' ? 'UnknownInputTable' : 'UnknownOutputView',
        `Pipeline has no ${kind === 'table' ? 'table' : 'table or view'} named '${name.slice(0, 200)}' (looked up as '${canonicalName(name).slice(0, 200)}')`,
        { name: name.slice(0, 200) },
      );
    }
    return rel;
  }

  setRunning(running: boolean): void {
    this.running = running;
    if (running) this.scheduleStep();
  }

  /** Decodes and accepts one ingress request; returns its completion token. */
  ingest(tableName: string, body: string, options: IngressOptions): { token: string; records: number } {
    const table = this.relation(tableName, 'table');
    const counters = this.inputCounters(table.name);
    let rows: WeightedRow[];
    try {
      rows = decodeIngress(table, body, options);
    } catch (err) {
      counters.parseErrors++;
      throw err;
    }
    const bytes = Buffer.byteLength(body);
    this.journal?.append({
      seq: this.pushedSeq + 1,
      kind: 'ingress',
      table: table.name,
      format: options.format,
      updateFormat: options.updateFormat,
      array: options.array,
      payload: body,
    });
    counters.totalRecords += rows.length;
    counters.totalBytes += bytes;
    this.accept(table.name, rows, bytes);
    return { token: encodeToken(this.lineage, this.pushedSeq), records: rows.length };
  }

  private inputCounters(table: string): InputCounters {
    let c = this.inputs.get(table);
    if (!c) {
      c = { totalRecords: 0, totalBytes: 0, parseErrors: 0 };
      this.inputs.set(table, c);
    }
    return c;
  }

  private accept(table: string, rows: WeightedRow[], bytes: number): void {
    if (rows.length > 0) this.circuit.push(table, rows);
    this.pushedSeq++;
    this.bufferedRecords += rows.length;
    this.bufferedBytes += bytes;
    this.totalInputRecords += rows.length;
    this.totalInputBytes += bytes;
    this.scheduleStep();
  }

  /** A token for everything accepted so far. */
  currentToken(): string {
    return encodeToken(this.lineage, this.pushedSeq);
  }

  completionStatus(token: string): { status: 'complete' | 'inprogress'; step: number | null } {
    const body = decodeToken(token);
    if (body.incarnation !== this.lineage) {
      throw new ApiError(
        'StaleCompletionToken',
        'Completion token was issued for input this pipeline no longer has (its storage was cleared or not restored)',
        { token_lineage: body.incarnation },
      );
    }
    if (body.seq > this.pushedSeq)
      throw new ApiError('InvalidCompletionToken', 'Completion token is from the future', {});
    return body.seq <= this.processedSeq
      ? { status: 'complete', step: this.completedSteps }
      : { status: 'inprogress', step: null };
  }

  /** Resolves once every input accepted so far has been processed. */
  async waitProcessed(): Promise<void> {
    const seq = this.pushedSeq;
    if (seq <= this.processedSeq) return;
    await new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
  }

  private scheduleStep(): void {
    if (!this.running || this.stepScheduled || this.pushedSeq === this.processedSeq) return;
    this.stepScheduled = true;
    setImmediate(() => {
      this.stepping = this.stepping.then(() => this.runStep());
    });
  }

  private async runStep(): Promise<void> {
    this.stepScheduled = false;
    if (!this.running || this.pushedSeq === this.processedSeq) return;
    const upTo = this.pushedSeq;
    const records = this.bufferedRecords;
    let outputs: Map<string, WeightedRow[]>;
    try {
      outputs = this.circuit.step();
    } catch (err) {
      this.onFatal(`step ${this.completedSteps + 1} failed: ${(err as Error).message}`);
      return;
    }
    this.completedSteps++;
    this.bufferedRecords = 0;
    this.bufferedBytes = 0;
    this.totalProcessedRecords += records;
    this.processedSeq = upTo;
    for (const [name, delta] of outputs) {
      if (delta.length === 0) continue;
      const sequence = this.outputSequences.get(name) ?? 0;
      this.outputSequences.set(name, sequence + 1);
      for (const sub of this.subscribers) {
        if (sub.isClosed) this.subscribers.delete(sub);
        else if (sub.relation.name === name) sub.send(delta, sequence);
      }
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.seq <= this.processedSeq) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
    await Promise.all([...this.subscribers].map((s) => s.drained()));
    this.scheduleStep();
  }

  /** Opens an egress stream; with `snapshot`, the current contents go first. */
  subscribe(name: string, options: EgressOptions, snapshot: boolean): EgressSubscriber {
    const rel = this.relation(name, 'any');
    if (snapshot && !rel.materialized) {
      throw new ApiError(
        'NotMaterialized',
        `Cannot send a snapshot of '${rel.name}': it is not materialized. Declare it MATERIALIZED (views) or WITH ('materialized' = 'true') (tables).`,
        { name: rel.name },
      );
    }
    const sub = new EgressSubscriber(rel, options);
    if (snapshot)
      sub.send(
        withApiErrors(() => this.circuit.snapshot(rel.name)),
        this.outputSequences.get(rel.name) ?? 0,
        true,
      );
    this.subscribers.add(sub);
    sub.stream.on('close', () => this.subscribers.delete(sub));
    this.log.info(`egress subscriber connected to '${rel.name}' (format ${options.format})`);
    return sub;
  }

  /**
   * Plans an ad-hoc statement; a bad one throws `InvalidQuery` or `NotMaterialized`. An INSERT
   * is applied here, on the step loop (it is cheap and must be journaled and processed in
   * order), and answered with its row count once processed. A SELECT is returned with
   * `capture`, which copies the materialized relations it reads for a query worker
   * (adhoc/service.ts): see `captureSnapshots`.
   */
  async query(
    sql: string,
  ): Promise<
    | { kind: 'insert'; result: QueryOutput }
    | { kind: 'select'; capture: (stopped: () => boolean) => Promise<RelationSnapshot[]> }
  > {
    const statement = withApiErrors(() => this.circuit.prepareQuery(sql));
    if (statement.kind === 'select') {
      const { relations } = statement;
      return { kind: 'select', capture: (stopped) => this.captureSnapshots(relations, stopped) };
    }
    withApiErrors(() => this.circuit.push(statement.table, statement.rows));
    this.journal?.append({ seq: this.pushedSeq + 1, kind: 'sql', payload: sql });
    this.acceptInserted(statement.rows.length);
    if (this.running) await this.waitProcessed();
    return {
      kind: 'insert',
      result: {
        columns: [{ name: 'count', type: { type: 'BIGINT', nullable: false } }],
        rows: [[BigInt(statement.rows.length)]],
      },
    };
  }

  /**
   * Copies the contents of `relations` as of one step boundary. The copy is queued on the step
   * chain, so no step runs until it is done and all relations are read in the same state; it
   * is spread over event-loop turns, `CAPTURE_CHUNK_ROWS` rows per turn, so a large relation
   * does not stall ingress or `/stats`. Steps wait for this copy of row references only; the
   * query encodes and sends the rows afterwards, while steps run. Ends early, with whatever it
   * has, once `stopped()` (the query was cancelled).
   */
  private captureSnapshots(relations: string[], stopped: () => boolean): Promise<RelationSnapshot[]> {
    const copy = this.stepping.then(async () => {
      const snapshots: RelationSnapshot[] = [];
      for (const name of relations) {
        const rows: WeightedRow[] = [];
        for (const chunk of withApiErrors(() => this.circuit.snapshotChunks(name, CAPTURE_CHUNK_ROWS))) {
          for (const row of chunk) rows.push(row);
          if (stopped()) return snapshots;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        snapshots.push({ name, rows });
      }
      return snapshots;
    });
    this.stepping = copy.then(
      () => {},
      () => {},
    );
    return copy;
  }

  /** Accounts for rows an INSERT pushed into the circuit. */
  private acceptInserted(count: number): void {
    this.pushedSeq++;
    this.bufferedRecords += count;
    this.totalInputRecords += count;
    this.scheduleStep();
  }

  stats() {
    return {
      bufferedRecords: this.bufferedRecords,
      bufferedBytes: this.bufferedBytes,
      inputs: [...this.inputs.entries()].map(([table, c]) => ({ table, ...c })),
      outputs: [...this.subscribers].map((s) => ({
        relation: s.relation.name,
        transmittedRecords: s.transmittedRecords,
        transmittedBytes: s.transmittedBytes,
        queuedBytes: s.stream.writableLength,
        dropped: s.droppedChunks,
      })),
    };
  }

  closeSubscribers(): void {
    for (const sub of this.subscribers) sub.close();
  }
}
