/**
 * Decoding an ingress request body into weighted rows of one table.
 *
 * Formats, as Feldera defines them: `format=json` with `update_format` `insert_delete`
 * (`{"insert": row}` / `{"delete": row}`, and `{"update": row}` on a table with a primary
 * key: the columns given replace those of the current row with that key, the others keep
 * their values, and a key the table does not hold is left alone), `raw` (each record is a
 * row to insert) or `weighted` (`{"weight": n, "data": row}`), newline-delimited or, with
 * `array=true`, in JSON arrays; and `format=csv` (RFC 4180, no header, columns in table
 * order). A row is a JSON object keyed by column names, or an array of all the values in
 * column order (serde's sequence form of a struct, which Feldera accepts wherever a row
 * goes).
 *
 * Decoding is all-or-nothing: the first bad record (malformed, wrong type, unknown column,
 * missing NOT NULL column) rejects the whole request with its position and reason, and
 * nothing of it reaches the table. Input that could be read in more than one way is a bad
 * record too: invalid UTF-8 (a string decoder would substitute U+FFFD), a byte order mark, a
 * key given twice in one object or one column named twice under different case (Feldera keeps
 * the last), and a record holding both `insert` and `delete` (Feldera applies both). Values
 * follow src/engine/values/json.ts and csv.ts.
 *
 * Ingress decodes in slices (`decodeIngressSliced`): the readers are generators that pause
 * every `SLICE_RECORDS` records, and the driver yields the event loop once a slice has taken
 * `DECODE_SLICE_MS`, so a body of millions of records (tens of megabytes, which the body
 * limit admits) does not stop the pipeline answering. The rows are returned only when the
 * whole body has decoded, so all-or-nothing holds as before.
 */
import { parseCsvField, parseJsonValue, ValueError } from '../../engine/values/index.js';
import type { Row, WeightedRow } from '../../engine/values/value.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import { ApiError } from '../../types/errors.js';
import { CsvSyntaxError, csvRecords } from './csv-reader.js';
import { type JsonNode, JsonSyntaxError, jsonRecords, RawNumber } from './json-reader.js';
import { type DecodedBody, decodeUtf8 } from './utf8.js';

export type UpdateFormat = 'insert_delete' | 'raw' | 'weighted';

export interface IngressOptions {
  format: 'json' | 'csv';
  updateFormat: UpdateFormat;
  array: boolean;
}

/** The columns of the target table, as decoding needs them. */
export interface TableShape {
  name: string;
  columns: readonly ColumnInfo[];
  /** Primary-key column indexes: a delete may then carry only the key columns. */
  primaryKey: readonly number[] | null;
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

/** One column's value from its JSON node, or `ParseError`. */
function decodeValue(shape: TableShape, record: number, i: number, value: JsonNode): Row[number] {
  const col = shape.columns[i]!;
  try {
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
 * How absent columns of a JSON object are read: `full` (an insert: NULL, refused for a NOT
 * NULL column), `key` (a delete on a keyed table: only the key is needed), `patch` (an
 * update: absent columns are not set, the key is needed).
 */
type RowMode = 'full' | 'key' | 'patch';

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

function* decodeJson(
  shape: TableShape,
  body: DecodedBody,
  options: IngressOptions,
  out: WeightedRow[],
): Generator<void> {
  const lookup = columnIndex(shape.columns);
  const bad = body.invalid;
  let n = 0;
  try {
    for (const { node, end } of jsonRecords(body.text, options.array)) {
      n++;
      if (bad && bad.char < end) throw invalidUtf8(shape, n, bad.byte);
      for (const row of decodeJsonRecord(shape, lookup, node, n, options.updateFormat)) out.push(row);
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

function* decodeCsv(shape: TableShape, body: DecodedBody, out: WeightedRow[]): Generator<void> {
  const bad = body.invalid;
  let n = 0;
  try {
    for (const { fields, end } of csvRecords(body.text)) {
      n++;
      if (bad && bad.char < end) throw invalidUtf8(shape, n, bad.byte);
      if (fields.length !== shape.columns.length) {
        throw parseError(shape.name, n, `expected ${shape.columns.length} fields, found ${fields.length}`);
      }
      const row = fields.map((text, c) => {
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
      out.push({ row, weight: 1 });
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
 * The decoding of a whole body as a generator that pauses every `SLICE_RECORDS` records;
 * `rows` fills as it runs and is complete when it returns. Throws `ParseError` as
 * `decodeIngress` does.
 */
function decoding(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
): { text: string; rows: WeightedRow[]; steps: Generator<void> } {
  const decoded: DecodedBody = typeof body === 'string' ? { text: body, invalid: null } : decodeUtf8(body);
  if (decoded.text.charCodeAt(0) === 0xfeff) {
    throw parseError(
      shape.name,
      1,
      'the body starts with a byte order mark (U+FEFF): send UTF-8 without one',
    );
  }
  const rows: WeightedRow[] = [];
  const steps =
    options.format === 'csv' ? decodeCsv(shape, decoded, rows) : decodeJson(shape, decoded, options, rows);
  return { text: decoded.text, rows, steps };
}

/**
 * Decodes a whole request body (bytes, decoded as strict UTF-8, or text already decoded), or
 * throws `ParseError` and decodes nothing. Holds the event loop for the whole body: for
 * small bodies and the journal replay at start; ingress uses `decodeIngressSliced`.
 */
export function decodeIngress(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
): DecodedIngress {
  const { text, rows, steps } = decoding(shape, body, options);
  for (const _ of steps);
  return { rows, text };
}

/**
 * `decodeIngress` in slices of about `DECODE_SLICE_MS` of work, yielding the event loop
 * between them (`setImmediate`, so HTTP requests and steps are served in between): a 28 MB
 * body takes seconds to decode and must not hold `/stats` or other ingress that long. Still
 * all-or-nothing: the rows are handed over only once the whole body decoded, and a bad record
 * anywhere rejects it. Only the UTF-8 decoding of the body is one piece (about 10 ms per
 * 10 MB).
 */
export async function decodeIngressSliced(
  shape: TableShape,
  body: Uint8Array | string,
  options: IngressOptions,
): Promise<DecodedIngress> {
  const { text, rows, steps } = decoding(shape, body, options);
  let sliceStart = performance.now();
  for (const _ of steps) {
    if (performance.now() - sliceStart < DECODE_SLICE_MS) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  }
  return { rows, text };
}
