/**
 * Decoding an ingress request body into weighted rows of one table.
 *
 * Formats, as Feldera defines them: `format=json` with `update_format` `insert_delete`
 * (`{"insert": row}` / `{"delete": row}`, and `{"update": row}` on a table with a primary
 * key: the columns given replace those of the current row with that key, the others keep
 * their values, and a key the table does not hold is left alone), `raw` (each record is a
 * row to insert), `weighted` (`{"weight": n, "data": row}`) or `debezium` (Debezium's change
 * events, `{"payload": {"op": "c"|"r"|"u"|"d", "before": row, "after": row}}`: `c` and `r`
 * insert `after`, `d` deletes `before`, `u` does both; other fields are ignored), newline-delimited or, with
 * `array=true`, in JSON arrays; and `format=csv` (RFC 4180, no header, columns in table
 * order). A row is a JSON object keyed by column names, or an array of all the values in
 * column order (serde's sequence form of a struct, which Feldera accepts wherever a row
 * goes).
 *
 * A bad record is malformed, of a wrong type, names an unknown column or misses a NOT NULL
 * one. Decoding is strict by default (input connectors, `decodeIngress`): the first bad
 * record rejects the whole body with its position and reason. HTTP ingress decodes
 * leniently (`skipBadRecords`, as Feldera's parser does): bad records are skipped and
 * reported (`RecordError`), the data plane decides what of the body to keep, and a bad record
 * the readers cannot read past (broken JSON or CSV syntax, invalid UTF-8) ends the scan,
 * for the body to be rejected whole. Input that could be read in more than one way is a bad
 * record too: invalid UTF-8 (a string decoder would substitute U+FFFD), a byte order mark, a
 * key given twice in one object or one column named twice under different case (Feldera keeps
 * the last), and a record holding both `insert` and `delete` (Feldera applies both). Values
 * follow src/engine/values/json.ts and csv.ts.
 *
 * Ingress validates in slices (`scanIngressSliced`): the readers are generators that pause
 * every `SLICE_RECORDS` records, and the driver yields the event loop once a slice has taken
 * `DECODE_SLICE_MS`, so a body of millions of records (tens of megabytes, which the body
 * limit admits) does not stop the pipeline answering. That pass decodes every record and
 * drops its rows, keeping only the text offset where each chunk of `chunkRecords` records
 * (the data plane's `max_batch_size`) starts; the result (`IngressRows`) decodes a chunk again
 * when a step takes its rows. Decoded rows take tens of times the heap of their text (about
 * 500 MB for 3 million CSV rows of two integers, whose full GC stalled the process for
 * seconds), so a queued request holds its text plus at most one chunk's rows. Decoding is
 * deterministic, so its chunks decode again to the same rows, bad records skipped again in a
 * lenient scan (a fault that changed a chunk is reported as a `ParseError` by
 * `IngressRows.read`). The readers resume at a chunk's start
 * offset (inside a JSON array too), so a chunk is decoded without reading what precedes it.
 */
import { parseCsvField, parseJsonValue, ValueError } from '../../engine/values/index.js';
import type { Row, WeightedRow } from '../../engine/values/value.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import { ApiError } from '../../types/errors.js';
import { CsvSyntaxError, csvRecords } from './csv-reader.js';
import { type JsonNode, JsonSyntaxError, jsonRecords, RawNumber } from './json-reader.js';
import { type DecodedBody, decodeUtf8 } from './utf8.js';

export type UpdateFormat = 'insert_delete' | 'raw' | 'weighted' | 'debezium';

/**
 * The `json_flavor`s Sluice reads. `pandas` is what Feldera's Python SDK sends for a
 * DataFrame: as Feldera's `SqlSerdeConfig` for `JsonFlavor::Pandas` has it, a TIMESTAMP is a
 * number of milliseconds since the epoch; DATE and TIME stay strings, as in the default.
 */
export type JsonFlavor = 'pandas';

