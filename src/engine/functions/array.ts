/**
 * Array functions (Feldera's reference, "Array Operations", and SEQUENCE from "Integer
 * operations"), following Feldera's runtime (its sqllib `array.rs`):
 * - elements compare as values (`compareValues` / `valueKey`), so NULL equals NULL inside
 *   ARRAY_DISTINCT and the set operations, and sorts first; ARRAYS_OVERLAP is three-valued;
 * - ARRAY_EXCEPT, ARRAY_INTERSECT and ARRAY_UNION return distinct elements in sorted order;
 * - ARRAY_DISTINCT keeps the first occurrence of each element, in place;
 * - ELEMENT of more than one element, ARRAY_INSERT at position 0 and sizes beyond Feldera's
 *   limit fail the step.
 * A NULL array gives NULL. The element argument of ARRAY_CONTAINS, ARRAY_POSITION and
 * ARRAY_REMOVE is strict (NULL gives NULL), as in Calcite; ARRAY_APPEND, ARRAY_PREPEND,
 * ARRAY_INSERT and ARRAY_REPEAT add a NULL element as one.
 */
import { SqlRuntimeError } from '../errors.js';
import { makeCast } from '../values/cast.js';
import type { ColumnType } from '../values/types.js';
import { compareValues, type SqlMap, type Value, valueKey } from '../values/value.js';
import { type KernelFamily, strict } from './kernel.js';

/** Feldera's largest array (`i32::MAX - 15` elements); larger results fail rather than exhaust memory. */
const MAX_ARRAY_LENGTH = 2 ** 31 - 16;

function checkLength(n: number, fn: string): void {
  if (n > MAX_ARRAY_LENGTH) throw new SqlRuntimeError(`${fn}: an array of ${n} elements is too large`);
}

