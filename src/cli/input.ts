/**
 * Turns a file a user wants to push into one ingress request: the body and the query
 * parameters of `POST /ingress/{table}` (Feldera's `format`, `array`, `update_format`).
 *
 * Users write rows in several ways, and each is accepted as written:
 * - a JSON array of records (`array=true`), NDJSON (one record per line), or one JSON object;
 *   records are plain rows (`update_format=raw`) unless every one is `{"insert"|"delete": row}`
 *   (`insert_delete`) or `{"weight": n, "data": row}` (`weighted`);
 * - CSV, columns in table order (Feldera's CSV format has no header); a first line that
 *   names every column of the table (in any order, case-insensitively) is taken as a header,
 *   and the columns are put in table order before sending.
 * The format comes from `--format`, else the extension (.json, .ndjson, .jsonl, .csv), else
 * the first character. JSON is only parsed here to find its shape and point at the line of
 * a syntax error; the body sent is the file's own text, so BIGINT and DECIMAL digits reach the
 * server exactly as written.
 */
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { printParseErrorCode, visit } from 'jsonc-parser';

export type InputFormat = 'json' | 'csv';
export type UpdateFormat = 'raw' | 'insert_delete' | 'weighted';

/** A file that cannot be pushed as it is; the message names the file and, if known, the line. */
export class InputError extends Error {}

export interface TableColumn {
  name: string;
  case_sensitive?: boolean;
}

export interface PreparedInput {
  body: string;
  query: Record<string, string>;
  format: InputFormat;
  /** Records found, for the summary line. */
  records: number;
  /** How the file was read, e.g. "JSON array, raw rows". */
  shape: string;
}

const EXTENSIONS: Record<string, InputFormat> = {
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
  '.csv': 'csv',
};

/** The format from the flag, the extension, or the first character; throws if none says. */
export function detectFormat(text: string, source: string, flag?: string): InputFormat {
  if (flag !== undefined) {
    if (flag !== 'json' && flag !== 'csv')
      throw new InputError(`--format must be json or csv, not '${flag}'`);
    return flag;
  }
  const byExtension = EXTENSIONS[extname(source).toLowerCase()];
  if (byExtension) return byExtension;
  const first = text.trimStart()[0];
  if (first === '[' || first === '{') return 'json';
  throw new InputError(
    `cannot tell the format of ${source}: it is not named .json, .ndjson, .jsonl or .csv and does not start with '[' or '{'; pass --format csv or --format json`,
  );
}

/** `[line, column]` (1-based) of the first JSON syntax error in `text`, or null if none. */
function jsonErrorAt(text: string): { line: number; column: number; what: string } | null {
  let found: { line: number; column: number; what: string } | null = null;
  visit(
    text,
    {
      onError: (code, _offset, _length, line, character) => {
        found ??= {
          line: line + 1,
          column: character + 1,
          what: printParseErrorCode(code)
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toLowerCase(),
        };
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The update format every record is written in. */
function updateFormatOf(records: unknown[]): UpdateFormat {
  if (records.length === 0) return 'raw';
  const every = (test: (keys: string[]) => boolean) =>
    records.every((r) => isObject(r) && test(Object.keys(r)));
  if (
    every((keys) => keys.length > 0 && keys.every((k) => k === 'insert' || k === 'delete' || k === 'update'))
  )
    return 'insert_delete';
  if (every((keys) => keys.length === 2 && keys.includes('weight') && keys.includes('data')))
    return 'weighted';
  return 'raw';
}

function checkRecords(records: unknown[], source: string, lineOf: (i: number) => string): void {
  records.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) {
      throw new InputError(
        `${source}: ${lineOf(i)}: expected a record (a JSON object, or an array of column values), got ${JSON.stringify(r).slice(0, 60)}`,
      );
    }
  });
}

function syntaxError(source: string, text: string, hint = ''): InputError {
  const at = jsonErrorAt(text);
  const where = at ? `line ${at.line}, column ${at.column}: ${at.what}` : 'invalid JSON';
  return new InputError(`${source}: ${where}${hint}`);
}

const UPDATE_FORMATS: UpdateFormat[] = ['raw', 'insert_delete', 'weighted'];

/** Reads JSON text as an array, NDJSON or one object; see the module header. */
export function prepareJson(text: string, source: string, updateFormatFlag?: string): PreparedInput {
  if (updateFormatFlag !== undefined && !UPDATE_FORMATS.includes(updateFormatFlag as UpdateFormat)) {
    throw new InputError(
      `--update-format must be one of ${UPDATE_FORMATS.join(', ')}, not '${updateFormatFlag}'`,
    );
  }
  const trimmed = text.trim();
  let records: unknown[];
  let array = false;
  let shape: string;
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw syntaxError(source, text);
    }
    records = value as unknown[];
    array = true;
    shape = 'JSON array';
    checkRecords(records, source, (i) => `element ${i + 1} of the array`);
  } else if (trimmed.startsWith('{')) {
    const single = tryParse(trimmed);
    if (single.ok) {
      records = [single.value];
      shape = 'one JSON object';
    } else {
      records = parseNdjson(text, source);
      shape = 'NDJSON';
    }
  } else {
    throw syntaxError(source, text, " (JSON input is an array '[...]', NDJSON lines '{...}', or one object)");
  }
  const updateFormat = (updateFormatFlag as UpdateFormat | undefined) ?? updateFormatOf(records);
  const query: Record<string, string> = { format: 'json', update_format: updateFormat };
  if (array) query.array = 'true';
  return {
    body: text,
    query,
    format: 'json',
    records: records.length,
    shape: `${shape}, ${updateFormat === 'raw' ? 'raw rows' : `${updateFormat} records`}`,
  };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * One JSON value per non-blank line. When the first line is not JSON by itself the file is
 * more likely one object spread over lines with an error in it, and that error is reported.
 */
