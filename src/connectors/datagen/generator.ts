/**
 * The records of a datagen connector: record `i` of plan `p` is a function of (seed, p, i)
 * alone, so any range of records can be made again (after a resume, or to replay a journaled
 * batch) and comes out the same.
 *
 * Values are made in JSON form and read with the JSON ingress rules of their column
 * (`parseJsonValue`), as Feldera's datagen feeds its JSON parser; a value its column refuses
 * (a DECIMAL(5, 2) incremented past 999.99, a NULL for a NOT NULL column) makes that record a
 * parse error, counted and reported by the connector, and the record is skipped.
 */
import { parseJsonValue, ValueError } from '../../engine/values/index.js';
import type { Row } from '../../engine/values/value.js';
import type { ColumnInfo } from '../../sql/catalog.js';
import { type FakeStrings, type FieldGenerator, fieldGenerator, type JsonScalar } from './fields.js';
import { RecordRandom } from './random.js';
import { type DatagenSettings, DEFAULT_FIELD } from './settings.js';

/** A record that could not be made: its index in its plan and why. */
export interface RecordError {
  index: number;
  message: string;
}

export interface GeneratedBatch {
  rows: Row[];
  /** Size of the records as compact JSON text (`{"c1":0}` is 8 bytes), which is what Feldera's datagen counts in `total_bytes`. */
  bytes: number;
  errors: RecordError[];
}

function jsonLength(v: JsonScalar): number {
  if (v === null) return 4;
  if (typeof v === 'string') return v.length + 2;
  return String(v).length;
}

/** Makes the records of every plan of one connector. */
export class RecordGenerator {
  private readonly plans: FieldGenerator[][];

  /**
   * Throws `DatagenConfigError` if a field's settings do not fit its column. `fake` is needed
   * only when a field uses a fake-string strategy (`usesFakeStrings`).
   */
  constructor(
    readonly settings: DatagenSettings,
    private readonly columns: readonly ColumnInfo[],
    fake: FakeStrings | null,
  ) {
    this.plans = settings.plans.map((plan) =>
      columns.map((col, i) => fieldGenerator(col, plan.fields[i] ?? DEFAULT_FIELD, fake)),
    );
  }

  /** Records `[from, to)` of plan `plan`, drawn with `seed`. */
  generate(seed: number, plan: number, from: number, to: number): GeneratedBatch {
    const fields = this.plans[plan]!;
    const rows: Row[] = [];
    const errors: RecordError[] = [];
    let bytes = 0;
    for (let index = from; index < to; index++) {
      const random = new RecordRandom(seed, plan, index);
      const row: Row = new Array(this.columns.length);
      let failed: string | null = null;
      bytes += 1 + this.columns.length; // braces and the commas between fields
      for (let c = 0; c < this.columns.length; c++) {
        const col = this.columns[c]!;
        const json = fields[c]!(index, random);
        bytes += col.name.length + 3 + jsonLength(json); // "name":value
        if (failed !== null) continue;
        try {
          row[c] = parseJsonValue(col.type, json);
        } catch (err) {
          if (!(err instanceof ValueError)) throw err;
          failed = `column '${col.name}': ${err.message} (generated ${typeof json === 'bigint' ? json : JSON.stringify(json)})`;
        }
      }
      if (failed === null) rows.push(row);
      else errors.push({ index, message: failed });
    }
    return { rows, bytes, errors };
  }
}
