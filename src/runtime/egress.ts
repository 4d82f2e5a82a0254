/**
 * An egress subscriber: one HTTP response streaming the changes of one table or view.
 *
 * Each step's delta becomes one `Chunk` (`{"sequence_number", "snapshot", "json_data"}` or
 * `"text_data"` for CSV), written as a line, its deletions before its insertions. Sequence numbers count the output batches of the
 * relation since the pipeline first started (they continue across suspend and resume), so a
 * client can tell which batches it saw. Without backpressure a subscriber never holds
 * more than `MAX_QUEUED_BYTES` in its socket buffer: a chunk that does not fit is dropped (its
 * sequence number is skipped, so the client can see the gap) and counted. With backpressure,
 * the data plane waits for the client before the next step.
 *
 * A stream with nothing to say still speaks: as Feldera's HTTP output does, a chunk with only
 * a `sequence_number` (taking the relation's next number, as Feldera's does) goes out when a
 * subscriber connects without a snapshot and after every `KEEPALIVE_MS` without data. Clients
 * need it: the Python SDK's `listen()` returns only once the first line arrives, and a client
 * that went away is noticed only on a write. It has no `json_data` at all, not an empty one:
 * SDK 0.312 skips a chunk without it but fails on `"json_data": []` (its DataFrame conversion
 * of no rows raises), so that is the shape Feldera sends.
 */
import { PassThrough } from 'node:stream';
import { formatCsvField, makeRowJsonEncoder } from '../engine/values/index.js';
import type { WeightedRow } from '../engine/values/value.js';
import type { RelationShape } from './engine-api.js';

export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Silence after which an empty chunk is sent (Feldera's HTTP output waits 3 s). */
export const KEEPALIVE_MS = 3_000;

export interface EgressOptions {
  format: 'json' | 'csv';
  backpressure: boolean;
}

function deletesFirst(rows: WeightedRow[]): WeightedRow[] {
  return [...rows.filter((r) => r.weight < 0), ...rows.filter((r) => r.weight > 0)];
}

/** One client's stream of changes to one relation. */
export class EgressSubscriber {
  readonly stream = new PassThrough({ highWaterMark: 64 * 1024 });
  private closed = false;
  transmittedRecords = 0;
  transmittedBytes = 0;
  droppedChunks = 0;
  private readonly encodeRow: (row: readonly unknown[]) => string;
  private keepalive: NodeJS.Timeout | null = null;

  /** `nextSequence` takes the relation's next output sequence number (for empty chunks). */
  constructor(
    readonly relation: RelationShape,
    readonly options: EgressOptions,
    private readonly nextSequence: () => number,
  ) {
    this.encodeRow = makeRowJsonEncoder(relation.columns) as (row: readonly unknown[]) => string;
    this.stream.on('close', () => {
      this.closed = true;
      this.stopKeepalive();
    });
  }

  /** Sends an empty chunk now unless data went out already, then after each silence. */
  startKeepalive(sentData: boolean): void {
    if (!sentData) this.sendEmpty();
    else this.armKeepalive();
  }

  private sendEmpty(): void {
    if (this.isClosed) return;
    this.stream.write(`{"sequence_number":${this.nextSequence()}}\r\n`);
    this.armKeepalive();
  }

  private armKeepalive(): void {
    this.stopKeepalive();
    if (this.isClosed) return;
    this.keepalive = setTimeout(() => this.sendEmpty(), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  private stopKeepalive(): void {
    if (this.keepalive) clearTimeout(this.keepalive);
    this.keepalive = null;
  }

  get isClosed(): boolean {
    return this.closed || this.stream.destroyed;
  }

  /**
   * Feldera writes a batch's deletions before its insertions (an upsert reads as "delete the
   * old row, insert the new one" whatever the key order); a stable sort keeps the order within
   * each kind.
   */
  private encode(batch: WeightedRow[], sequence: number, snapshot: boolean): string {
    const rows = batch.some((r) => r.weight < 0) ? deletesFirst(batch) : batch;
    if (this.options.format === 'csv') {
      const lines = rows.map(
        ({ row, weight }) =>
          `${row.map((v, i) => formatCsvField(this.relation.columns[i]!.type, v)).join(',')},${weight}\n`,
      );
      return `${JSON.stringify({ sequence_number: sequence, snapshot, text_data: lines.join('') })}\r\n`;
    }
    const updates: string[] = [];
    for (const { row, weight } of rows) {
      const op = weight > 0 ? 'insert' : 'delete';
      const text = `{"${op}":${this.encodeRow(row)}}`;
      for (let i = 0; i < Math.abs(weight); i++) updates.push(text);
    }
    return `{"sequence_number":${sequence},"snapshot":${snapshot},"json_data":[${updates.join(',')}]}\r\n`;
  }

  /**
   * Writes one chunk with the relation's output sequence number; returns false when it was
   * dropped for a slow client.
   */
  send(rows: WeightedRow[], sequence: number, snapshot = false): boolean {
    if (this.isClosed || rows.length === 0) return true;
    const text = this.encode(rows, sequence, snapshot);
    if (!this.options.backpressure && this.stream.writableLength + text.length > MAX_QUEUED_BYTES) {
      this.droppedChunks++;
      return false;
    }
    this.stream.write(text);
    this.armKeepalive();
    this.transmittedRecords += rows.length;
    this.transmittedBytes += text.length;
    return true;
  }

  /** Resolves once the client has caught up (only meaningful with backpressure). */
  async drained(): Promise<void> {
    if (!this.options.backpressure || this.isClosed || this.stream.writableLength <= MAX_QUEUED_BYTES) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  close(): void {
    this.stopKeepalive();
    if (!this.isClosed) this.stream.end();
  }
}
