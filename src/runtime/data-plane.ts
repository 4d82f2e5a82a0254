/**
 * The data plane of a pipeline process: the circuit, its inputs and its outputs.
 *
 * Ingress requests are read whole before anything of them is accepted. Bad records are
 * skipped and reported (400 `ParseErrors`, after the good records were accepted), as
 * Feldera's parser does for newline-delimited input; a JSON array with a bad record, or a body
 * the readers cannot read past one, is refused whole and changes nothing. Each table and format
 * configuration is one HTTP input connector (http-input.ts) whose counters and recent parse
 * errors go into checkpoints. What is accepted is admitted against the input bound (input-queue.ts: a request that does not fit waits), then
 * queued with their input sequence number and given a completion token; the HTTP 200 is
 * answered then, before any step (Feldera's meaning: the data is ingested; the completion
 * token says when it is processed). Validation runs in slices that yield the event loop
 * (formats/ingress.ts), so a body of tens of megabytes does not stall other requests, and
 * keeps the body's text with where each chunk of `max_batch_size` records starts, not its
 * rows: a step decodes the rows it takes (a part whose rows fail to decode again fails its
 * step like a bad row), so a queued request holds its text plus one chunk's rows, not
 * hundreds of megabytes of decoded rows whose garbage collection stalled the process. Steps
 * run on the event loop as soon as input is waiting and the pipeline is running; a step takes
 * the inputs accepted since the previous one up to `max_batch_size` records (Feldera's
 * connector setting, default 10,000 here), splitting a larger request across steps
 * (input-queue.ts), and the next step waits for a later turn of the event loop (after
 * `setImmediate`), so `/stats`, egress and other ingress are served between the steps of one
 * large request. A request's completion token is complete once the step holding its last row
 * is done. Each output delta is sent to the egress subscribers of its relation. Counters for
 * `/stats` are kept here.
 *
 * A step that fails is rolled back by the circuit; its inputs are then retried apart
 * (isolation.ts), so the good ones are processed and only the ones the failure comes from are
 * rejected. The data plane then stops stepping and hands the rejected inputs to the controller,
 * which keeps the state it reached (checkpoint, or a pause) and reports them. A rejected
 * input's completion token answers `InputRejected`; its sequence number counts as processed,
 * so the tokens of later inputs complete normally. When the failing part belongs to a request
 * split across steps, the parts earlier steps processed stay (they are committed state, and
 * `kept_records` says how many rows), and the failing part is rejected together with the rest
 * of its request, which is dropped unprocessed: a request is never applied with a hole in its
 * middle. A checkpoint taken between the parts of a request (while paused, or in the window
 * before a capture) records how far it got (`partial`), and a journal replay applies only the
 * rest of it.
 *
 * The first time the pipeline runs, a step is taken even without input (as Feldera's
 * controller does at start): a global aggregate such as `SELECT COUNT(*), SUM(x) FROM t` holds
 * its empty-input row (0, NULL) from the start, not only after the first input. A data plane
 * restored from a checkpoint taken after a step does not need it.
 *
 * Input connectors (runtime/connectors) feed the same queue: each batch they make is admitted
 * against the connector's own bound, queued as one input with the connector's position, and
 * tells the connector when it is done with, so a checkpoint records how far each connector's
 * processed input got. Output connectors see every step's deltas.
 *
 * A program that calls `NOW()` also steps on its clock (clock.ts): every step gives the circuit
 * the time rounded to `clock_resolution_usecs` (one value for the whole step, retries
 * included), and a tick one resolution after the last step takes a step without input, so
 * views such as `WHERE ts > NOW() - INTERVAL 1 HOUR` drop rows as time passes. A step is due
 * as soon as the pipeline runs (after a restore too, which moves the clock to the new time).
 *
 * Transactions (`/start_transaction`, `/commit_transaction`, one at a time as in Feldera):
 * while one is open, accepted inputs wait in the input queue and no step runs, so its outputs
 * and ad-hoc queries show the state from before it; the commit processes everything accepted
 * in one step (the one step not bounded by `max_batch_size`: the circuit has no steps whose
 * outputs stay hidden until a later one), and the transaction ends once that step is done.
 * The input bound (`max_queued_records`) therefore also bounds what one transaction can hold
 * per table, and so its commit step: ingress beyond it waits for the commit.
 */
