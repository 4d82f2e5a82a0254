/**
 * The formats of `/query` output, written batch by batch as rows arrive (Feldera streams them
 * the same way):
 *   - `json`: one JSON object per row and line, in the Arrow JSON form of Feldera's ad-hoc
 *     queries (arrow-json.ts), not the egress form;
 *   - `text`: a box-drawn table. Each batch is drawn with its own column widths; the header is
 *     drawn once and the closing rule is held back until the end, so a result that fits in
 *     one batch prints exactly as `formatTextTable` draws it.
 * An error after output has started is written in-band as the last line: the error body as
 * JSON for `json`, `ERROR: <message> [<error_code>]` for `text`.
 */
import { type ColumnDesc, formatTextTable } from '../../engine/values/index.js';
import type { Row } from '../../engine/values/value.js';
import type { ErrorBody } from '../../types/errors.js';
import { makeAdhocRowEncoder } from './arrow-json.js';
import type { AdHocFormat } from './protocol.js';

export interface OutputWriter {
  /** Text of a batch of rows. */
  rows(batch: readonly Row[]): string;
  /** Text that closes the output. */
  end(): string;
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

export function outputWriter(format: AdHocFormat, columns: readonly ColumnDesc[]): OutputWriter {
  return format === 'json' ? jsonWriter(columns) : textWriter(columns);
}

/** The line that reports an error once output has started. */
export function errorLine(format: AdHocFormat, error: ErrorBody): string {
  return format === 'json' ? `${JSON.stringify(error)}\n` : `ERROR: ${error.message} [${error.error_code}]\n`;
}

/** Content type of each format's response. */
export function contentType(format: AdHocFormat): string {
  return format === 'json' ? 'application/x-ndjson' : 'text/plain; charset=utf-8';
}