export interface IngressOptions {
  format: 'json' | 'csv';
  updateFormat: UpdateFormat;
  array: boolean;
  /** Absent: Feldera's default JSON encoding. */
  jsonFlavor?: JsonFlavor;
  /**
   * Skip bad records instead of refusing the body at the first one (HTTP ingress, see
   * `finishScan`). Decoding is deterministic, so a body scanned this way decodes again (its
   * chunks, its journal replay) to the same rows.
   */
  skipBadRecords?: boolean;
}

/** The columns of the target table, as decoding needs them. */
export interface TableShape {
  name: string;
  columns: readonly ColumnInfo[];
  /** Primary-key column indexes: a delete may then carry only the key columns. */
  primaryKey: readonly number[] | null;
  /** The JSON flavor of the body being decoded (set per request by `decodeJson`). */
  jsonFlavor?: JsonFlavor;
}

/** A decoded request: its rows, and its text (what the exactly-once journal keeps). */
export interface DecodedIngress {
  rows: WeightedRow[];
  text: string;
}

function parseError(
  table: string,
  record: number,
  reason: string,
  extra: Record<string, unknown> = {},
): ApiError {
  return new ApiError(
    'ParseError',
    `Error parsing record ${record} for table '${table}': ${reason}. No record of this request was ingested.`,
    { table, record, reason, ...extra },
  );
}

/** Maps a JSON object's keys to column indexes, following the identifier rule. */
function columnIndex(columns: readonly ColumnInfo[]): (key: string) => number {
  const exact = new Map<string, number>();
  const folded = new Map<string, number>();
  columns.forEach((c, i) => {
    exact.set(c.name, i);
    if (!c.caseSensitive) folded.set(c.name.toLowerCase(), i);
  });
  return (key) => exact.get(key) ?? folded.get(key.toLowerCase()) ?? -1;
}

/** A TIMESTAMP given as whole milliseconds since the epoch (the pandas flavor). */
function timestampFromMillis(text: string): bigint {
  if (!/^-?\d{1,15}$/.test(text))
    throw new ValueError(`expected a TIMESTAMP as whole milliseconds since the epoch, got number ${text}`);
  return BigInt(text) * 1_000_000n;
}

/** One column's value from its JSON node, or `ParseError`. */
function decodeValue(shape: TableShape, record: number, i: number, value: JsonNode): Row[number] {
  const col = shape.columns[i]!;
  try {
    if (shape.jsonFlavor === 'pandas' && col.type.type === 'TIMESTAMP' && value instanceof RawNumber)
      return timestampFromMillis(value.text);
    return value instanceof RawNumber
      ? parseJsonValue(col.type, Number(value.text), value.text)
      : parseJsonValue(col.type, value);
  } catch (err) {
    if (err instanceof ValueError) {
      // A fault inside a ROW names the field too: `column 'r.v1': ...`.
      const where = [col.name, ...err.path].join('.');
      throw parseError(shape.name, record, `column '${where}': ${err.message}`, { column: col.name });
    }
    throw err;
  }
}

/**
 * How absent columns of a JSON object are read: `full` (an insert: the column's DEFAULT, else
 * NULL, refused for a NOT NULL column), `key` (a delete: the same, but on a keyed table only
 * the key is needed), `patch` (an update: absent columns keep their values, the key is
 * needed). This is Feldera's table-record deserializer: a field missing from an object takes
 * the column's default, or None for a nullable column, or fails with "missing field"; an
 * update's fields all default to "unchanged". A row given as an array, and a CSV record, must
 * hold every column: neither takes defaults (Feldera reads both as sequences, which have no
 * field defaults).
 */
type RowMode = 'full' | 'key' | 'patch';

/** The value of a column's DEFAULT, which the engine computed when the program compiled. */
function defaultValue(col: ColumnInfo): Row[number] {
  const value = col.default?.value;
  if (value === undefined) throw new Error(`the DEFAULT of column '${col.name}' was not evaluated`);
  return value;
}