import { makeRowJsonEncoder } from '../engine/values/index.js';
import type { WeightedRow } from '../engine/values/value.js';
import { canonicalName } from '../sql/catalog.js';
import { ApiError } from '../types/errors.js';
import type { RelationSnapshot } from './adhoc/snapshot-codec.js';
import { PipelineClock } from './clock.js';
import { decodeToken, encodeToken } from './completion.js';
import type { ConnectorHooks } from './connectors/hooks.js';
import { type EgressOptions, EgressSubscriber } from './egress.js';
import type { EngineCircuit, EngineProgram, QueryOutput, RelationShape } from './engine-api.js';
import { withApiErrors } from './engine-errors.js';
import { type IngressOptions, scanIngress, scanIngressSliced, type UpdateFormat } from './formats/ingress.js';
import { type HttpInputState, HttpInputs, parseErrorsError } from './http-input.js';
import {
  DEFAULT_MAX_QUEUED_RECORDS,
  type InputPart,
  InputQueue,
  type QueuedInput,
  type RowSource,
} from './input-queue.js';
import { type Attempt, isolateFailures } from './isolation.js';
import type { InputJournal, JournalEntry } from './journal.js';
import type { PipelineLogger } from './log.js';
import { ingressWriteError } from './storage-full.js';

/** An accepted input that made a step fail, left out so that everything else was processed. */
export interface RejectedInput {
  seq: number;
  kind: 'ingress' | 'sql' | 'connector';
  tables: string[];
  /** The endpoint of the connector that produced it (kind `connector`). */
  connector?: string;
  records: number;
  /** The completion token of the request that carried it. */
  completion_token: string;
  /** Why the step failed on it (names the view). */
  error: string;
  /** JSON text of its first row (truncated), to find it in the client's data. */
  first_row: string | null;
  /**
   * For an input split across steps (over `max_batch_size`): how many of its first rows
   * earlier steps processed. They are kept; `records` counts the rows from the failed part to
   * its end, none of which were processed. Absent for an input rejected whole.
   */
  kept_records?: number;
}

/** The data plane's own state that a checkpoint carries besides the circuit's. */
export interface DataPlaneMeta {
  lineage: string;
  inputSeq: number;
  completedSteps: number;
  totalInputRecords: number;
  totalInputBytes: number;
  totalProcessedRecords: number;
  outputSequences: Record<string, number>;
  /** The most recent rejected inputs (absent in checkpoints of older versions). */
  rejected?: RejectedInput[];
  /** How far each input connector's processed input got (absent without connectors). */
  connectors?: Record<string, unknown>;
  /** The HTTP input connectors' counters and recent errors (absent in older checkpoints). */
  httpInputs?: HttpInputState[];
  /**
   * The input (sequence `inputSeq + 1`) that steps had processed `taken` rows of when the
   * checkpoint was taken, being split across steps: a replay applies only its other rows.
   */
  partial?: { seq: number; taken: number };
}

/**
 * Records one step takes at most by default: Feldera's `max_worker_batch_size` default
 * (10,000 records per worker) times one worker, as Sluice's circuit runs on one thread.
 * `runtime_config.dev_tweaks.max_batch_size` sets it (Feldera's connector `max_batch_size`).
 */
export const DEFAULT_MAX_BATCH_SIZE = 10_000;

/** Rows of a relation copied per event-loop turn when a query's snapshot is captured. */
export const CAPTURE_CHUNK_ROWS = 32_768;

/** How many rejected inputs are remembered (for completion tokens and checkpoints). */
const REMEMBERED_REJECTIONS = 100;
const FIRST_ROW_CHARS = 300;

export interface DataPlaneSettings {
  /** Records accepted but not processed per table before ingress waits (`max_queued_records`). */
  maxQueuedRecords?: number;
  /** `runtime_config.clock_resolution_usecs`: how often a program that calls `NOW()` steps. */
  clockResolutionUsecs?: number | null;
  /** Records one step takes at most (`max_batch_size`), except a transaction's commit step. */
  maxBatchSize?: number;
  /** Called when a step failed on some inputs, which were rejected; steps have stopped. */
  onRejected: (rejected: RejectedInput[]) => void;
  /**
   * Called when the pipeline cannot go on: an unexpected failure outside the circuit, or (with
   * `RuntimeError.WorkerPanic`, Feldera's code for a failed step) a step that fails with no
   * input to reject, so that no later step could ever succeed either.
   */
  onFatal: (message: string, errorCode?: 'RuntimeError.WorkerPanic') => void;
}

