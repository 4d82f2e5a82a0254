/**
 * Aggregate accumulators: the per-group state of one aggregate call, updated by weighted
 * values (weight -1 retracts a value), so a group is never recomputed from its rows.
 *
 * COUNT, SUM and AVG keep running totals (exact for integers and DECIMAL; BIGINT and DECIMAL
 * totals are bigints, so intermediate sums cannot overflow). MIN and MAX keep a sorted
 * multiset of the group's values, so retracting the current minimum finds the next one in
 * O(log n). DISTINCT wraps any of them with a count per value and forwards only the first
 * arrival and last departure of a value.
 *
 * Undo: `checkpoint` records how to restore a scalar accumulator once per step; container
 * accumulators (MIN/MAX, DISTINCT) record the inverse of each change as it happens.
 */
import type { AggregateCall } from '../sql/plan.js';
import { SqlRuntimeError } from './errors.js';
import { SortedList } from './sorted-list.js';
import { type StateReader, type StateWriter, sortedEntries } from './state-codec.js';
import type { UndoLog } from './undo-log.js';
import { fitDecimal } from './values/cast.js';
import { Decimal } from './values/decimal.js';
import { ValueError } from './values/errors.js';
import { bigIntRange, type ColumnType, isSmallInteger, SMALL_INT_RANGES } from './values/types.js';
import { compareValues, type Value, valueKey } from './values/value.js';

export interface Accumulator {
  /** Records how to restore the current state; called once per step before the first `add`. */
  checkpoint(undo: UndoLog): void;
  add(v: Value, weight: number, undo: UndoLog): void;
  result(): Value;
  write(w: StateWriter): void;
  read(r: StateReader): void;
}

function outOfRange(fn: string, type: ColumnType, v: unknown): never {
  throw new SqlRuntimeError(`${fn} overflow: result ${String(v)} does not fit ${type.type}`);
}

/** COUNT(*) (counts every row) or COUNT(x) (counts non-NULL values). Result BIGINT. */
class CountAccumulator implements Accumulator {
  private n = 0;

  constructor(private readonly star: boolean) {}

  checkpoint(undo: UndoLog): void {
    const n = this.n;
    undo.record(() => {
      this.n = n;
    });
  }

  add(v: Value, weight: number): void {
    if (this.star || v !== null) this.n += weight;
  }

  result(): Value {
    return BigInt(this.n);
  }

  write(w: StateWriter): void {
    w.f64(this.n);
  }

  read(r: StateReader): void {
    this.n = r.f64();
  }
}

/** Exact running sum in a representation chosen by the argument type. */
type Total = number | bigint;

/** SUM and AVG: a running total and the number of non-NULL values. */
class SumAccumulator implements Accumulator {
  private total: Total;
  private n = 0;

  constructor(
    private readonly type: ColumnType,
    private readonly average: boolean,
  ) {
    this.total = this.usesBigInt() ? 0n : 0;
  }

  private usesBigInt(): boolean {
    return this.type.type === 'BIGINT' || this.type.type === 'UBIGINT' || this.type.type === 'DECIMAL';
  }

  checkpoint(undo: UndoLog): void {
    const { total, n } = this;
    undo.record(() => {
      this.total = total;
      this.n = n;
    });
  }

  add(v: Value, weight: number): void {
    if (v === null) return;
    this.n += weight;
    if (typeof v === 'number') this.total = (this.total as number) + v * weight;
    else if (typeof v === 'bigint') this.total = (this.total as bigint) + v * BigInt(weight);
    else if (v instanceof Decimal)
      this.total = (this.total as bigint) + v.rescale(this.type.scale ?? 0).unscaled * BigInt(weight);
  }

  result(): Value {
    if (this.n <= 0) return null;
    const fn = this.average ? 'AVG' : 'SUM';
    const t = this.type;
    if (isSmallInteger(t)) {
      const r = this.average ? Math.trunc((this.total as number) / this.n) : (this.total as number);
      const [min, max] = SMALL_INT_RANGES[t.type];
      return r >= min && r <= max ? r : outOfRange(fn, t, r);
    }
    switch (t.type) {
      case 'BIGINT':
      case 'UBIGINT': {
        const r = this.average ? (this.total as bigint) / BigInt(this.n) : (this.total as bigint);
        const [min, max] = bigIntRange(t);
        return r >= min && r <= max ? r : outOfRange(fn, t, r);
      }
      case 'DECIMAL': {
        const scale = t.scale ?? 0;
        let d = new Decimal(this.total as bigint, scale);
        if (this.average) d = d.div(Decimal.fromBigInt(BigInt(this.n)), scale);
        try {
          return fitDecimal(d, t);
        } catch (e) {
          if (e instanceof ValueError) return outOfRange(fn, t, d);
          throw e;
        }
      }
      default: {
        const r = this.average ? (this.total as number) / this.n : (this.total as number);
        return t.type === 'REAL' ? Math.fround(r) : r;
      }
    }
  }

