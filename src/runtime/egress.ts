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
 * A stream with nothing to say still speaks, as Feldera's HTTP output does
 * (crates/adapters/src/transport/http/output.rs): after every `KEEPALIVE_MS` without a chunk,
 * a chunk with only a `sequence_number` (taking the relation's next number, as Feldera's
 * does) goes out, so a client that went away is noticed on a write. Nothing is sent at
 * connect, and a step whose delta for the relation is empty sends nothing either (Feldera's
 * encoder pushes no buffer for an empty batch): clients such as Feldera's platform tests read
 * every line's `json_data` as a list. The keepalive chunk has no `json_data` at all, not an
 * empty one: SDK 0.312 skips a chunk without it but fails on `"json_data": []` (its DataFrame
 * conversion of no rows raises). The SDK's `listen()` returns once the first line arrives, so
 * on an idle view it waits for the first keepalive, as with Feldera.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { WeightedRow } from '../engine/values/value.js';
import type { RelationShape } from './engine-api.js';
import { csvUpdateEncoder, jsonUpdateEncoder, type RecordEncoder } from './formats/output.js';

export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Silence after which an empty chunk is sent (Feldera's HTTP output waits 3 s). */
export const KEEPALIVE_MS = 3_000;

export interface EgressOptions {
  format: 'json' | 'csv';
  backpressure: boolean;
}

/** One client's stream of changes to one relation. */
export class EgressSubscriber {
  readonly stream = new PassThrough({ highWaterMark: 64 * 1024 });
  private closed = false;
  transmittedRecords = 0;
  transmittedBytes = 0;
  droppedChunks = 0;
  /**
   * Its endpoint name in `/stats`, Feldera's for an HTTP output connector: `{relation}.api-{uuid}`
   * (crates/adapters/src/server.rs, `output_endpoint`). It is gone when the stream closes.
   */
  readonly endpointName: string;
  private readonly encoder: RecordEncoder;
  private keepalive: NodeJS.Timeout | null = null;

  /** `nextSequence` takes the relation's next output sequence number (for empty chunks). */
  constructor(
    readonly relation: RelationShape,
    readonly options: EgressOptions,
    private readonly nextSequence: () => number,
  ) {
    this.endpointName = `${relation.name}.api-${randomUUID()}`;
    this.encoder =
      options.format === 'csv' ? csvUpdateEncoder(relation.columns) : jsonUpdateEncoder(relation.columns);
    this.stream.on('close', () => {
      this.closed = true;
      this.stopKeepalive();
    });
  }

  /** Sends an empty chunk after each `KEEPALIVE_MS` of silence from now on. */
  startKeepalive(): void {
    this.armKeepalive();
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

  /** One chunk of `batch` (deletions first: formats/output.ts). */
  private encode(batch: WeightedRow[], sequence: number, snapshot: boolean): string {
    const records = this.encoder.records(batch);
    if (this.options.format === 'csv')
      return `${JSON.stringify({ sequence_number: sequence, snapshot, text_data: records.join('') })}\r\n`;
    return `{"sequence_number":${sequence},"snapshot":${snapshot},"json_data":[${records.join(',')}]}\r\n`;
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