/** Owns the circuit and moves data through it. */
export class DataPlane {
  readonly circuit: EngineCircuit;
  private running = false;
  private stepScheduled = false;
  private stepRunning = false;
  private stepping: Promise<void> = Promise.resolve();
  private readonly subscribers = new Set<EgressSubscriber>();
  /** The HTTP input connectors (one per table and ingress format); survive checkpoints. */
  readonly httpInputs = new HttpInputs();
  private readonly queue: InputQueue;
  /** Input sequence: one per accepted ingress request or INSERT. */
  private pushedSeq = 0;
  private processedSeq = 0;
  totalInputRecords = 0;
  totalInputBytes = 0;
  totalProcessedRecords = 0;
  completedSteps = 0;
  /** Whether the initial step (taken even without input) is still to be taken. */
  private initialStepDue = true;
  /** The clock of a program that calls `NOW()`, else null. */
  private readonly clock: PipelineClock | null;
  /** Whether a clock tick (a step without input) is due. */
  private clockDue = false;
  private readonly waiters: Array<{ seq: number; resolve: () => void }> = [];
  /** Next chunk sequence number of each relation's output stream; survives checkpoints. */
  private readonly outputSequences = new Map<string, number>();
  /** Names the input history completion tokens refer to; carried across resumes. */
  private lineage: string;
  /** Recently rejected inputs by sequence number, oldest first. */
  private readonly rejected = new Map<number, RejectedInput>();
  /** The transaction under way, if any (`committing`: its commit step is waiting or running). */
  private transaction: { id: number; phase: 'open' | 'committing' } | null = null;
  private lastTransactionId = 0;
  /** From the checkpoint restored: the input a replay must skip the first rows of. */
  private replayPartial: { seq: number; taken: number } | null = null;
  /** The sequence number of the last input `replay` queued (0: nothing replayed). */
  private replayedThrough = 0;
  private readonly maxBatchSize: number;
  /** Set for exactly-once pipelines: every accepted input is journaled before it is acknowledged. */
  journal: InputJournal | null = null;
  /** The pipeline's connectors, once they are set up (before checkpoint restore). */
  connectors: ConnectorHooks | null = null;

  constructor(
    readonly program: EngineProgram,
    incarnation: string,
    readonly log: PipelineLogger,
    private readonly settings: DataPlaneSettings,
  ) {
    this.circuit = program.instantiate();
    this.lineage = incarnation;
    this.queue = new InputQueue(settings.maxQueuedRecords ?? DEFAULT_MAX_QUEUED_RECORDS);
    this.clock = this.circuit.usesClock
      ? new PipelineClock(settings.clockResolutionUsecs, () => {
          this.clockDue = true;
          this.scheduleStep();
        })
      : null;
    this.maxBatchSize = settings.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  }

  /** The data plane's counters and positions, consistent with `circuit.checkpoint()` at a step boundary. */
  exportMeta(): DataPlaneMeta {
    const partial = this.queue.partial();
    return {
      lineage: this.lineage,
      inputSeq: this.processedSeq,
      completedSteps: this.completedSteps,
      totalInputRecords: this.totalInputRecords - this.queue.records,
      totalInputBytes: this.totalInputBytes - this.queue.bytes,
      totalProcessedRecords: this.totalProcessedRecords,
      outputSequences: Object.fromEntries(this.outputSequences),
      rejected: [...this.rejected.values()],
      ...(this.connectors ? { connectors: this.connectors.exportState() } : {}),
      ...(partial ? { partial } : {}),
      httpInputs: this.httpInputs.exportState(),
    };
  }

  /** Restores what `exportMeta` saved, on a fresh data plane before any input. */
  importMeta(meta: DataPlaneMeta): void {
    this.lineage = meta.lineage;
    this.pushedSeq = meta.inputSeq;
    this.processedSeq = meta.inputSeq;
    this.completedSteps = meta.completedSteps;
    this.initialStepDue = meta.completedSteps === 0;
    this.totalInputRecords = meta.totalInputRecords;
    this.totalInputBytes = meta.totalInputBytes;
    this.totalProcessedRecords = meta.totalProcessedRecords;
    for (const [name, seq] of Object.entries(meta.outputSequences)) this.outputSequences.set(name, seq);
    for (const r of meta.rejected ?? []) this.remember(r);
    if (meta.connectors) this.connectors?.importState(meta.connectors);
    this.httpInputs.importState(meta.httpInputs ?? [], (name) => this.program.lookupRelation(name));
    this.replayPartial = meta.partial ?? null;
  }