/** Decodes one row (a JSON object, or an array of all values in column order). */
function decodeRow(
  shape: TableShape,
  lookup: (key: string) => number,
  node: JsonNode,
  record: number,
  mode: RowMode,
): { row: Row; patch?: boolean[] } {
  const width = shape.columns.length;
  if (Array.isArray(node)) {
    if (node.length !== width) {
      throw parseError(
        shape.name,
        record,
        `a row given as an array must hold the ${width} column value${width === 1 ? '' : 's'} of the table in order, got ${node.length}`,
      );
    }
    const row = node.map((v, i) => decodeValue(shape, record, i, v));
    return mode === 'patch' ? { row, patch: new Array(width).fill(true) } : { row };
  }
  if (node === null || typeof node !== 'object' || node instanceof RawNumber) {
    throw parseError(
      shape.name,
      record,
      'expected a row: a JSON object with the columns of the table, or an array of their values in order',
    );
  }
  const row: Row = new Array(width).fill(null);
  const given = new Array<string | undefined>(width);
  for (const key of Object.keys(node)) {
    const i = lookup(key);
    if (i < 0)
      throw parseError(shape.name, record, `unknown column '${key.slice(0, 100)}'`, {
        column: key.slice(0, 100),
      });
    const col = shape.columns[i]!;
    const earlier = given[i];
    if (earlier !== undefined) {
      throw parseError(
        shape.name,
        record,
        `column '${col.name}' is given twice (as '${earlier.slice(0, 100)}' and '${key.slice(0, 100)}')`,
        { column: col.name },
      );
    }
    row[i] = decodeValue(shape, record, i, node[key] as JsonNode);
    given[i] = key;
  }
  const keyCols = mode !== 'full' && shape.primaryKey ? new Set(shape.primaryKey) : null;
  shape.columns.forEach((col, i) => {
    if (given[i] !== undefined) return;
    if (mode !== 'patch' && col.default) {
      row[i] = defaultValue(col);
      return;
    }
    if (mode === 'patch' ? !keyCols!.has(i) : col.type.nullable || (keyCols && !keyCols.has(i))) return;
    throw parseError(
      shape.name,
      record,
      mode === 'patch'
        ? `an update must give the primary key column '${col.name}'`
        : `missing value for NOT NULL column '${col.name}'`,
      { column: col.name },
    );
  });
  return mode === 'patch' ? { row, patch: Array.from(given, (g) => g !== undefined) } : { row };
}

/** The rows of one Debezium change event (Feldera's `update_format=debezium`). */
function decodeDebezium(
  shape: TableShape,
  lookup: (key: string) => number,
  rec: { [key: string]: JsonNode },
  n: number,
): WeightedRow[] {
  const payload = rec.payload;
  const op = isObject(payload) ? payload.op : undefined;
  if (!isObject(payload) || (op !== 'c' && op !== 'r' && op !== 'u' && op !== 'd')) {
    throw parseError(
      shape.name,
      n,
      'expected a Debezium change event {"payload": {"op": "c", "r", "u" or "d", "before": {...}, "after": {...}}}',
    );
  }
  const rows: WeightedRow[] = [];
  for (const [field, wanted, weight] of [
    ['before', op === 'u' || op === 'd', -1],
    ['after', op !== 'd', 1],
  ] as const) {
    if (!wanted) continue;
    const row = payload[field];
    if (row === undefined || row === null)
      throw parseError(shape.name, n, `a Debezium "${op}" event needs "${field}"`);
    rows.push({ row: decodeRow(shape, lookup, row, n, weight < 0 ? 'key' : 'full').row, weight });
  }
  return rows;
}

function isObject(node: JsonNode | undefined): node is { [key: string]: JsonNode } {
  return node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof RawNumber);
}