function parseNdjson(text: string, source: string): unknown[] {
  const lines = text.split(/\r?\n/);
  const firstIndex = lines.findIndex((l) => l.trim().length > 0);
  if (!tryParse(lines[firstIndex] ?? '').ok) {
    throw syntaxError(source, text, '; NDJSON input needs one complete JSON object per line');
  }
  const records: unknown[] = [];
  const lineNumbers: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return;
    const parsed = tryParse(line);
    if (!parsed.ok) {
      const at = jsonErrorAt(line);
      throw new InputError(
        `${source}: line ${i + 1}${at ? `, column ${at.column}: ${at.what}` : ': invalid JSON'} (NDJSON: one JSON object per line)`,
      );
    }
    records.push(parsed.value);
    lineNumbers.push(i + 1);
  });
  checkRecords(records, source, (i) => `line ${lineNumbers[i]}`);
  return records;
}

function columnKey(column: TableColumn): string {
  return column.case_sensitive ? column.name : column.name.toLowerCase();
}

/**
 * Reads CSV text; with the table's columns (when the pipeline has compiled), a first line
 * naming them is a header and the columns are reordered into table order.
 */
export function prepareCsv(text: string, source: string, columns: TableColumn[] | null): PreparedInput {
  let rows: string[][];
  try {
    rows = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, bom: true });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const message = (err as Error).message;
    throw new InputError(
      `${source}: ${line && !message.includes(`line ${line}`) ? `line ${line}: ` : ''}${message}`,
    );
  }
  const header = rows[0];
  if (!columns || !header || !isHeader(header, columns)) {
    return { body: text, query: { format: 'csv' }, format: 'csv', records: rows.length, shape: 'CSV' };
  }
  const position = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const positionOf = (c: TableColumn) =>
    c.case_sensitive ? header.findIndex((h) => h.trim() === c.name) : position.get(columnKey(c));
  const missing = columns.filter((c) => (positionOf(c) ?? -1) < 0).map((c) => c.name);
  if (missing.length > 0) {
    throw new InputError(
      `${source}: line 1 is a header, but it does not name column(s) ${missing.join(', ')}; a header must name every column of the table`,
    );
  }
  const order = columns.map((c) => positionOf(c)!);
  const body = stringifyCsv(rows.slice(1).map((row) => order.map((i) => row[i] ?? '')));
  return {
    body,
    query: { format: 'csv' },
    format: 'csv',
    records: rows.length - 1,
    shape: 'CSV with a header',
  };
}

function isHeader(fields: string[], columns: TableColumn[]): boolean {
  const names = new Set(columns.map(columnKey));
  const sensitive = new Set(columns.filter((c) => c.case_sensitive).map((c) => c.name));
  return fields.every((f) => names.has(f.trim().toLowerCase()) || sensitive.has(f.trim()));
}

/** Reads `bytes` (a file's content) for pushing: the format, then the body and parameters. */
export function prepareInput(
  bytes: Buffer,
  source: string,
  flags: { format?: string; updateFormat?: string },
  columns: () => Promise<TableColumn[] | null>,
): Promise<PreparedInput> | PreparedInput {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim().length === 0) throw new InputError(`${source} is empty: nothing to push`);
  const format = detectFormat(text, source, flags.format);
  if (format === 'json') return prepareJson(text, source, flags.updateFormat);
  if (flags.updateFormat !== undefined) throw new InputError('--update-format applies to JSON input only');
  return columns().then((cols) => prepareCsv(text, source, cols));
}