  /**
   * Re-applies journaled inputs that the restored checkpoint does not cover. An input the
   * journal marks as rejected keeps its sequence number but contributes no rows, except the
   * rows steps had kept of it before the failed part (`kept_records`); an input the checkpoint
   * holds the first rows of (`partial`) contributes the others.
   */
  replay(entries: JournalEntry[]): number {
    const rejected = new Map<number, RejectedInput>();
    for (const e of entries)
      if (e.kind === 'rejected')
        for (const r of JSON.parse(e.payload) as RejectedInput[]) rejected.set(r.seq, r);
    let replayed = 0;
    for (const entry of entries) {
      if (entry.kind === 'rejected' || entry.seq <= this.pushedSeq) continue;
      const wasRejected = rejected.get(entry.seq);
      const keep = (count: number) => this.replayedRange(entry.seq, count, wasRejected);
      if (entry.kind === 'connector') {
        const batch = this.regenerate(entry.payload);
        if (wasRejected) this.remember(wasRejected);
        const { from, to } = keep(batch.rows.length);
        const rows = from === 0 && to === batch.rows.length ? batch.rows : batch.rows.slice(from, to);
        this.enqueue(
          {
            seq: ++this.pushedSeq,
            kind: 'connector',
            changes: [{ table: batch.table, rows }],
            records: rows.length,
            bytes: rows.length === batch.rows.length ? batch.bytes : 0,
            connector: { endpoint: batch.endpoint, position: batch.position },
          },
          false,
        );
      } else if (wasRejected && !(entry.kind === 'ingress' && wasRejected.kept_records)) {
        this.remember(wasRejected);
        this.enqueue(
          { seq: ++this.pushedSeq, kind: wasRejected.kind, changes: [], records: 0, bytes: 0 },
          false,
        );
      } else if (entry.kind === 'ingress') {
        const table = this.relation(entry.table, 'table');
        const rows = scanIngress(
          table,
          entry.payload,
          {
            format: entry.format as 'json' | 'csv',
            updateFormat: entry.updateFormat as UpdateFormat,
            array: entry.array,
            ...(entry.jsonFlavor ? { jsonFlavor: entry.jsonFlavor } : {}),
            // As when it was accepted: its bad records (if any) were skipped then, and are now.
            skipBadRecords: true,
          },
          this.maxBatchSize,
        );
        if (wasRejected) this.remember(wasRejected);
        const { from, to } = keep(rows.count);
        const whole = from === 0 && to === rows.count;
        const source: RowSource = whole ? rows : { read: (a, b) => rows.read(a + from, b + from) };
        this.acceptRows(table.name, source, to - from, whole ? Buffer.byteLength(entry.payload) : 0, false);
      } else {
        const result = this.circuit.query(entry.payload);
        this.acceptInserted(Number(result.rows[0]?.[0] ?? 0));
      }
      replayed++;
    }
    if (replayed > 0) this.replayedThrough = this.pushedSeq;
    return replayed;
  }

  /** Whether inputs `replay` queued are not all processed yet. */
  get replaying(): boolean {
    return this.processedSeq < this.replayedThrough;
  }

  /**
   * Resolves once every input `replay` queued is processed (or rejected); the steps that
   * process them run only while the data plane runs.
   */
  async replayDone(): Promise<void> {
    const seq = this.replayedThrough;
    if (seq <= this.processedSeq) return;
    await new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
  }

  /**
   * The rows `[from, to)` of replayed input `seq` (of `count` rows) that are not in the
   * restored state nor rejected.
   */
  private replayedRange(
    seq: number,
    count: number,
    rejected: RejectedInput | undefined,
  ): { from: number; to: number } {
    const from = this.replayPartial?.seq === seq ? this.replayPartial.taken : 0;
    const to = rejected ? (rejected.kept_records ?? 0) : count;
    return { from, to: Math.max(from, to) };
  }

  private regenerate(payload: string) {
    if (!this.connectors)
      throw new Error('the journal holds connector input but the program has no connectors');
    return this.connectors.regenerate(payload);
  }

  /**
   * Waits until a connector's batch of `records` may be queued under its endpoint's bound
   * (`max_queued_records`); rejects once input is refused (the pipeline is going down).
   */
  admitConnector(endpoint: string, records: number, bound: number): Promise<void> {
    return this.queue.admit(endpoint, records, undefined, bound);
  }

