/**
 * Encoding a step's changes to a relation in Feldera's output formats, for egress streams and
 * output connectors alike.
 *
 * As Feldera's encoders (crates/adapters/src/format/json/output.rs and csv.rs) do, a batch's
 * deletions come before its insertions (its cursor visits negative weights first; an upsert
 * then reads "delete the old row, insert the new one" whatever the key order), and a stable
 * split keeps the order within each kind. JSON (`update_format` `insert_delete`) writes one
 * `{"insert": row}` / `{"delete": row}` per unit of weight (a row of weight 3 is three
 * records); CSV writes each row once, its columns then its weight (`1,foo,-2`), no header.
 */
import { formatCsvField, makeRowJsonEncoder } from '../../engine/values/index.js';
import type { WeightedRow } from '../../engine/values/value.js';
import type { ColumnInfo } from '../../sql/catalog.js';

/** `rows` with its deletions first (the same array when it has none). */
export function deletesFirst(rows: readonly WeightedRow[]): readonly WeightedRow[] {
  if (!rows.some((r) => r.weight < 0)) return rows;
  return [...rows.filter((r) => r.weight < 0), ...rows.filter((r) => r.weight > 0)];
}

/** Encodes rows of one relation into format records (one string per record, no separator). */
export interface RecordEncoder {
  /** The records of `rows`, in output order. */
  records(rows: readonly WeightedRow[]): string[];
}

/** JSON `insert_delete` records: `{"insert":{...}}`, repeated per unit of weight. */
export function jsonUpdateEncoder(columns: readonly ColumnInfo[]): RecordEncoder {
  const encodeRow = makeRowJsonEncoder(columns);
  return {
    records(rows) {
      const out: string[] = [];
      for (const { row, weight } of deletesFirst(rows)) {
        const text = `{"${weight > 0 ? 'insert' : 'delete'}":${encodeRow(row)}}`;
        for (let i = 0; i < Math.abs(weight); i++) out.push(text);
      }
      return out;
    },
  };
}

/** CSV records: the row's fields then its weight, each ending in a newline. */
export function csvUpdateEncoder(columns: readonly ColumnInfo[]): RecordEncoder {
  return {
    records(rows) {
      return deletesFirst(rows).map(
        ({ row, weight }) =>
          `${row.map((v, i) => formatCsvField(columns[i]!.type, v)).join(',')},${weight}\n`,
      );
    },
  };
}
