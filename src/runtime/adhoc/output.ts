/**
 * The formats of `/query` output, written batch by batch as rows arrive (Feldera streams them
 * the same way):
 *   - `json`: one JSON object per row and line, in the Arrow JSON form of Feldera's ad-hoc
 *     queries (arrow-json.ts), not the egress form;
 *   - `text`: a box-drawn table. Each batch is drawn with its own column widths; the header is
 *     drawn once and the closing rule is held back until the end, so a result that fits in
 *     one batch prints exactly as `formatTextTable` draws it.
 *   - `arrow_ipc` and `parquet`: binary, see arrow-output.ts.
 * An error after output has started is written in-band as the last line: the error body as
 * JSON for `json`, `ERROR: <message> [<error_code>]` for `text`. A binary format has no room
 * for such a line (it would corrupt the file the client is reading), so there the response is
 * cut off instead and the client sees an incomplete transfer.
 */
import { type ColumnDesc, formatTextTable } from '../../engine/values/index.js';
import type { Row } from '../../engine/values/value.js';
import type { ErrorBody } from '../../types/errors.js';
import { makeAdhocRowEncoder } from './arrow-json.js';
import type { BinaryWriterOptions } from './arrow-output.js';
import type { AdHocFormat } from './protocol.js';

type BinaryFormats = typeof import('./arrow-output.js');
let binaryFormats: BinaryFormats | undefined;

/** True for the formats whose writers need `loadBinaryFormats` first. */
export function isBinaryFormat(format: AdHocFormat): boolean {
  return format === 'arrow_ipc' || format === 'parquet';
}

/**
 * Loads the writers of the binary formats. apache-arrow and parquet-wasm take a while to load
 * (most of a second on a busy machine), so a pipeline process and its query workers load them
 * with the first query that asks for them, not at start.
 */
export async function loadBinaryFormats(): Promise<void> {
  binaryFormats ??= await import('./arrow-output.js');
}

/** The binary writers once loaded; a caller that skipped `loadBinaryFormats` is a bug. */
function binary(): BinaryFormats {
  if (!binaryFormats) throw new Error('the binary ad-hoc formats are used before loadBinaryFormats()');
  return binaryFormats;
}

/** Bytes of WebAssembly memory the Parquet writer holds (0 before its first use). */
export function parquetMemoryBytes(): number {
  return binaryFormats?.parquetMemoryBytes() ?? 0;
}

/** Output to send: text, or bytes for the binary formats. */
export type OutputChunk = string | Uint8Array;

export interface OutputWriter {
  /** Output of a batch of rows (may be empty). */
  rows(batch: readonly Row[]): OutputChunk;
  /** Output that closes the response. */
  end(): OutputChunk;
}

function jsonWriter(columns: readonly ColumnDesc[]): OutputWriter {
  const encode = makeAdhocRowEncoder(columns);
  return {
    rows: (batch) => {
      let out = '';
      for (const row of batch) out += `${encode(row)}\n`;
      return out;
    },
    end: () => '',
  };
}

function textWriter(columns: readonly ColumnDesc[]): OutputWriter {
  let started = false;
  let closingRule = '';
  return {
    rows(batch) {
      if (batch.length === 0) return '';
      const lines = formatTextTable(columns, batch).split('\n');
      lines.pop(); // The table ends with a newline.
      closingRule = lines.pop()!;
      const body = started ? lines.slice(3) : lines; // Later batches: no rule, header, rule.
      started = true;
      return `${body.join('\n')}\n`;
    },
    end: () => (started ? `${closingRule}\n` : formatTextTable(columns, [])),
  };
}

/** The writer of `format`; the binary formats need `loadBinaryFormats` first. */
export function outputWriter(
  format: AdHocFormat,
  columns: readonly ColumnDesc[],
  options: BinaryWriterOptions = {},
): OutputWriter {
  switch (format) {
    case 'json':
      return jsonWriter(columns);
    case 'text':
      return textWriter(columns);
    case 'arrow_ipc':
      return binary().arrowIpcWriter(columns);
    case 'parquet':
      return binary().parquetWriter(columns, options);
  }
}

/** The whole output of `rows` at once (the answer to an INSERT). */
export function wholeOutput(
  format: AdHocFormat,
  columns: readonly ColumnDesc[],
  rows: readonly Row[],
): OutputChunk {
  const out = outputWriter(format, columns);
  const first = out.rows(rows);
  const last = out.end();
  return typeof first === 'string' && typeof last === 'string'
    ? first + last
    : Buffer.concat([Buffer.from(first), Buffer.from(last)]);
}

/**
 * The line that reports an error once output has started, or null for a binary format (the
 * response is cut off instead; see the module header).
 */
export function errorLine(format: AdHocFormat, error: ErrorBody): string | null {
  switch (format) {
    case 'json':
      return `${JSON.stringify(error)}\n`;
    case 'text':
      return `ERROR: ${error.message} [${error.error_code}]\n`;
    default:
      return null;
  }
}

/** Content type of each format's response. */
export function contentType(format: AdHocFormat): string {
  switch (format) {
    case 'json':
      return 'application/x-ndjson';
    case 'text':
      return 'text/plain; charset=utf-8';
    case 'arrow_ipc':
      return 'application/vnd.apache.arrow.stream';
    case 'parquet':
      return 'application/vnd.apache.parquet';
  }
}