  /**
   * Queues a batch an input connector made, after `admitConnector` admitted it; `journal` is
   * what an exactly-once journal keeps to make it again. Returns its input sequence number.
   */
  acceptConnector(
    endpoint: string,
    table: string,
    rows: WeightedRow[],
    bytes: number,
    position: unknown,
    journal: string,
  ): number {
    this.journal?.append({ seq: this.pushedSeq + 1, kind: 'connector', payload: journal });
    this.enqueue(
      {
        seq: ++this.pushedSeq,
        kind: 'connector',
        changes: [{ table, rows }],
        records: rows.length,
        bytes,
        connector: { endpoint, position },
      },
      true,
    );
    return this.pushedSeq;
  }

  /** Records admitted under `key` (a table, or a connector's endpoint) and not yet processed. */
  queuedRecordsOf(key: string): number {
    return this.queue.queuedRecords(key);
  }

  /**
   * Whether everything accepted has been processed and sent out: nothing queued, no step
   * running or due, and every egress stream's buffer flushed.
   */
  isDrained(): boolean {
    if (this.queue.length > 0 || this.processedSeq < this.pushedSeq) return false;
    if (this.stepScheduled || this.stepRunning) return false;
    for (const sub of this.subscribers) if (!sub.isClosed && sub.stream.writableLength > 0) return false;
    return true;
  }

  /** Resolves when no step is running and, if the pipeline runs, every accepted input is processed. */
  async idle(): Promise<void> {
    if (this.running && this.transaction?.phase !== 'open') await this.waitProcessed();
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
    // Like Feldera's clock connector: a step at once when the pipeline runs, no ticks while not.
    if (running && this.clock) this.clockDue = true;
    if (!running) this.clock?.stop();
    if (running) this.scheduleStep();
  }

  /** From now on refuses ingress with `err` (the pipeline is going down), waiting requests too. */
  refuseInput(err: Error): void {
    this.queue.refuseAll(err);
  }

  /**
   * Decodes one ingress request, waits until it fits in the input queue (or `signal` aborts:
   * the client went away, and nothing is accepted), then accepts it; returns its token.
   */
  async ingest(
    tableName: string,
    body: Uint8Array | string,
    options: IngressOptions,
    signal?: AbortSignal,
  ): Promise<{ token: string; records: number }> {
    const table = this.relation(tableName, 'table');
    const endpoint = this.httpInputs.endpointFor(table, options);
    const rows = await scanIngressSliced(
      table,
      body,
      { ...options, skipBadRecords: true },
      this.maxBatchSize,
    );
    if (rows.errorCount > 0) {
      endpoint.rejected(rows.errors, rows.errorCount);
      const reason = options.array
        ? 'with array=true a request is ingested whole or not at all'
        : rows.stopped
          ? 'the body could not be read past its last error'
          : rows.count === 0
            ? 'it holds no good record'
            : null;
      if (reason) throw parseErrorsError(table.name, rows, { reason });
    }
    try {
      await this.queue.admit(table.name, rows.count, signal);
    } catch (err) {
      this.log.warn(
        `ingress request to '${table.name}' (${rows.count} record${rows.count === 1 ? '' : 's'}) not accepted: ${(err as Error).message}`,
      );
      throw err;
    }
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    try {
      this.journal?.append({
        seq: this.pushedSeq + 1,
        kind: 'ingress',
        table: table.name,
        format: options.format,
        updateFormat: options.updateFormat,
        array: options.array,
        ...(options.jsonFlavor ? { jsonFlavor: options.jsonFlavor } : {}),
        payload: rows.text,
      });
    } catch (err) {
      // Not accepted: give back the room it was admitted into.
      this.queue.withdraw(table.name, rows.count);
      throw ingressWriteError(err, table.name);
    }
    endpoint.accepted(rows.count, bytes);
    this.acceptRows(table.name, rows, rows.count, bytes, true);
    const token = encodeToken(this.lineage, this.pushedSeq);
    // Feldera keeps the good records of a newline-delimited body and answers 400 for the bad.
    if (rows.errorCount > 0) throw parseErrorsError(table.name, rows, { token, records: rows.count });
    return { token, records: rows.count };
  }