/** The rows of one JSON record. */
function decodeJsonRecord(
  shape: TableShape,
  lookup: (key: string) => number,
  rec: JsonNode,
  n: number,
  updateFormat: UpdateFormat,
): WeightedRow[] {
  if (updateFormat === 'raw') return [{ row: decodeRow(shape, lookup, rec, n, 'full').row, weight: 1 }];
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec) || rec instanceof RawNumber) {
    throw parseError(shape.name, n, `expected a JSON object in '${updateFormat}' format`);
  }
  if (updateFormat === 'debezium') return decodeDebezium(shape, lookup, rec, n);
  if (updateFormat === 'weighted') {
    const w = rec.weight;
    if (!(w instanceof RawNumber) || !/^-?\d+$/.test(w.text) || !Number.isSafeInteger(Number(w.text))) {
      throw parseError(shape.name, n, "'weight' must be an integer");
    }
    if (!('data' in rec)) throw parseError(shape.name, n, "missing 'data'");
    const weight = Number(w.text);
    return weight === 0
      ? []
      : [{ row: decodeRow(shape, lookup, rec.data as JsonNode, n, weight < 0 ? 'key' : 'full').row, weight }];
  }
  const keys = Object.keys(rec);
  const op = keys[0];
  if (keys.length !== 1 || (op !== 'insert' && op !== 'delete' && op !== 'update')) {
    throw parseError(
      shape.name,
      n,
      keys.length > 1 && keys.every((k) => k === 'insert' || k === 'delete' || k === 'update')
        ? `a record holds one of "insert", "delete" or "update", not ${keys.map((k) => `"${k}"`).join(' and ')}: send them as separate records`
        : `expected {"insert": {...}}, {"delete": {...}} or {"update": {...}}, got key(s) ${JSON.stringify(keys.slice(0, 5))}`,
    );
  }
  if (op === 'update') {
    if (!shape.primaryKey) {
      throw parseError(
        shape.name,
        n,
        `"update" changes the row with a given primary key, and table '${shape.name}' has no primary key: send {"delete": ...} and {"insert": ...} instead`,
      );
    }
    const { row, patch } = decodeRow(shape, lookup, rec.update as JsonNode, n, 'patch');
    return [{ row, weight: 1, patch: patch! }];
  }
  return op === 'delete'
    ? [{ row: decodeRow(shape, lookup, rec.delete as JsonNode, n, 'key').row, weight: -1 }]
    : [{ row: decodeRow(shape, lookup, rec.insert as JsonNode, n, 'full').row, weight: 1 }];
}

function invalidUtf8(shape: TableShape, record: number, byte: number): ApiError {
  return parseError(shape.name, record, `invalid UTF-8 at byte ${byte} of the body`, { byte });
}

/** Where a chunk of a body's records starts: text offset, record number (1-based), row index. */
interface ChunkStart {
  pos: number;
  record: number;
  row: number;
}

/**
 * A bad record a lenient pass skipped (Feldera's `ParseError` of the HTTP input connector):
 * its number in the body (1-based), why, the column at fault if one is, and its text
 * (truncated to `FRAGMENT_CHARS`).
 */
export interface RecordError {
  event_number: number;
  description: string;
  field: string | null;
  invalid_text: string;
}

/** Bad records whose details a pass keeps; it counts all of them. */
export const MAX_RECORD_ERRORS = 100;
/** Characters of a bad record's text kept in its `RecordError`. */
const FRAGMENT_CHARS = 200;

/**
 * One pass of the readers over a body: it counts rows, notes where each chunk of
 * `chunkRecords` records starts, keeps the rows only when `out` is given, and, resumed at a
 * chunk (`from`), stops after `limit` records. A strict pass throws the first bad record's
 * `ParseError`; a lenient one (`skip`) skips bad records and counts them in `errorCount`,
 * keeping the first `MAX_RECORD_ERRORS` in `errors`. Either way a body that cannot be read
 * on (broken syntax, invalid UTF-8, a byte order mark) throws.
 */
class Pass {
  rows = 0;
  readonly chunks: ChunkStart[] = [];
  readonly errors: RecordError[] = [];
  errorCount = 0;
  constructor(
    readonly out: WeightedRow[] | null,
    readonly chunkRecords: number,
    readonly from?: { pos: number; record: number },
    readonly limit = Number.POSITIVE_INFINITY,
    readonly skip = false,
  ) {}