/** The distinct elements of `a`, first occurrences in order. */
function distinct(a: readonly Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of a) {
    const k = valueKey(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

const keys = (a: readonly Value[]) => new Set(a.map(valueKey));

/** Distinct elements in sorted order (NULL first), as Feldera's set operations return them. */
const sortedSet = (a: Value[]) => distinct(a).sort(compareValues);

/** The element at a 1-based position counted from the end when negative (ARRAY_INSERT's rule). */
function insertAt(a: readonly Value[], pos: number, v: Value): Value[] {
  if (pos === 0) throw new SqlRuntimeError("Index of 0 for 'array_insert'");
  const abs = Math.abs(pos);
  checkLength(abs, 'ARRAY_INSERT');
  const len = a.length;
  if (pos < 0) {
    // Past the start: v, then NULLs up to the old first element.
    if (abs > len) return [v, ...Array<Value>(abs - len - 1).fill(null), ...a];
    return insertAt(a, len - abs + 2, v);
  }
  if (abs > len) return [...a, ...Array<Value>(abs - len - 1).fill(null), v];
  return [...a.slice(0, abs - 1), v, ...a.slice(abs - 1)];
}

/** Builds ARRAY_TO_STRING for an element type: elements are converted as CAST(e AS VARCHAR). */
function makeArrayToString(element: ColumnType): (xs: Value[]) => Value {
  const text = makeCast(element, { type: 'VARCHAR', nullable: true, precision: -1 });
  return ([arr, sep, nullText]) => {
    if (arr === null || sep === null) return null;
    const parts: string[] = [];
    for (const v of arr as Value[]) {
      if (v !== null) parts.push(text(v) as string);
      else if (nullText !== null && nullText !== undefined) parts.push(nullText as string);
    }
    return parts.join(sep as string);
  };
}

/**
 * ARRAYS_OVERLAP as Calcite (and Feldera, which translated it) define it: TRUE for a common
 * non-NULL element; otherwise NULL when both arrays are non-empty and either holds a NULL; else
 * FALSE.
 */
function arraysOverlap(a: Value[], b: Value[]): Value {
  if (a.length === 0 || b.length === 0) return false;
  const inA = new Set(a.filter((v) => v !== null).map(valueKey));
  if (b.some((v) => v !== null && inA.has(valueKey(v)))) return true;
  return a.includes(null) || b.includes(null) ? null : false;
}

/** The largest (smallest) non-NULL element, NULL for none. */
function extreme(max: boolean): (xs: Value[]) => Value {
  return ([arr]) => {
    let best: Value = null;
    for (const v of arr as Value[])
      if (v !== null && (best === null || (max ? compareValues(v, best) > 0 : compareValues(v, best) < 0)))
        best = v;
    return best;
  };
}

export const ARRAY_KERNELS: KernelFamily = {
  cardinality: strict(([a]) => (Array.isArray(a) ? a.length : (a as SqlMap).size)),
  element: strict(([a]) => {
    const arr = a as Value[];
    if (arr.length > 1)
      throw new SqlRuntimeError("'ELEMENT()' called on array that does not have exactly 1 element");
    return arr[0] ?? null;
  }),
  array_append: {
    nulls: 'nullable',
    make:
      () =>
      ([a, v]) =>
        a === null ? null : [...(a as Value[]), v as Value],
  },
  array_prepend: {
    nulls: 'nullable',
    make:
      () =>
      ([a, v]) =>
        a === null ? null : [v as Value, ...(a as Value[])],
  },
  array_concat: strict(([a, b]) => [...(a as Value[]), ...(b as Value[])]),
  array_contains: strict(([a, v]) => keys(a as Value[]).has(valueKey(v as Value))),
  array_position: strict(([a, v]) => {
    const k = valueKey(v as Value);
    return BigInt((a as Value[]).findIndex((x) => valueKey(x) === k) + 1);
  }),
  array_remove: strict(([a, v]) => {
    const k = valueKey(v as Value);
    return (a as Value[]).filter((x) => valueKey(x) !== k);
  }),
  array_distinct: strict(([a]) => distinct(a as Value[])),
  array_reverse: strict(([a]) => [...(a as Value[])].reverse()),
  array_compact: strict(([a]) => (a as Value[]).filter((v) => v !== null)),
  array_except: strict(([a, b]) => {
    const drop = keys(b as Value[]);
    return sortedSet((a as Value[]).filter((v) => !drop.has(valueKey(v))));
  }),
  array_intersect: strict(([a, b]) => {
    const keep = keys(b as Value[]);
    return sortedSet((a as Value[]).filter((v) => keep.has(valueKey(v))));
  }),
  array_union: strict(([a, b]) => sortedSet([...(a as Value[]), ...(b as Value[])])),
  arrays_overlap: strict(([a, b]) => arraysOverlap(a as Value[], b as Value[])),
  array_max: strict(extreme(true)),
  array_min: strict(extreme(false)),
  array_to_string: { nulls: 'nullable', make: (types) => makeArrayToString(types[0]!.component!) },
  array_repeat: {
    nulls: 'nullable',
    make:
      () =>
      ([v, n]) => {
        if (n === null) return null;
        const count = Math.max(0, n as number);
        checkLength(count, 'ARRAY_REPEAT');
        return Array<Value>(count).fill(v as Value);
      },
  },
  array_insert: {
    nulls: 'nullable',
    make:
      () =>
      ([a, pos, v]) =>
        a === null || pos === null ? null : insertAt(a as Value[], pos as number, v as Value),
  },
  /** SORT_ARRAY(a, ascending): NULL first ascending, last descending. */
  sort_array: strict(([a, asc]) => {
    const sorted = [...(a as Value[])].sort(compareValues);
    return asc === false ? sorted.reverse() : sorted;
  }),
  sequence: strict(([from, to]) => {
    const [a, b] = [from as number, to as number];
    if (b < a) return [];
    checkLength(b - a + 1, 'SEQUENCE');
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }),
  /** `a[SAFE_OFFSET(i)]`: the element at 0-based position i, NULL out of range. */
  safe_offset: strict(([a, i]) => ((i as number) < 0 ? null : ((a as Value[])[i as number] ?? null))),
};