  /** Queues an ingress request's `records` rows, decoded from `source` when steps take them. */
  private acceptRows(
    table: string,
    source: RowSource,
    records: number,
    bytes: number,
    admitted: boolean,
  ): void {
    this.enqueue(
      { seq: ++this.pushedSeq, kind: 'ingress', changes: [{ table, rows: [] }], source, records, bytes },
      admitted,
    );
  }

  private enqueue(input: QueuedInput, admitted: boolean): void {
    this.queue.push(input, admitted);
    this.totalInputRecords += input.records;
    this.totalInputBytes += input.bytes;
    this.scheduleStep();
  }

  /** A token for everything accepted so far. */
  currentToken(): string {
    return encodeToken(this.lineage, this.pushedSeq);
  }

  /**
   * Whether the input of `token` (and every input before it) has been processed. The token of
   * a rejected input answers `InputRejected` (422) with the reason, not `complete`: its data
   * is not in the pipeline's state and never will be.
   */
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
    const rejected = this.rejected.get(body.seq);
    if (rejected) {
      throw new ApiError(
        'InputRejected',
        `The input of this completion token was rejected and is not part of the pipeline's state: ${describeRejected(rejected)}`,
        { rejected },
      );
    }
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

  /** Whether a step is due: input is queued, or the initial step has not been taken. */
  private hasWork(): boolean {
    return this.queue.length > 0 || this.initialStepDue || this.clockDue;
  }

  private scheduleStep(): void {
    if (this.stepScheduled || !this.canStep()) return;
    this.stepScheduled = true;
    setImmediate(() => {
      this.stepping = this.stepping.then(() => this.runStep());
    });
  }

  /** Pushes `inputs` into the circuit and steps it; commits on success, rolls back on failure. */
  private attempt(inputs: readonly InputPart[], nowMillis: number | undefined): Attempt {
    let outputs: Map<string, WeightedRow[]>;
    try {
      for (const input of inputs) {
        // A part of a request whose rows did not decode again fails the step, as a bad row would.
        if (input.failure !== undefined) throw input.failure;
        for (const c of input.changes) this.circuit.push(c.table, c.rows);
      }
      outputs = this.circuit.step(nowMillis);
    } catch (error) {
      this.circuit.discardPending();
      return { ok: false, error };
    }
    this.completedSteps++;
    this.initialStepDue = false;
    this.finish(inputs);
    for (const [name, delta] of outputs) {
      if (delta.length === 0) continue;
      this.connectors?.output(name, delta);
      const sequence = this.takeOutputSequence(name);
      for (const sub of this.subscribers) {
        if (sub.isClosed) this.subscribers.delete(sub);
        else if (sub.relation.name === name) sub.send(delta, sequence);
      }
    }
    return { ok: true };
  }

  /**
   * Marks inputs (in order) as done with, processed or rejected, and wakes who waits on them.
   * A rejected input's records count as processed too: they are done with, and clients (e.g.
   * Feldera's SDK `wait_for_idle`) wait for processed records to catch up with input records.
   */
  private finish(inputs: readonly InputPart[]): void {
    for (const input of inputs) {
      this.totalProcessedRecords += input.records;
      if (!input.final) continue;
      this.processedSeq = Math.max(this.processedSeq, input.seq);
      if (input.connector) this.connectors?.inputDone(input.connector.endpoint, input.connector.position);
    }
    this.queue.release(inputs);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.seq <= this.processedSeq) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Whether a step may run now: the pipeline runs, a step is due, and no transaction is open. */
  private canStep(): boolean {
    return this.running && this.hasWork() && this.transaction?.phase !== 'open';
  }

  private async runStep(): Promise<void> {
    this.stepScheduled = false;
    if (!this.canStep()) return;
    this.stepRunning = true;
    try {
      // Backpressure from state storage: wait while sealed state is still being written; the
      // pipeline may have paused or opened a transaction meanwhile.
      await this.circuit.ready();
      if (!this.canStep()) return;
      await this.stepOnce();
    } finally {
      this.stepRunning = false;
    }
  }