  /** Whether record `n` is past the records of this pass. */
  done(n: number): boolean {
    return n - (this.from ? this.from.record - 1 : 0) > this.limit;
  }

  /** Notes that record `n` starts at text offset `pos` (bad or not, it counts in its chunk). */
  begin(n: number, pos: number): void {
    if ((n - 1) % this.chunkRecords === 0) this.chunks.push({ pos, record: n, row: this.rows });
  }

  /** Notes that the record begun last decoded to `rows`. */
  add(rows: WeightedRow[]): void {
    this.rows += rows.length;
    if (this.out) for (const row of rows) this.out.push(row);
  }

  /** Record `n` (text `text`) is bad: throws `err` in a strict pass, skips it in a lenient one. */
  bad(err: unknown, n: number, text: string): void {
    if (!this.skip || !(err instanceof ApiError) || err.errorCode !== 'ParseError') throw err;
    this.errorCount++;
    if (this.errors.length >= MAX_RECORD_ERRORS) return;
    const details = err.details as { reason?: string; column?: string };
    this.errors.push({
      event_number: n,
      description: details.reason ?? err.message,
      field: details.column ?? null,
      invalid_text: text.length > FRAGMENT_CHARS ? `${text.slice(0, FRAGMENT_CHARS)}…` : text,
    });
  }
}

function* decodeJson(
  shape: TableShape,
  body: DecodedBody,
  options: IngressOptions,
  pass: Pass,
): Generator<void> {
  const lookup = columnIndex(shape.columns);
  if (options.jsonFlavor) shape = { ...shape, jsonFlavor: options.jsonFlavor };
  const bad = body.invalid;
  let n = pass.from ? pass.from.record - 1 : 0;
  try {
    for (const { node, start, end } of jsonRecords(body.text, options.array, pass.from)) {
      n++;
      if (pass.done(n)) return;
      if (bad && bad.char < end) throw invalidUtf8(shape, n, bad.byte);
      pass.begin(n, start);
      try {
        pass.add(decodeJsonRecord(shape, lookup, node, n, options.updateFormat));
      } catch (err) {
        pass.bad(err, n, body.text.slice(start, end));
      }
      if (n % SLICE_RECORDS === 0) yield;
    }
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    // An invalid byte reads as U+FFFD, which may be what broke the syntax.
    if (bad && bad.char <= err.offset) throw invalidUtf8(shape, err.record, bad.byte);
    throw parseError(shape.name, err.record, `invalid JSON: ${err.message}`, { line: err.line });
  }
  if (bad) throw invalidUtf8(shape, n + 1, bad.byte);
}

/** The row of one CSV record, or `ParseError`. */
function decodeCsvRecord(shape: TableShape, fields: string[], n: number): Row {
  if (fields.length !== shape.columns.length) {
    throw parseError(shape.name, n, `expected ${shape.columns.length} fields, found ${fields.length}`);
  }
  return fields.map((text, c) => {
    const col = shape.columns[c]!;
    try {
      return parseCsvField(col.type, text);
    } catch (err) {
      if (err instanceof ValueError) {
        throw parseError(shape.name, n, `column '${col.name}': ${err.message}`, { column: col.name });
      }
      throw err;
    }
  });
}

function* decodeCsv(shape: TableShape, body: DecodedBody, pass: Pass): Generator<void> {
  const bad = body.invalid;
  let n = pass.from ? pass.from.record - 1 : 0;
  try {
    for (const { fields, start, end } of csvRecords(body.text, pass.from)) {
      n++;
      if (pass.done(n)) return;
      if (bad && bad.char < end) throw invalidUtf8(shape, n, bad.byte);
      pass.begin(n, start);
      try {
        pass.add([{ row: decodeCsvRecord(shape, fields, n), weight: 1 }]);
      } catch (err) {
        pass.bad(err, n, body.text.slice(start, end));
      }
      if (n % SLICE_RECORDS === 0) yield;
    }
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    if (bad && bad.char <= err.offset) throw invalidUtf8(shape, err.record, bad.byte);
    throw parseError(shape.name, err.record, `invalid CSV: ${err.message}`);
  }
  if (bad) throw invalidUtf8(shape, n + 1, bad.byte);
}

