/**
 * VARIANT and JSON functions (Feldera's reference, "JSON support"):
 * - PARSE_JSON reads JSON text as Feldera does (numbers become exact DECIMALs, objects
 *   MAP<VARIANT, VARIANT>, `null` the JSON-null variant); text that is not JSON gives NULL;
 * - TO_JSON writes a variant's content as compact JSON, the same text the JSON egress writes
 *   (strings quoted, dates and times as strings, maps as objects in key order);
 * - TYPEOF names a variant's runtime type (`VARIANT` for the JSON-null variant, `NULL` for SQL NULL);
 * - VARIANTNULL is the JSON-null variant.
 */

import { valueToJsonText } from '../values/json.js';
import { variantFromJson } from '../values/json-compound.js';
import { parseJsonText } from '../values/json-text.js';
import { typeToSql } from '../values/types.js';
import { Variant } from '../values/value.js';
import { type KernelFamily, strict } from './kernel.js';

const VARIANT_TYPE = { type: 'VARIANT' as const, nullable: true };

function parseJson(text: string): Variant | null {
  try {
    return variantFromJson(parseJsonText(text));
  } catch {
    return null;
  }
}

/**
 * The runtime type name of a variant's content, as Feldera's TYPEOF spells it: the bare type
 * name (`DECIMAL`, `VARCHAR`, `ARRAY`), `TINYINT UNSIGNED` and the like for unsigned integers.
 */
function typeName(v: Variant): string {
  switch (v.kind) {
    case 'UTINYINT':
    case 'USMALLINT':
    case 'UINTEGER':
    case 'UBIGINT':
      return typeToSql({ type: v.kind, nullable: true });
    case 'INTERVAL_DAY_SECOND':
    case 'INTERVAL_YEAR_MONTH':
      return 'INTERVAL';
    default:
      return v.kind;
  }
}

export const JSON_KERNELS: KernelFamily = {
  parse_json: strict(([s]) => parseJson(s as string)),
  to_json: strict(([v]) => valueToJsonText(VARIANT_TYPE, v as Variant)),
  // A SQL NULL (an element index past the end, a missing key) is 'NULL', as Feldera's sqllib
  // `typeofN` answers for `None`; the VARIANT null is 'VARIANT'.
  typeof: {
    nulls: 'nullable',
    make:
      () =>
      ([v]) =>
        v === null ? 'NULL' : typeName(v as Variant),
  },
  variantnull: { nulls: 'nullable', make: () => () => Variant.NULL },
};
