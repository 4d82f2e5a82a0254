/**
 * `file_input`: a table filled from a local file, read once (Feldera's `FileInputEndpoint`,
 * crates/adapters/src/transport/file.rs, without `follow`).
 *
 * The file is opened when the pipeline starts (a file that is missing or unreadable stops the
 * start with `InputTransportError`, as Feldera's connector fails to open) and read when the
 * connector first runs. Its records are decoded as an HTTP ingress body in the same format
 * (runtime/formats/ingress.ts: JSON `insert_delete`, `raw` or `weighted`, optionally in
 * arrays; CSV without header) and queued in batches of `max_batch_size` records (default
 * 10,000) under the connector's `max_queued_records`; the input ends after the last batch.
 *
 * Where Sluice differs from Feldera: decoding is all-or-nothing, as for HTTP ingress. A file
 * with a bad record is refused whole (the connector fails with the record's position and
 * reason, nothing of the file reaches the table), where Feldera would skip the bad record and
 * count a parse error. A wrong row in a table is worse than a clear refusal.
 *
 * Checkpoints carry the number of rows processed, the file's SHA-256 and the counters; a
 * resumed pipeline reads the file again and continues after those rows, or fails the
 * connector if the file changed (its rows would no longer line up with the ones processed).
 * An exactly-once journal records each batch as its row range and the file's hash, and a
 * replay reads the rows again from the file.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import type { FileInputSettings } from '../../connectors/file/settings.js';
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import { type IngressRows, scanIngress, scanIngressSliced, type TableShape } from '../formats/ingress.js';
import { type EndpointHost, InputEndpoint } from './endpoint.js';
import { pathProblem } from './file-path.js';
import { fatalTransportError } from './transport-error.js';

/** Feldera's default `max_batch_size` of a connector. */
const DEFAULT_BATCH_RECORDS = 10_000;

/** A batch's position, as it travels through the input queue. */
interface BatchPosition {
  /** Rows of the file processed once this batch is. */
  row: number;
  records: number;
  bytes: number;
}

/** The journal entry of a batch: enough to read it again. */
export interface FileJournalEntry {
  endpoint: string;
  sha256: string;
  from: number;
  to: number;
}

export interface FileInputState {
  paused: boolean;
  /** The file's hash when it was read; null: not read yet. */
  sha256: string | null;
  /** Rows processed. */
  row: number;
  /** Every row of the file was processed. */
  ended: boolean;
  totalRecords: number;
  totalBytes: number;
}

/** The file's contents once read: its rows, size and hash. */
interface Loaded {
  rows: IngressRows;
  size: number;
  sha256: string;
}

export class FileInputEndpoint extends InputEndpoint {
  private readonly settings: FileInputSettings;
  private readonly batchRecords: number;
  private loaded: Loaded | null = null;
  /** Where reading continues (rows). */
  private next = 0;
  private processed: FileInputState;

  /** Throws `InputTransportError` when the file cannot be opened. */
  constructor(
    spec: ConnectorSpec,
    private readonly table: TableShape,
    private readonly dataDir: string,
    host: EndpointHost,
  ) {
    super(spec, host);
    if (!spec.fileInput) throw new Error(`connector '${spec.endpoint}' has no file_input settings`);
    this.settings = spec.fileInput;
    const size = spec.config.max_batch_size;
    this.batchRecords =
      typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : DEFAULT_BATCH_RECORDS;
    this.processed = {
      paused: this.userPaused,
      sha256: null,
      row: 0,
      ended: false,
      totalRecords: 0,
      totalBytes: 0,
    };
    closeSync(this.openFile());
  }

  private get path(): string {
    return this.settings.path;
  }

  /** Opens the file for reading (not through a symbolic link); throws `InputTransportError`. */
  private openFile(): number {
    const problem = pathProblem(this.path, this.dataDir, true);
    const fail = (why: string) =>
      fatalTransportError('input', this.endpoint, `Failed to open input file '${this.path}': ${why}`);
    if (problem !== null) throw fail(problem);
    try {
      return openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      throw fail((err as Error).message);
    }
  }