  /**
   * One step over the next `max_batch_size` records queued (a transaction's commit: over all
   * of them), isolating failing inputs; then the next, on a later turn of the event loop, if
   * input waits.
   */
  private async stepOnce(): Promise<void> {
    const committing = this.transaction?.phase === 'committing';
    const inputs = this.queue.takeBatch(committing ? Number.POSITIVE_INFINITY : this.maxBatchSize);
    const rejected: RejectedInput[] = [];
    // One time for the whole step, including the retries of its inputs apart.
    const nowMillis = this.clock?.now();
    this.clockDue = false;
    try {
      const first = this.attempt(inputs, nowMillis);
      if (!first.ok && inputs.length === 0) {
        // The failure is the program's own (a constant view, the clock's tick, a recursion that
        // overflows): no input to leave out, and the same step would fail on every retry. The
        // step is rolled back; the pipeline stops, as Feldera's does on a worker panic.
        this.running = false;
        this.settings.onFatal(
          `step ${this.completedSteps + 1} failed with no input to reject: ${errorText(first.error)}`,
          'RuntimeError.WorkerPanic',
        );
        return;
      }
      if (!first.ok) {
        this.log.warn(
          `step ${this.completedSteps + 1} failed on ${inputs.length} input(s): ${errorText(first.error)}; retrying them apart to find the failing one(s)`,
        );
        isolateFailures(
          inputs,
          first.error,
          (part) => this.attempt(part, nowMillis),
          (input, error) => {
            rejected.push(this.reject(input, error));
          },
        );
      }
    } catch (err) {
      this.settings.onFatal(`step ${this.completedSteps + 1} failed: ${errorText(err)}`);
      return;
    }
    if (committing) this.endTransaction();
    if (rejected.length > 0) {
      this.running = false;
      this.journal?.append({
        seq: Math.max(...rejected.map((r) => r.seq)),
        kind: 'rejected',
        payload: JSON.stringify(rejected),
      });
      for (const r of rejected) this.log.error(`rejected input: ${describeRejected(r)}`);
      this.settings.onRejected(rejected);
      return;
    }
    // The next tick is one resolution after this step's time (an input step moves it too).
    if (nowMillis !== undefined && this.running) this.clock!.arm(nowMillis);
    await Promise.all([...this.subscribers].map((s) => s.drained()));
    this.scheduleStep();
  }

  /**
   * Records a rejected input, marks it done with, and describes it. A failed part of a split
   * input takes the rest of its input with it (dropped from the queue unprocessed); the parts
   * earlier steps processed stay processed.
   */
  private reject(part: InputPart, error: unknown): RejectedInput {
    const rest = part.final ? null : this.queue.dropRest(part.seq);
    const input: InputPart = rest ? { ...part, records: part.records + rest.records, final: true } : part;
    const first = input.changes.find((c) => c.rows.length > 0);
    let firstRow: string | null = null;
    if (first) {
      const rel = this.program.lookupRelation(first.table);
      const text = rel ? makeRowJsonEncoder(rel.columns)(first.rows[0]!.row) : null;
      firstRow = text && text.length > FIRST_ROW_CHARS ? `${text.slice(0, FIRST_ROW_CHARS)}…` : text;
    }
    const rejected: RejectedInput = {
      seq: input.seq,
      kind: input.kind,
      tables: input.changes.map((c) => c.table),
      records: input.records,
      completion_token: encodeToken(this.lineage, input.seq),
      error: errorText(error),
      first_row: firstRow,
      ...(input.connector ? { connector: input.connector.endpoint } : {}),
      ...(part.offset > 0 ? { kept_records: part.offset } : {}),
    };
    this.remember(rejected);
    this.finish(rest ? [{ ...part, final: false }, rest] : [part]);
    return rejected;
  }

  private remember(r: RejectedInput): void {
    this.rejected.set(r.seq, r);
    for (const seq of this.rejected.keys()) {
      if (this.rejected.size <= REMEMBERED_REJECTIONS) break;
      this.rejected.delete(seq);
    }
  }

  /** The next chunk sequence number of relation `name`'s output stream, taken. */
  private takeOutputSequence(name: string): number {
    const sequence = this.outputSequences.get(name) ?? 0;
    this.outputSequences.set(name, sequence + 1);
    return sequence;
  }

  /** The open egress stream of relation `name` whose connector name (after `{name}.`) is `connector`. */
  subscriber(name: string, connector: string): EgressSubscriber | undefined {
    for (const sub of this.subscribers)
      if (!sub.isClosed && sub.endpointName === `${name}.${connector}`) return sub;
    return undefined;
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
    const sub = new EgressSubscriber(rel, options, () => this.takeOutputSequence(rel.name));
    const rows = snapshot ? withApiErrors(() => this.circuit.snapshot(rel.name)) : [];
    if (snapshot) sub.send(rows, this.outputSequences.get(rel.name) ?? 0, true);
    sub.startKeepalive();
    this.subscribers.add(sub);
    sub.stream.on('close', () => this.subscribers.delete(sub));
    this.log.info(`egress subscriber connected to '${rel.name}' (format ${options.format})`);
    return sub;
  }

