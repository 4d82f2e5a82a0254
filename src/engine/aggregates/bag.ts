/** The multiset of a group's non-NULL values with their multiplicities, shared by MIN/MAX and DISTINCT. */
import { type StateReader, type StateWriter, sortedEntries } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import { type Value, valueKey } from '../values/value.js';

export interface Counted {
  value: Value;
  count: number;
}

/** Called when a value's count becomes positive or stops being positive. */
export type Transition = (c: Counted, undo: UndoLog) => void;

/** The multiset of non-NULL values of a group with their multiplicities. */
export class ValueBag {
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
