/**
 * Decoding an ingress request body into weighted rows of one table.
 *
 * Formats, as Feldera defines them: `format=json` with `update_format` `insert_delete`
 * (`{"insert": row}` / `{"delete": row}`), `raw` (each record is a row to insert) or
 * `weighted` (`{"weight": n, "data": row}`), newline-delimited or, with `array=true`, in
 * JSON arrays; and `format=csv` (RFC 4180, no header, columns in table order).
 *
 * Decoding is all-or-nothing: the first bad record (malformed, wrong type, unknown column,
 * missing NOT NULL column) rejects the whole request with its position and reason, and
 * nothing of it reaches the table.
 */
import { parseCsvField, parseJsonValue, ValueError } from '../../engine/values/index.js';
import type { Row, WeightedRow } from '../../engine/values/value.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import { ApiError } from '../../types/errors.js';
import { parseCsv } from './csv-reader.js';
import { type JsonNode, JsonSyntaxError, RawNumber, readJsonRecords } from './json-reader.js';

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

/** Decodes one JSON object into a row. With `keyOnly`, absent non-key columns become NULL. */
function decodeRow(
  shape: TableShape,
  lookup: (key: string) => number,
  node: JsonNode,
  record: number,
  keyOnly: boolean,
): Row {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || node instanceof RawNumber) {
    throw parseError(shape.name, record, 'expected a JSON object with the columns of the table');
  }
  const row: Row = new Array(shape.columns.length).fill(null);
  const seen = new Array<boolean>(shape.columns.length).fill(false);
  for (const key of Object.keys(node)) {
    const i = lookup(key);
    if (i < 0)
      throw parseError(shape.name, record, `unknown column '${key.slice(0, 100)}'`, {
        column: key.slice(0, 100),
      });
    const col = shape.columns[i]!;
    const value = node[key] as JsonNode;
    try {
      row[i] =
        value instanceof RawNumber
          ? parseJsonValue(col.type, Number(value.text), value.text)
          : parseJsonValue(col.type, value);
    } catch (err) {
      if (err instanceof ValueError) {
        throw parseError(shape.name, record, `column '${col.name}': ${err.message}`, { column: col.name });
      }
      throw err;
    }
    seen[i] = true;
  }
  const keyCols = keyOnly && shape.primaryKey ? new Set(shape.primaryKey) : null;
  shape.columns.forEach((col, i) => {
    if (seen[i] || col.type.nullable) return;
    if (keyCols && !keyCols.has(i)) return;
    throw parseError(shape.name, record, `missing value for NOT NULL column '${col.name}'`, {
      column: col.name,
    });
  });
  return row;
}

function decodeJson(shape: TableShape, body: string, options: IngressOptions): WeightedRow[] {
  let records: JsonNode[];
  try {
    records = readJsonRecords(body, options.array);
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      throw parseError(shape.name, 0, `invalid JSON: ${err.message}`, { line: err.line });
    throw err;
  }
  const lookup = columnIndex(shape.columns);
  const out: WeightedRow[] = [];
  records.forEach((rec, i) => {
    const n = i + 1;
    if (options.updateFormat === 'raw') {
      out.push({ row: decodeRow(shape, lookup, rec, n, false), weight: 1 });
      return;
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec) || rec instanceof RawNumber) {
      throw parseError(shape.name, n, `expected a JSON object in '${options.updateFormat}' format`);
    }
    if (options.updateFormat === 'weighted') {
      const w = rec.weight;
      if (!(w instanceof RawNumber) || !/^-?\d+$/.test(w.text) || !Number.isSafeInteger(Number(w.text))) {
        throw parseError(shape.name, n, "'weight' must be an integer");
      }
      if (!('data' in rec)) throw parseError(shape.name, n, "missing 'data'");
      const weight = Number(w.text);
      if (weight !== 0)
        out.push({ row: decodeRow(shape, lookup, rec.data as JsonNode, n, weight < 0), weight });
      return;
    }
    const keys = Object.keys(rec);
    const unknown = keys.filter((k) => k !== 'insert' && k !== 'delete');
    if (unknown.length > 0 || keys.length === 0) {
      throw parseError(
        shape.name,
        n,
        `expected {"insert": {...}} or {"delete": {...}}, got key(s) ${JSON.stringify(keys.slice(0, 5))}`,
      );
    }
    if ('delete' in rec)
      out.push({ row: decodeRow(shape, lookup, rec.delete as JsonNode, n, true), weight: -1 });
    if ('insert' in rec)
      out.push({ row: decodeRow(shape, lookup, rec.insert as JsonNode, n, false), weight: 1 });
  });
  return out;
}

function decodeCsv(shape: TableShape, body: string): WeightedRow[] {
  let records: string[][];
  try {
    records = parseCsv(body);
  } catch (err) {
    throw parseError(
      shape.name,
      (err as { record?: number }).record ?? 0,
      `invalid CSV: ${(err as Error).message}`,
    );
  }
  return records.map((fields, i) => {
    const n = i + 1;
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
    return { row, weight: 1 };
  });
}

/** Decodes a whole request body, or throws `ParseError` and decodes nothing. */
export function decodeIngress(shape: TableShape, body: string, options: IngressOptions): WeightedRow[] {
  return options.format === 'csv' ? decodeCsv(shape, body) : decodeJson(shape, body, options);
}