/** Records decoded between checks of the clock (and pauses, in `decodeIngressSliced`). */
const SLICE_RECORDS = 1024;

/** Milliseconds `decodeIngressSliced` holds the event loop before it yields. */
export const DECODE_SLICE_MS = 20;

/**
 * A pass of the readers over a whole body (or, with `pass.from`, over one chunk of it) as a
 * generator that pauses every `SLICE_RECORDS` records; `pass` fills as it runs and is
 * complete when it returns. Throws `ParseError` as `decodeIngress` does.
 */
function decoding(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
  pass: Pass,
): { text: string; steps: Generator<void> } {
  const decoded: DecodedBody = typeof body === 'string' ? { text: body, invalid: null } : decodeUtf8(body);
  if (decoded.text.charCodeAt(0) === 0xfeff) {
    throw parseError(
      shape.name,
      1,
      'the body starts with a byte order mark (U+FEFF): send UTF-8 without one',
    );
  }
  const steps =
    options.format === 'csv' ? decodeCsv(shape, decoded, pass) : decodeJson(shape, decoded, options, pass);
  return { text: decoded.text, steps };
}

/**
 * Decodes a whole request body (bytes, decoded as strict UTF-8, or text already decoded), or
 * throws `ParseError` and decodes nothing. Holds the event loop for the whole body and keeps
 * all its rows: for small bodies and tests; ingress uses `scanIngressSliced` and the journal
 * replay `scanIngress`.
 */
export function decodeIngress(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
): DecodedIngress {
  const rows: WeightedRow[] = [];
  const { text, steps } = decoding(shape, body, options, new Pass(rows, Number.POSITIVE_INFINITY));
  for (const _ of steps);
  return { rows, text };
}

/**
 * The rows of a validated body, decoded a chunk at a time when asked for (`read`). It keeps
 * the body's text, where each chunk of `chunkRecords` records starts, and the rows of the
 * chunk it decoded last (parts are read in order, so the next part mostly reads it again):
 * a few bytes of text per row instead of the rows, which take tens of times more heap.
 */
export class IngressRows {
  private cached: { chunk: number; rows: WeightedRow[] } | null = null;

  constructor(
    private readonly shape: TableShape,
    readonly text: string,
    private readonly options: IngressOptions,
    private readonly chunkRecords: number,
    private readonly chunks: readonly ChunkStart[],
    /** How many rows the body holds (its good records' rows, when bad ones were skipped). */
    readonly count: number,
    /** The bad records a lenient scan skipped (the first `MAX_RECORD_ERRORS` of them). */
    readonly errors: readonly RecordError[] = [],
    /** How many bad records a lenient scan met, the one that stopped it (`stopped`) included. */
    readonly errorCount = 0,
    /** A lenient scan stopped at a bad record it could not read past: `count` is not the body's. */
    readonly stopped = false,
  ) {}

  /**
   * Rows `[from, to)` of the body (row indexes, not record numbers: a weighted record of
   * weight 0 holds none). Throws `ParseError` if a chunk does not decode as it did when the
   * body was validated (decoding is deterministic, so only a fault would make it).
   */
  read(from: number, to: number): WeightedRow[] {
    const out: WeightedRow[] = [];
    for (let k = this.chunkOf(from); k < this.chunks.length && this.chunks[k]!.row < to; k++) {
      const start = this.chunks[k]!.row;
      const rows = this.chunk(k);
      const expected = (this.chunks[k + 1]?.row ?? this.count) - start;
      if (rows.length !== expected) {
        throw parseError(
          this.shape.name,
          this.chunks[k]!.record,
          `the chunk of records starting here decoded to ${rows.length} rows when processed, ${expected} when accepted`,
        );
      }
      for (let i = Math.max(from, start) - start; i < rows.length && start + i < to; i++) out.push(rows[i]!);
    }
    return out;
  }

