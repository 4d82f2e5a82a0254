/**
 * The `datagen` input connector: generates its plans' records in batches and queues them.
 *
 * Plans run one after the other, each from record 0 to its `limit` (forever without one); a
 * batch is `worker_chunk_size` records (default `min(rate, 10000)`), or `transaction_size`
 * records when set, so that each transaction is queued, and stepped, as one input. With a
 * `rate` a batch is released once the plan's rate allows it (the first at once: Feldera's rate
 * limiter allows a burst of one second's records), so a rate of 1 with batches of 1 yields a
 * record a second. Without one it generates as fast as the circuit takes the batches, which
 * the connector's `max_queued_records` bounds (input-queue.ts). `workers` is accepted: the
 * records are a function of (seed, plan, index) only (connectors/datagen/random.ts), so
 * splitting the work among tasks would change nothing but their order, and this process
 * generates on one thread anyway.
 *
 * Checkpoints carry the position after the last batch processed, the seed (drawn at first
 * start when none is configured) and the counters, so a resumed pipeline continues with the
 * very records that come next. Batches queued but not processed at the checkpoint are made
 * again after a resume; an exactly-once pipeline journals each batch as its position
 * (`journalEntry`) and makes it again on replay.
 */
import { randomInt } from 'node:crypto';
import type { FakeStrings } from '../../connectors/datagen/fields.js';
import { type GeneratedBatch, RecordGenerator } from '../../connectors/datagen/generator.js';
import type { DatagenSettings } from '../../connectors/datagen/settings.js';
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import { type EndpointHost, InputEndpoint } from './endpoint.js';

/** Where a datagen connector is: the next record of which plan. */
interface Position {
  plan: number;
  next: number;
}

/** A batch's position with what it counted, as it travels through the input queue. */
interface BatchPosition extends Position {
  records: number;
  bytes: number;
  parseErrors: number;
}

/** The journal entry of a batch: enough to make it again. */
interface JournalEntry {
  endpoint: string;
  seed: number;
  plan: number;
  from: number;
  to: number;
}

export interface DatagenState {
  seed: number;
  plan: number;
  next: number;
  paused: boolean;
  totalRecords: number;
  totalBytes: number;
  parseErrors: number;
}

export class DatagenEndpoint extends InputEndpoint {
  private readonly settings: DatagenSettings;
  private readonly generator: RecordGenerator;
  private seed: number;
  /** Where generation continues. */
  private generated: Position = { plan: 0, next: 0 };
  /** After the last batch processed, with the counters up to it (what a checkpoint keeps). */
  private processed: DatagenState;
  /** When the current run of rate-limited batches started, and how many records it released. */
  private rateClock: { plan: number; start: number; released: number } | null = null;

  constructor(
    spec: ConnectorSpec,
    columns: readonly ColumnInfo[],
    fake: FakeStrings | null,
    host: EndpointHost,
  ) {
    super(spec, host);
    if (!spec.datagen) throw new Error(`connector '${spec.endpoint}' has no datagen settings`);
    this.settings = spec.datagen;
    this.generator = new RecordGenerator(spec.datagen, columns, fake);
    // Feldera's seed is a u64; a random one here stays within JS's exact integers.
    this.seed = spec.datagen.seed ?? randomInt(2 ** 47);
    this.processed = this.stateAt({ plan: 0, next: 0 });
    this.settle();
  }

  private stateAt(p: Position): DatagenState {
    return {
      seed: this.seed,
      plan: p.plan,
      next: p.next,
      paused: this.userPaused,
      totalRecords: 0,
      totalBytes: 0,
      parseErrors: 0,
    };
  }

  /** Moves the generation position past finished plans; ends the input after the last. */
  private settle(): void {
    const plans = this.settings.plans;
    while (this.generated.plan < plans.length) {
      const limit = plans[this.generated.plan]!.limit;
      if (limit === null || this.generated.next < limit) return;
      this.generated = { plan: this.generated.plan + 1, next: 0 };
      this.rateClock = null;
    }
    this.markEnded(`all ${plans.length} plan${plans.length === 1 ? '' : 's'} generated`);
  }

  /** The next batch's records `[from, to)` of the current plan. */
  private nextRange(): { plan: number; from: number; to: number } {
    const { plan, next } = this.generated;
    const settings = this.settings.plans[plan]!;
    const size = this.settings.transactionSize ?? settings.chunk;
    const to = settings.limit === null ? next + size : Math.min(settings.limit, next + size);
    return { plan, from: next, to };
  }