  private readBytes(): Buffer {
    const fd = this.openFile();
    try {
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The file's bytes, checked against the hash a checkpoint or journal recorded. */
  private checked(bytes: Buffer, expected: string | null): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (expected !== null && sha256 !== expected)
      throw new Error(
        `'${this.path}' changed since the checkpoint was taken (its SHA-256 differs), so its rows no longer line up with the ones already processed; restore the file or clear the pipeline's storage`,
      );
    return sha256;
  }

  private options() {
    const f = this.settings.format;
    return { format: f.name, updateFormat: f.updateFormat, array: f.array };
  }

  /** Bytes attributed to rows `[from, to)`: the file's size shared out by row. */
  private bytesOf(from: number, to: number): number {
    const { size, rows } = this.loaded!;
    if (rows.count === 0) return 0;
    return Math.floor((size * to) / rows.count) - Math.floor((size * from) / rows.count);
  }

  async run(): Promise<void> {
    if (!(await this.untilActive())) return;
    if (!this.loaded) {
      try {
        const bytes = this.readBytes();
        const sha256 = this.checked(bytes, this.processed.sha256);
        const rows = await scanIngressSliced(this.table, bytes, this.options(), this.batchRecords);
        this.loaded = { rows, size: bytes.length, sha256 };
      } catch (err) {
        // The decoder speaks of a request; here the whole file was refused.
        const why = (err instanceof Error ? err.message : String(err)).replace(
          'of this request',
          'of this file',
        );
        this.fail(`'${this.path}' was not read: ${why}`);
        return;
      }
    }
    const { rows, sha256 } = this.loaded;
    for (;;) {
      if (this.next >= rows.count) {
        this.markEnded(`end of file '${this.path}'`);
        return;
      }
      if (!(await this.untilActive())) return;
      const from = this.next;
      const to = Math.min(rows.count, from + this.batchRecords);
      try {
        await this.host.admitConnector(this.endpoint, to - from, this.spec.maxQueuedRecords);
      } catch {
        return; // the pipeline is going down; the batch was not queued
      }
      if (this.stopped) return;
      this.accept(rows.read(from, to), from, to, sha256);
      // Let steps and HTTP requests run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private accept(batch: WeightedRow[], from: number, to: number, sha256: string): void {
    const bytes = this.bytesOf(from, to);
    const position: BatchPosition = { row: to, records: batch.length, bytes };
    const entry: FileJournalEntry = { endpoint: this.endpoint, sha256, from, to };
    this.inFlight++;
    this.host.acceptConnector(
      this.endpoint,
      this.spec.relation,
      batch,
      bytes,
      position,
      JSON.stringify(entry),
    );
    this.totalRecords += batch.length;
    this.totalBytes += bytes;
    this.next = to;
  }

  protected onBatchDone(position: unknown): void {
    const p = position as BatchPosition;
    this.processed = {
      ...this.processed,
      sha256: this.loaded?.sha256 ?? this.processed.sha256,
      row: p.row,
      ended: this.loaded !== null && p.row >= this.loaded.rows.count,
      totalRecords: this.processed.totalRecords + p.records,
      totalBytes: this.processed.totalBytes + p.bytes,
    };
  }

  /** Reads again the rows of a journal entry (exactly-once replay), as if just read. */
  regenerate(entry: FileJournalEntry): { rows: WeightedRow[]; bytes: number; position: unknown } {
    if (!this.loaded) {
      const bytes = this.readBytes();
      const sha256 = this.checked(bytes, entry.sha256);
      this.loaded = {
        rows: scanIngress(this.table, bytes, this.options(), this.batchRecords),
        size: bytes.length,
        sha256,
      };
    }
    const rows = this.loaded.rows.read(entry.from, entry.to);
    const bytes = this.bytesOf(entry.from, entry.to);
    this.inFlight++;
    this.totalRecords += rows.length;
    this.totalBytes += bytes;
    this.next = entry.to;
    return { rows, bytes, position: { row: entry.to, records: rows.length, bytes } satisfies BatchPosition };
  }

  exportState(): FileInputState {
    return { ...this.processed, paused: this.userPaused };
  }

  importState(state: unknown): void {
    const s = state as FileInputState;
    this.processed = { ...s };
    this.userPaused = s.paused;
    this.next = s.row;
    this.totalRecords = s.totalRecords;
    this.totalBytes = s.totalBytes;
    if (s.ended) this.markEnded('ended before the checkpoint');
  }
}