  /** Plans an ad-hoc statement without running it; throws as `query` would. */
  checkQuery(sql: string): void {
    withApiErrors(() => this.circuit.prepareQuery(sql));
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
    if (this.running && this.transaction?.phase !== 'open') await this.waitProcessed();
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

  /** Accepts the rows an INSERT pushed into the circuit's buffers as one queued input. */
  private acceptInserted(count: number): void {
    const changes = [...this.circuit.takePending()].map(([table, rows]) => ({ table, rows }));
    this.enqueue({ seq: ++this.pushedSeq, kind: 'sql', changes, records: count, bytes: 0 }, false);
  }

  /** Opens a transaction and returns its id; `TransactionInProgress` if one is under way. */
  startTransaction(): number {
    if (this.transaction) {
      throw new ApiError(
        'TransactionInProgress',
        `Transaction ${this.transaction.id} is already in progress${this.transaction.phase === 'committing' ? ' (committing)' : ''}: commit it before starting another`,
        { transaction_id: this.transaction.id },
      );
    }
    this.transaction = { id: ++this.lastTransactionId, phase: 'open' };
    this.log.info(`transaction ${this.transaction.id} started`);
    return this.transaction.id;
  }

  /**
   * Commits the open transaction: its inputs are processed in one step, after which the
   * transaction ends (at once if it has none). `NoTransactionInProgress` without an open one.
   */
  commitTransaction(): void {
    if (this.transaction?.phase !== 'open') {
      throw new ApiError(
        this.transaction ? 'TransactionInProgress' : 'NoTransactionInProgress',
        this.transaction
          ? `Transaction ${this.transaction.id} is already committing`
          : 'There is no transaction in progress to commit: start one with /start_transaction',
        this.transaction ? { transaction_id: this.transaction.id } : {},
      );
    }
    this.transaction.phase = 'committing';
    this.log.info(`transaction ${this.transaction.id} commit started`);
    if (this.queue.length === 0) this.endTransaction();
    else this.scheduleStep();
  }

  private endTransaction(): void {
    if (!this.transaction) return;
    this.log.info(`transaction ${this.transaction.id} committed`);
    this.transaction = null;
    this.scheduleStep();
  }

  /** Feldera's transaction fields of `/stats` global metrics. */
  transactionStats() {
    const t = this.transaction;
    return {
      transaction_status: !t
        ? 'NoTransaction'
        : t.phase === 'open'
          ? 'TransactionInProgress'
          : 'CommitInProgress',
      transaction_id: t?.id ?? 0,
      transaction_initiators: {
        transaction_id: t?.id ?? null,
        initiated_by_api: !t ? null : t.phase === 'open' ? 'Started' : 'Committed',
        initiated_by_connectors: {},
      },
    };
  }

  stats() {
    return {
      bufferedRecords: this.queue.records,
      bufferedBytes: this.queue.bytes,
      waitingRequests: this.queue.waitingRequests,
    };
  }

  /** The open egress streams (Feldera's HTTP output connectors), oldest first. */
  egressSubscribers(): EgressSubscriber[] {
    return [...this.subscribers].filter((s) => !s.isClosed);
  }

  closeSubscribers(): void {
    for (const sub of this.subscribers) sub.close();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One line naming a rejected input: what, where, how many, its token and first row. */
export function describeRejected(r: RejectedInput): string {
  const what =
    r.kind === 'ingress'
      ? `the ingress request to table '${r.tables[0] ?? ''}'`
      : r.kind === 'connector'
        ? `the batch of connector '${r.connector ?? ''}' into table '${r.tables[0] ?? ''}'`
        : 'the INSERT';
  const row = r.first_row === null ? '' : `, first row ${r.first_row}`;
  const kept = r.kept_records
    ? `; it was split across steps, and its first ${r.kept_records} record${r.kept_records === 1 ? ' was' : 's were'} processed and kept, the rest from record ${r.kept_records + 1} on not`
    : '';
  return `${what} (${r.records} record${r.records === 1 ? '' : 's'}, input sequence ${r.seq}, completion token ${r.completion_token}${row}) failed: ${r.error}${kept}`;
}
