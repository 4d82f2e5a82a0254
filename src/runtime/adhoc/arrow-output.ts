/**
 * The binary formats of `/query` output, in the Arrow schema of arrow-schema.ts:
 *   - `arrow_ipc`: an Arrow IPC stream (schema message, one record-batch message per batch of
 *     rows, end-of-stream marker), written batch by batch as Feldera streams it
 *     (arrow-rs `StreamWriter`), so that `pyarrow.ipc.open_stream` can read batches as they
 *     arrive. Each batch is encoded by apache-arrow as a whole one-batch stream, from which we
 *     cut the schema message (sent once, first) and the end-of-stream marker (sent once, last);
 *     our schemas have no dictionaries, so nothing else precedes a batch.
 *   - `parquet`: one Parquet file, Snappy-compressed as Feldera writes it. It is written by
 *     parquet-wasm, which is arrow-rs's Parquet writer (the one Feldera uses) compiled to
 *     WebAssembly and shipped inside the npm package: no native build, and the full Arrow type
 *     range (decimals, nested lists, maps, structs) that pure-JS writers lack. It writes a whole
 *     table at once, so the batches are kept as compact Arrow IPC until the end (inside the
 *     query worker, under its time budget, and up to a byte budget: `BinaryWriterOptions`) and
 *     the file is sent then.
 */
import { createRequire } from 'node:module';
import { type DataType, IntervalMonthDayNano, type Schema, Table, tableToIPC } from 'apache-arrow';
import type { ColumnDesc } from '../../engine/values/index.js';
import type { Row } from '../../engine/values/value.js';
import { ApiError } from '../../types/errors.js';
import { recordBatch } from './arrow-batch.js';
import { arrowSchema } from './arrow-schema.js';

/** A writer of one query's output; `rows` and `end` return the bytes to send (maybe none). */
export interface BinaryWriter {
  rows(batch: readonly Row[]): Uint8Array;
  end(): Uint8Array;
}

const EMPTY = new Uint8Array(0);
/** The IPC end-of-stream marker: continuation token and a zero metadata length. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** Encodes batches of rows as the messages of one Arrow IPC stream. */
class IpcMessages {
  readonly schema: Schema;
  /** The schema message: an IPC stream of no batches, without its end-of-stream marker. */
  readonly header: Uint8Array;
  private readonly types;

  constructor(columns: readonly ColumnDesc[]) {
    this.schema = arrowSchema(columns);
    this.types = columns.map((c) => c.type);
    const empty = tableToIPC(new Table(this.schema), 'stream');
    this.header = empty.subarray(0, empty.length - END_OF_STREAM.length);
  }

  /** The record-batch message of `rows`. */
  batch(rows: readonly Row[]): Uint8Array {
    const stream = tableToIPC(new Table([recordBatch(this.schema, this.types, rows)]), 'stream');
    return stream.subarray(this.header.length, stream.length - END_OF_STREAM.length);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function arrowIpcWriter(columns: readonly ColumnDesc[]): BinaryWriter {
  const messages = new IpcMessages(columns);
  let started = false;
  const start = (): Uint8Array => {
    if (started) return EMPTY;
    started = true;
    return messages.header;
  };
  return {
    rows: (batch) => (batch.length === 0 ? EMPTY : concat([start(), messages.batch(batch)])),
    end: () => concat([start(), END_OF_STREAM]),
  };
}

type ParquetWasm = typeof import('parquet-wasm');
let parquetWasm: ParquetWasm | undefined;

/** parquet-wasm, loaded (and its WebAssembly compiled) on the first Parquet query only. */
function loadParquetWasm(): ParquetWasm {
  parquetWasm ??= createRequire(import.meta.url)('parquet-wasm') as ParquetWasm;
  return parquetWasm;
}

/** True if `type` is, or holds, a day-time interval (Arrow MonthDayNano, which Parquet lacks). */
function holdsDayTimeInterval(type: DataType): boolean {
  return (
    type instanceof IntervalMonthDayNano || (type.children ?? []).some((f) => holdsDayTimeInterval(f.type))
  );
}

export interface BinaryWriterOptions {
  /**
   * Most bytes of encoded batches the Parquet writer keeps until the end; beyond it the query
   * fails with `AdHocQueryOutOfMemory`. These bytes and the WebAssembly memory the file is
   * built in live outside the JS heap, whose limit alone would not stop them.
   */
  maxBufferedBytes?: number;
}

/** Bytes of WebAssembly memory parquet-wasm holds (it grows and is never returned). */
export function parquetMemoryBytes(): number {
  return parquetWasm ? parquetWasm.wasmMemory().buffer.byteLength : 0;
}

/**
 * Throws `InvalidQuery` (400) for a result with a day-time interval column, which Parquet
 * cannot hold; `rows` throws `AdHocQueryOutOfMemory` past `maxBufferedBytes`.
 */
export function parquetWriter(
  columns: readonly ColumnDesc[],
  options: BinaryWriterOptions = {},
): BinaryWriter {
  const maxBytes = options.maxBufferedBytes ?? Number.POSITIVE_INFINITY;
  let buffered = 0;
  const messages = new IpcMessages(columns);
  const interval = messages.schema.fields.find((f) => holdsDayTimeInterval(f.type));
  if (interval)
    throw new ApiError(
      'InvalidQuery',
      `Column '${interval.name}' holds a day-time INTERVAL, which Parquet cannot store; CAST it (e.g. to BIGINT of a unit) or use format=arrow_ipc`,
      { column: interval.name },
    );
  const parts: Uint8Array[] = [messages.header];
  return {
    rows(batch) {
      if (batch.length === 0) return EMPTY;
      const message = messages.batch(batch);
      buffered += message.length;
      if (buffered > maxBytes) {
        const mb = Math.round(maxBytes / 2 ** 20);
        throw new ApiError(
          'AdHocQueryOutOfMemory',
          `The Parquet answer needed more than ${mb} MiB before its file could be written and was stopped; the pipeline is unaffected. Narrow the query (filters, LIMIT), use format=arrow_ipc (which streams), or raise runtime_config.datafusion_memory_mb.`,
          { limit_mb: mb },
        );
      }
      parts.push(message);
      return EMPTY;
    },
    end() {
      parts.push(END_OF_STREAM);
      const pq = loadParquetWasm();
      const table = pq.Table.fromIPCStream(concat(parts));
      parts.length = 0;
      const properties = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).build();
      return pq.writeParquet(table, properties);
    },
  };
}
