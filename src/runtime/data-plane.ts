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
    private readonly log: PipelineLogger,
    private readonly onFatal: (message: string) => void,
  ) {
    this.circuit = program.instantiate();
    this.lineage = incarnation;
  }

  /** The data plane's counters and positions, consistent with `circuit.checkpoint()` at a step boundary. */
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
    // Backpressure from state storage: wait while sealed state is still being written.
    await this.circuit.ready();
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

  /** Runs an ad-hoc query; an INSERT is processed before the answer. */
  async query(sql: string): Promise<QueryOutput> {
    const isInsert = /^\s*insert\b/i.test(sql);
    const result = withApiErrors(() => this.circuit.query(sql));
    if (isInsert) {
      this.journal?.append({ seq: this.pushedSeq + 1, kind: 'sql', payload: sql });
      this.acceptInserted(Number(result.rows[0]?.[0] ?? 0));
      if (this.running) await this.waitProcessed();
    }
    return result;
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