  write(w: StateWriter): void {
    w.value(this.total);
    w.f64(this.n);
  }

  read(r: StateReader): void {
    this.total = r.value() as Total;
    this.n = r.f64();
  }
}

interface Counted {
  value: Value;
  count: number;
}

/** Called when a value's count becomes positive or stops being positive. */
type Transition = (c: Counted, undo: UndoLog) => void;

/** The multiset of non-NULL values of a group with their multiplicities. */
class ValueBag {
  readonly byKey = new Map<string, Counted>();

  constructor(
    private readonly onAppear: Transition,
    private readonly onVanish: Transition,
  ) {}

  add(v: Value, weight: number, undo: UndoLog): void {
    const key = valueKey(v);
    const entry = this.byKey.get(key) ?? { value: v, count: 0 };
    const before = entry.count;
    entry.count += weight;
    if (entry.count === 0) this.byKey.delete(key);
    else this.byKey.set(key, entry);
    undo.record(() => {
      entry.count = before;
      if (before === 0) this.byKey.delete(key);
      else this.byKey.set(key, entry);
    });
    if (before <= 0 && entry.count > 0) this.onAppear(entry, undo);
    else if (before > 0 && entry.count <= 0) this.onVanish(entry, undo);
  }

  write(w: StateWriter): void {
    const entries = sortedEntries(this.byKey);
    w.u32(entries.length);
    for (const [, c] of entries) {
      w.value(c.value);
      w.f64(c.count);
    }
  }

  /** Loads the bag; replays appearances into `restore` (state the caller rebuilds rather than reads). */
  read(r: StateReader, restore: (c: Counted) => void): void {
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const c = { value: r.value(), count: r.f64() };
      this.byKey.set(valueKey(c.value), c);
      if (c.count > 0) restore(c);
    }
  }
}

/** MIN / MAX over a sorted multiset of the group's values. */
class MinMaxAccumulator implements Accumulator {
  private readonly sorted = new SortedList<Counted>((a, b) => compareValues(a.value, b.value));
  private readonly bag = new ValueBag(
    (c, undo) => {
      this.sorted.insert(c);
      undo.record(() => this.sorted.remove(c));
    },
    (c, undo) => {
      this.sorted.remove(c);
      undo.record(() => this.sorted.insert(c));
    },
  );

  constructor(private readonly max: boolean) {}

  checkpoint(): void {}

  add(v: Value, weight: number, undo: UndoLog): void {
    if (v !== null) this.bag.add(v, weight, undo);
  }

  result(): Value {
    const c = this.max ? this.sorted.last() : this.sorted.first();
    return c ? c.value : null;
  }

  write(w: StateWriter): void {
    this.bag.write(w);
  }

  read(r: StateReader): void {
    this.bag.read(r, (c) => this.sorted.insert(c));
  }
}

/** `agg(DISTINCT x)`: feeds the inner accumulator each distinct non-NULL value once. */
class DistinctAccumulator implements Accumulator {
  private readonly bag = new ValueBag(
    (c, undo) => this.inner.add(c.value, 1, undo),
    (c, undo) => this.inner.add(c.value, -1, undo),
  );

  constructor(private readonly inner: Accumulator) {}

  checkpoint(undo: UndoLog): void {
    this.inner.checkpoint(undo);
  }

  add(v: Value, weight: number, undo: UndoLog): void {
    if (v !== null) this.bag.add(v, weight, undo);
  }

  result(): Value {
    return this.inner.result();
  }

  write(w: StateWriter): void {
    this.bag.write(w);
    this.inner.write(w);
  }

  read(r: StateReader): void {
    // The inner accumulator's state is saved as is (a float sum depends on the order of adds).
    this.bag.read(r, () => {});
    this.inner.read(r);
  }
}

/** A fresh accumulator for one aggregate call; `argType` is the type of its argument column. */
export function makeAccumulator(call: AggregateCall, argType: ColumnType | null): Accumulator {
  let acc: Accumulator;
  switch (call.fn) {
    case 'count_star':
      return new CountAccumulator(true);
    case 'count':
      acc = new CountAccumulator(false);
      break;
    case 'sum':
    case 'avg':
      acc = new SumAccumulator({ ...argType!, nullable: true }, call.fn === 'avg');
      break;
    case 'min':
    case 'max':
      acc = new MinMaxAccumulator(call.fn === 'max');
      break;
  }
  return call.distinct ? new DistinctAccumulator(acc) : acc;
}