  /** Waits until the plan's rate allows `records` more records; false if the gate closed meanwhile. */
  private async rateAllows(plan: number, records: number): Promise<boolean> {
    const rate = this.settings.plans[plan]!.rate;
    if (rate === null) return true;
    const now = Date.now();
    if (this.rateClock?.plan !== plan) this.rateClock = { plan, start: now, released: 0 };
    const due = this.rateClock.start + (this.rateClock.released / rate) * 1000;
    if (due > now) {
      await this.sleep(due - now);
      if (!this.active || Date.now() < due) return false;
    }
    this.rateClock.released += records;
    return true;
  }

  async run(): Promise<void> {
    for (;;) {
      const wasActive = this.active;
      if (!(await this.untilActive())) return;
      // A pause restarts the rate: records not made while paused are not made up in a burst.
      if (!wasActive) this.rateClock = null;
      const range = this.nextRange();
      if (!(await this.rateAllows(range.plan, range.to - range.from))) continue;
      const batch = this.make(this.seed, range.plan, range.from, range.to);
      try {
        await this.host.admitConnector(this.endpoint, batch.rows.length, this.spec.maxQueuedRecords);
      } catch {
        return; // the pipeline is going down; the batch was not queued
      }
      if (this.stopped) return;
      const position = this.positionAfter(range.plan, range.to, batch);
      const entry: JournalEntry = { endpoint: this.endpoint, seed: this.seed, ...range };
      this.inFlight++;
      this.host.acceptConnector(
        this.endpoint,
        this.spec.relation,
        batch.rows.map((row) => ({ row, weight: 1 })),
        batch.bytes,
        position,
        JSON.stringify(entry),
      );
      this.totalRecords += batch.rows.length;
      this.totalBytes += batch.bytes;
      this.generated = { plan: range.plan, next: range.to };
      this.settle();
      // Let steps and HTTP requests run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Generates records `[from, to)` of `plan`, reporting the ones that fail as parse errors. */
  private make(seed: number, plan: number, from: number, to: number): GeneratedBatch {
    const batch = this.generator.generate(seed, plan, from, to);
    for (const e of batch.errors) this.recordParseError(`record ${e.index} of plan ${plan}: ${e.message}`);
    return batch;
  }

  /**
   * The position after `batch`, with its counts: the checkpointed counters advance by them
   * when the batch is processed, so a checkpoint counts the parse errors of the processed
   * input only (a batch queued at the checkpoint is made, and its errors counted, again).
   */
  private positionAfter(plan: number, next: number, batch: GeneratedBatch): BatchPosition {
    return { plan, next, records: batch.rows.length, bytes: batch.bytes, parseErrors: batch.errors.length };
  }

  protected onBatchDone(position: unknown): void {
    const p = position as BatchPosition;
    this.processed = {
      ...this.processed,
      plan: p.plan,
      next: p.next,
      totalRecords: this.processed.totalRecords + p.records,
      totalBytes: this.processed.totalBytes + p.bytes,
      parseErrors: this.processed.parseErrors + p.parseErrors,
    };
  }

  /** Makes again the batch of a journal entry (exactly-once replay), as if just generated. */
  regenerate(entry: JournalEntry) {
    const batch = this.make(entry.seed, entry.plan, entry.from, entry.to);
    const position = this.positionAfter(entry.plan, entry.to, batch);
    this.inFlight++;
    this.totalRecords += batch.rows.length;
    this.totalBytes += batch.bytes;
    this.generated = { plan: entry.plan, next: entry.to };
    this.settle();
    return { rows: batch.rows.map((row) => ({ row, weight: 1 })), bytes: batch.bytes, position };
  }

  exportState(): DatagenState {
    return { ...this.processed, seed: this.seed, paused: this.userPaused };
  }

  importState(state: unknown): void {
    const s = state as DatagenState;
    this.seed = s.seed;
    this.userPaused = s.paused;
    this.generated = { plan: s.plan, next: s.next };
    this.processed = { ...s };
    this.totalRecords = s.totalRecords;
    this.totalBytes = s.totalBytes;
    this.parseErrors = s.parseErrors;
    this.ended = false;
    this.settle();
  }
}

/** Reads a datagen journal entry's payload. */
export function parseJournalEntry(payload: string): JournalEntry {
  return JSON.parse(payload) as JournalEntry;
}
