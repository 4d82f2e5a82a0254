/**
 * The row expansion of SQL's UNNEST, as Feldera (Calcite's Uncollect) defines it: one output
 * row per element of the collection, which is the input row followed by what the element adds
 * (see `UnnestExpansion` in sql/plan.ts) and, WITH ORDINALITY, the element's position from 1.
 * A NULL collection gives no rows; a NULL element of an array of STRUCTs gives NULL fields
 * (Feldera's runtime test `arr_of_row_unnest2`).
 */
import type { UnnestExpansion } from '../sql/plan.js';
import type { Evaluator } from './expr/compile.js';
import type { Row, SqlMap, Value } from './values/value.js';

/**
 * Returns the expansion of one input row. `fieldCount` is the number of fields of a STRUCT
 * element (used for 'fields' only).
 */
export function unnestRows(
  collection: Evaluator,
  expand: UnnestExpansion,
  ordinality: boolean,
  fieldCount: number,
): (row: Row) => Row[] {
  return (row) => {
    const c = collection(row);
    if (c === null) return [];
    const out: Row[] = [];
    if (expand === 'entries') {
      let position = 0;
      for (const [k, v] of (c as SqlMap).entries) {
        const r = [...row, k, v];
        if (ordinality) r.push(++position);
        out.push(r);
      }
      return out;
    }
    const elements = c as Value[];
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!;
      const r =
        expand === 'element'
          ? [...row, e]
          : [...row, ...(e === null ? new Array<Value>(fieldCount).fill(null) : (e as Value[]))];
      if (ordinality) r.push(i + 1);
      out.push(r);
    }
    return out;
  };
}
