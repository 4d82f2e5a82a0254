/**
 * `file_output`: a view's changes written to a local file, in JSON or CSV (Feldera's
 * `FileOutputEndpoint`, crates/adapters/src/transport/file.rs).
 *
 * As Feldera: the file is created, or truncated, when the pipeline starts; each step's
 * non-empty change is encoded (runtime/formats/output.ts: deletions first; JSON
 * `insert_delete` records one per line, or `[...]` arrays of at most `buffer_size_records`
 * records with `array`; CSV rows with their weight) and written, then the file is synced to
 * disk. A step with no change to the view writes nothing. A failed write is a transport error
 * in the connector's status (the step's output to this file is lost, later steps are written),
 * not a pipeline failure, as in Feldera; what part of that step's output got written is cut
 * off again, so the file holds whole steps.
 *
 * Checkpoints (where Sluice goes further than Feldera, whose file output is not fault
 * tolerant and starts the file again on every start): a checkpoint records how many bytes of
 * the file hold the output of the steps it covers. A pipeline resumed from that checkpoint
 * truncates the file to that length and appends from there, so the file holds each step's
 * output once: the output of steps after the checkpoint is cut, and written again when a
 * journal replays their input (exactly-once), or never, when their input is lost with them
 * (fault tolerance `none`). A file shorter than the checkpoint says (changed by someone else)
 * is appended to, with a warning. A start without a checkpoint truncates, as Feldera.
 *
 * Writes are synchronous, inside the step: see output-endpoint.ts for why (completion tokens).
 * With `enable_output_buffer`, the file gets the buffer's consolidated batches instead of every
 * step's change; the buffer is flushed before a checkpoint records the file's length, so the
 * length above always covers whole flushes (output-endpoint.ts says why that is exactly-once).
 */
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { OutputFormatSettings } from '../../connectors/file/settings.js';
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import { csvUpdateEncoder, jsonUpdateEncoder, type RecordEncoder } from '../formats/output.js';
import type { PipelineLogger } from '../log.js';
import { pathProblem } from './file-path.js';
import { OutputEndpoint, type OutputProgress } from './output-endpoint.js';
import { fatalTransportError } from './transport-error.js';

/** What a checkpoint keeps of a `file_output` connector. */
interface FileOutputState {
  path: string;
  /** Bytes of the file written by the steps the checkpoint covers. */
  length: number;
}

/** Mode of a file the connector creates: the pipeline's output is private to its user. */
const FILE_MODE = 0o600;

/** The text of one step's `records`, as Feldera's encoder hands it to the file in buffers. */
function chunks(records: string[], format: OutputFormatSettings): string[] {
  if (format.name === 'csv') return [records.join('')];
  if (!format.array) return [records.map((r) => `${r}\n`).join('')];
  // Feldera closes a full buffer with `]` and the last, partial one with `]\n`.
  const out: string[] = [];
  for (let i = 0; i < records.length; i += format.bufferSizeRecords) {
    const part = records.slice(i, i + format.bufferSizeRecords);
    out.push(`[${part.join(',')}]${part.length < format.bufferSizeRecords ? '\n' : ''}`);
  }
  return out;
}

export class FileOutputEndpoint extends OutputEndpoint {
  private fd: number | null = null;
  /** Bytes of the file holding this connector's output so far. */
  private length = 0;
  private restored: FileOutputState | null = null;
  private readonly encoder: RecordEncoder;
  private readonly path: string;
  private readonly format: OutputFormatSettings;

  /** Throws `OutputTransportError` if the path cannot be used (checked again at `open`). */
  constructor(
    spec: ConnectorSpec,
    progress: OutputProgress,
    columns: readonly ColumnInfo[],
    private readonly dataDir: string,
    private readonly log: PipelineLogger,
  ) {
    super(spec, progress);
    if (!spec.fileOutput) throw new Error(`connector '${spec.endpoint}' has no file_output settings`);
    this.path = spec.fileOutput.path;
    this.format = spec.fileOutput.format;
    this.encoder = this.format.name === 'csv' ? csvUpdateEncoder(columns) : jsonUpdateEncoder(columns);
    this.check();
  }

  private fail(problem: string): never {
    throw fatalTransportError(
      'output',
      this.endpoint,
      `Failed to create output file '${this.path}': ${problem}`,
    );
  }

  private check(): void {
    const problem = pathProblem(this.path, this.dataDir, false);
    if (problem !== null) this.fail(problem);
  }

  override importState(state: unknown): void {
    const s = state as FileOutputState | undefined;
    if (s && s.path === this.path && Number.isSafeInteger(s.length)) this.restored = s;
  }

  override exportState(): FileOutputState {
    return { path: this.path, length: this.length };
  }

  override open(): void {
    this.check();
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW;
    try {
      if (this.restored) {
        this.fd = openSync(this.path, flags, FILE_MODE);
        const size = fstatSync(this.fd).size;
        if (size >= this.restored.length) {
          ftruncateSync(this.fd, this.restored.length);
          this.length = this.restored.length;
          this.log.info(
            `output connector '${this.endpoint}': resuming '${this.path}' at byte ${this.length}, where the checkpoint left it`,
          );
        } else {
          this.length = size;
          this.log.warn(
            `output connector '${this.endpoint}': '${this.path}' has ${size} bytes, fewer than the ${this.restored.length} the checkpoint wrote (it was changed since); appending`,
          );
        }
      } else {
        this.fd = openSync(this.path, flags | constants.O_TRUNC, FILE_MODE);
        this.length = 0;
      }
    } catch (err) {
      this.fail((err as Error).message);
    }
  }

  protected transmit(delta: readonly WeightedRow[]): void {
    if (this.fd === null) return;
    const records = this.encoder.records(delta);
    let bytes = 0;
    try {
      for (const text of chunks(records, this.format)) {
        const buffer = Buffer.from(text, 'utf8');
        for (let done = 0; done < buffer.length; )
          done += writeSync(this.fd, buffer, done, buffer.length - done, this.length + bytes + done);
        bytes += buffer.length;
      }
      fsyncSync(this.fd);
      this.length += bytes;
      this.transmittedRecords += records.length;
      this.transmittedBytes += bytes;
    } catch (err) {
      const message = `error writing to '${this.path}': ${(err as Error).message}`;
      this.log.error(`output connector '${this.endpoint}': ${message}`);
      this.recordTransportError(message);
      try {
        // Drop what part of the step got written: the file holds whole steps only.
        ftruncateSync(this.fd, this.length);
      } catch {
        // The next write reports the file's trouble again.
      }
    }
  }

  override close(): void {
    super.close();
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Going down: nothing more will be written.
    }
    this.fd = null;
  }
}
