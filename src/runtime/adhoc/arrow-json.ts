/**
 * The JSON form of ad-hoc query results (`/query?format=json`), which is not the egress form.
 *
 * Feldera answers ad-hoc queries with DataFusion and writes the Arrow record batches with
 * arrow-json's writer (explicit nulls), so a row's values take Arrow's forms, which its Python
 * SDK (`pipeline.query`) and its own runtime tests (python/tests/runtime_aggtest) read:
 *   - TIMESTAMP: ISO 8601 with a `T`, `2020-06-21T14:23:44.123`; the fraction as chrono's `%.f`
 *     prints it (3, 6 or 9 digits, none when zero), which is arrow-cast's default display of a
 *     timestamp without time zone;
 *   - DATE `YYYY-MM-DD` and TIME `HH:MM:SS[.fff]`: the same text as egress;
 *   - BINARY/VARBINARY: lower-case hexadecimal text (arrow-json's `BinaryEncoder`), `"0b1620"`;
 *   - VARIANT: a string holding the value's JSON text (Feldera stores it as Arrow UTF-8), `"20"`,
 *     `"\"ciao\""`, and `"null"` for the VARIANT null, while SQL NULL stays `null`; the same
 *     inside arrays, maps and rows;
 *   - DECIMAL: a JSON number with exactly the column's scale digits (arrow-cast prints a
 *     `Decimal128(p, s)` with `s` fractional digits, unquoted);
 *   - MAP: an object; a key that is not a string is written as its text (the ad-hoc JSON of
 *     the key, unquoted when that is a string), a VARIANT key as its JSON text;
 *   - ROW: an object with every field (nulls explicit);
 *   - UUID, intervals, booleans, integers, floats and strings as in egress (json.ts): UUID as
 *     its text (Feldera's runtime tests read it so); floats that are not finite as `null`.
 * View egress (`/egress`, output connectors) keeps Feldera's egress form (engine/values/json.ts).
 */

import { toHex } from '../../engine/values/binary.js';
import { formatTimestamp } from '../../engine/values/datetime.js';
import type { Decimal } from '../../engine/values/decimal.js';
import type { ColumnDesc } from '../../engine/values/index.js';
import { valueToJsonText } from '../../engine/values/json.js';
import type { ColumnType } from '../../engine/values/types.js';
import type { SqlMap, Value } from '../../engine/values/value.js';

/** Text of a MAP key as an object key: a string's content, anything else its ad-hoc JSON text. */
function keyText(type: ColumnType, k: Value): string {
  if (type.type === 'VARIANT') return valueToJsonText(type, k);
  const text = adhocJsonText(type, k);
  return text.startsWith('"') ? (JSON.parse(text) as string) : text;
}

/**
 * Exact JSON text of one value in the ad-hoc form (see the module header). Throws `ValueError`
 * for a type without a JSON form, as `valueToJsonText` does.
 */
export function adhocJsonText(type: ColumnType, v: Value): string {
  if (v === null) return 'null';
  switch (type.type) {
    case 'TIMESTAMP':
      return JSON.stringify(formatTimestamp(v as bigint, 'T'));
    case 'BINARY':
    case 'VARBINARY':
      return JSON.stringify(toHex(v as Uint8Array));
    case 'VARIANT':
      return JSON.stringify(valueToJsonText(type, v));
    case 'DECIMAL':
      return type.scale === undefined ? String(v) : (v as Decimal).rescale(type.scale).toString();
    case 'ARRAY':
      return `[${(v as Value[]).map((e) => adhocJsonText(type.component!, e)).join(',')}]`;
    case 'MAP':
      return `{${(v as SqlMap).entries
        .map(([k, e]) => `${JSON.stringify(keyText(type.key!, k))}:${adhocJsonText(type.value!, e)}`)
        .join(',')}}`;
    case 'STRUCT':
      return `{${type
        .fields!.map(
          (f, i) => `${JSON.stringify(f.name)}:${adhocJsonText(f.columntype, (v as Value[])[i] as Value)}`,
        )
        .join(',')}}`;
    default:
      return valueToJsonText(type, v);
  }
}

/** Returns a function printing rows of `columns` as ad-hoc JSON object text `{"col":value,...}`. */
export function makeAdhocRowEncoder(columns: readonly ColumnDesc[]): (row: readonly Value[]) => string {
  const prefixes = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  return (row) => {
    let out = '';
    for (let i = 0; i < columns.length; i++)
      out += prefixes[i] + adhocJsonText(columns[i]!.type, row[i] as Value);
    return columns.length === 0 ? '{}' : `${out}}`;
  };
}