  /** The last chunk starting at or before row `row`. */
  private chunkOf(row: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid]!.row <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private chunk(k: number): WeightedRow[] {
    if (this.cached?.chunk === k) return this.cached.rows;
    const rows: WeightedRow[] = [];
    const start = this.chunks[k]!;
    const pass = new Pass(rows, this.chunkRecords, start, this.chunkRecords, this.options.skipBadRecords);
    for (const _ of decoding(this.shape, this.text, this.options, pass).steps);
    this.cached = { chunk: k, rows };
    return rows;
  }
}

/**
 * Validates a whole body (as `decodeIngress`, throwing the same `ParseError`) and returns
 * its rows as `IngressRows`, which decode a chunk of `chunkRecords` records when asked; the
 * rows are decoded and dropped as the pass goes. Holds the event loop for the whole body:
 * the journal replay at start uses it. With `options.skipBadRecords`, see `finishScan`.
 */
export function scanIngress(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
  chunkRecords: number,
): IngressRows {
  const pass = new Pass(null, chunkRecords, undefined, Number.POSITIVE_INFINITY, options.skipBadRecords);
  let text = typeof body === 'string' ? body : '';
  try {
    const run = decoding(shape, body, options, pass);
    text = run.text;
    for (const _ of run.steps);
  } catch (err) {
    return finishScan(shape, text, options, chunkRecords, pass, err);
  }
  return finishScan(shape, text, options, chunkRecords, pass, null);
}

/**
 * `scanIngress` in slices of about `DECODE_SLICE_MS` of work, yielding the event loop
 * between them (`setImmediate`, so HTTP requests and steps are served in between): a 28 MB
 * body takes seconds to validate and must not hold `/stats` or other ingress that long. Only
 * the UTF-8 decoding of the body is one piece (about 10 ms per 10 MB).
 */
export async function scanIngressSliced(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
  chunkRecords: number,
): Promise<IngressRows> {
  const pass = new Pass(null, chunkRecords, undefined, Number.POSITIVE_INFINITY, options.skipBadRecords);
  let text = typeof body === 'string' ? body : '';
  try {
    const run = decoding(shape, body, options, pass);
    text = run.text;
    let sliceStart = performance.now();
    for (const _ of run.steps) {
      if (performance.now() - sliceStart < DECODE_SLICE_MS) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  } catch (err) {
    return finishScan(shape, text, options, chunkRecords, pass, err);
  }
  return finishScan(shape, text, options, chunkRecords, pass, null);
}

/**
 * The rows of a finished scan. A strict scan (the default) is all-or-nothing: it returns only
 * a body that validated whole, and throws the first bad record's `ParseError`. A lenient one
 * (`skipBadRecords`, HTTP ingress) returns the good records' rows with the bad records it
 * skipped; a bad record it cannot read past (`failure`: broken syntax, invalid UTF-8, a byte
 * order mark) is counted as one more error and ends it with `stopped` set, for the caller to
 * reject the body whole.
 */
function finishScan(
  shape: TableShape,
  text: string,
  options: IngressOptions,
  chunkRecords: number,
  pass: Pass,
  failure: unknown,
): IngressRows {
  if (failure !== null) {
    if (!options.skipBadRecords || !(failure instanceof ApiError) || failure.errorCode !== 'ParseError')
      throw failure;
    const record = (failure.details as { record?: number }).record ?? 0;
    pass.errorCount++;
    if (pass.errors.length < MAX_RECORD_ERRORS) {
      pass.errors.push({
        event_number: record,
        description: (failure.details as { reason?: string }).reason ?? failure.message,
        field: null,
        invalid_text: '',
      });
    }
  }
  return new IngressRows(
    shape,
    text,
    options,
    chunkRecords,
    pass.chunks,
    pass.rows,
    pass.errors,
    pass.errorCount,
    failure !== null,
  );
}
