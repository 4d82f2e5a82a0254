/**
 * ARRAY_AGG and MAP_AGG: the group's values as a multiset in a fixed order, turned into the
 * result when it is read (O(values in the group), as Feldera's reference says ARRAY_AGG costs).
 *
 * ARRAY_AGG's order is Feldera's: without ORDER BY its elements come in the order of the
 * aggregate's input rows (group keys, then every aggregate's arguments, compared as values,
 * NULL first), so `ARRAY_AGG(a), ARRAY_AGG(b)` over rows (1, 9), (NULL, 8) gives [NULL, 1] and
 * [8, 9]; with DISTINCT each distinct value appears once, in value order; with ORDER BY the keys
 * decide first and the input row breaks ties. NULL values are elements unless IGNORE NULLS.
 * An empty group (all rows filtered out, or a global aggregate over no rows) gives `[]`.
 *
 * MAP_AGG(key, value) maps each non-NULL key to its largest value (NULL the smallest), as
 * Feldera's `MAP(SELECT key, value ...)` constructor does; an empty group gives `{}`.
 */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { compareValues, type Row, SqlMap, type Value } from '../values/value.js';
import type { Accumulator, AggregateFamily, AggregateOptions, SortDirection } from './accumulator.js';
import { SortedBag } from './sorted-bag.js';

/** Compares ORDER BY keys held at positions 1.. of two `ROW(value, k1, ...)` arguments. */
function compareKeys(order: readonly SortDirection[], a: Value[], b: Value[]): number {
  for (let i = 0; i < order.length; i++) {
    const x = a[i + 1] as Value;
    const y = b[i + 1] as Value;
    const { desc, nullsFirst } = order[i]!;
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === nullsFirst ? -1 : 1;
    }
    const c = compareValues(x, y);
    if (c !== 0) return desc ? -c : c;
  }
  return 0;
}

class ArrayAggAccumulator implements Accumulator {
  /** DISTINCT: the values. Otherwise `[row, argument]` pairs, ordered as the module header says. */
  private readonly entries: SortedBag;

  constructor(private readonly options: AggregateOptions) {
    const order = options.order;
    this.entries = new SortedBag(
      options.distinct
        ? compareValues
        : (a, b) => {
            const [rowA, argA] = a as [Row, Value];
            const [rowB, argB] = b as [Row, Value];
            return (
              (order ? compareKeys(order, argA as Value[], argB as Value[]) : 0) || compareValues(rowA, rowB)
            );
          },
    );
  }

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog, row: Row): void {
    const element = this.options.order ? ((v as Value[])[0] as Value) : v;
    if (this.options.ignoreNulls && element === null) return;
    this.entries.add(this.options.distinct ? element : [row, v], weight, undo);
  }

  result(): Value {
    const out: Value[] = [];
    for (const { value, count } of this.entries) {
      if (this.options.distinct) {
        out.push(value);
        continue;
      }
      const arg = (value as [Row, Value])[1];
      const element = this.options.order ? ((arg as Value[])[0] as Value) : arg;
      for (let i = 0; i < count; i++) out.push(element);
    }
    return out;
  }

  write(w: StateWriter): void {
    this.entries.write(w);
  }

  read(r: StateReader): void {
    this.entries.read(r);
  }
}

class MapAggAccumulator implements Accumulator {
  /** `[key, value]` pairs in key order, then value order. */
  private readonly pairs = new SortedBag(compareValues);

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog): void {
    const [key, value] = v as [Value, Value];
    if (key !== null) this.pairs.add([key, value], weight, undo);
  }

  result(): Value {
    // A later entry with an equal key replaces an earlier one: the largest value wins.
    return new SqlMap(Array.from(this.pairs, (c) => c.value as [Value, Value]));
  }

  write(w: StateWriter): void {
    this.pairs.write(w);
  }

  read(r: StateReader): void {
    this.pairs.read(r);
  }
}

export const COLLECT_AGGREGATES: AggregateFamily = {
  array_agg: { make: (_arg, _result, options) => new ArrayAggAccumulator(options) },
  map_agg: { make: () => new MapAggAccumulator() },
};
