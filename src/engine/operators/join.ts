/**
 * Incremental equi-join with an optional residual condition, for INNER, LEFT, RIGHT, FULL and
 * mark joins (the latter tag each left row with whether it has a match; IN/EXISTS use it).
 *
 * Both inputs are integrated into indexes keyed by the join key. With L, R the old contents
 * and dL, dR the step's deltas, the inner result changes by
 *     dL ⋈ R  +  (L + dL) ⋈ dR
 * so each delta row only visits the rows of the other side that share its key.
 *
 * Outer and mark joins also need to know which rows have no match. Every indexed row carries
 * `matches`: the total weight of the other side's rows it joins with (key equal and residual
 * TRUE). The pairs found above update those counts, and only rows whose count or weight
 * changed (the "touched" rows) can change their padded (or marked) output, which is emitted
 * as new minus old. Rows with a NULL key never match, so they are padded right away and never
 * stored.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import { Trace } from '../trace/trace.js';
import type { UndoLog } from '../undo-log.js';
import { type Row, rowKey } from '../values/value.js';
import { type Batch, consolidate } from '../zset.js';

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'mark';

/** Join key of a row, or null if a key column is NULL (such rows never match). */
export type KeyFunction = (row: Row) => string | null;

interface Entry {
  row: Row;
  weight: number;
  matches: number;
}

const entryCodec = {
  write(w: StateWriter, e: Entry): void {
    w.row(e.row);
    w.f64(e.weight);
    w.f64(e.matches);
  },
  read(r: StateReader): Entry {
    return { row: r.row(), weight: r.f64(), matches: r.f64() };
  },
};

/** Integrated rows of one join input: a trace grouped by join key, then keyed by row. */
class JoinIndex {
  readonly trace = new Trace<Entry>({ codec: entryCodec, grouped: true });

  /** The entry of `row` under `key`, created with weight 0 if absent. */
  entry(key: string, rk: string, row: Row, undo: UndoLog): Entry {
    const existing = this.trace.getMut(key, rk, undo);
    if (existing) return existing;
    const fresh = { row, weight: 0, matches: 0 };
    this.trace.set(key, rk, fresh, undo);
    return fresh;
  }

  /** Drops an entry whose weight reached zero. */
  dropIfEmpty(key: string, rk: string, e: Entry, undo: UndoLog): void {
    if (e.weight === 0) this.trace.delete(key, rk, undo);
  }

  /** The rows joining with key `key`: changeable (to count matches) or read-only. */
  rows(key: string, mutable: boolean, undo: UndoLog): Iterable<[string, Entry]> {
    return mutable ? this.trace.groupMut(key, undo) : this.trace.group(key);
  }
}

/** Weight and match count of an entry when the step first touched it. */
interface Before {
  weight: number;
  matches: number;
}

export class Join implements StatefulOperator {
  private readonly left = new JoinIndex();
  private readonly right = new JoinIndex();
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  private readonly trackLeft: boolean;
  private readonly trackRight: boolean;

  constructor(
    private readonly kind: JoinKind,
    private readonly leftKey: KeyFunction,
    private readonly rightKey: KeyFunction,
    /** Condition beyond key equality, over the concatenated row; null when there is none. */
    private readonly residual: ((row: Row) => boolean) | null,
    leftWidth: number,
    rightWidth: number,
  ) {
    this.leftNulls = new Array(leftWidth).fill(null);
    this.rightNulls = new Array(rightWidth).fill(null);
    this.trackLeft = kind === 'left' || kind === 'full' || kind === 'mark';
    this.trackRight = kind === 'right' || kind === 'full';
  }

  step([leftDelta, rightDelta]: readonly Batch[], ctx: StepContext): Batch {
    const out: Batch = [];
    const touchedLeft = new Map<Entry, Before>();
    const touchedRight = new Map<Entry, Before>();
    const touch = (touched: Map<Entry, Before>, e: Entry) => {
      if (touched.has(e)) return;
      const before = { weight: e.weight, matches: e.matches };
      touched.set(e, before);
      ctx.undo.call(restoreEntry, e, before, undefined);
    };
    const residual = this.residual;
    const emitPairs = this.kind !== 'mark';

    // dL ⋈ R: new left rows against the old right side.
    const left = keyed(consolidate(leftDelta!), this.leftKey);
    this.left.trace.prefetch(left.keys, left.rowKeys);
    for (let i = 0; i < left.rows.length; i++) {
      const { row: l, weight: w } = left.rows[i]!;
      const key = left.keyOf[i]!;
      if (key === null) {
        if (this.kind === 'mark') out.push({ row: [...l, false], weight: w });
        else if (this.trackLeft) out.push({ row: l.concat(this.rightNulls), weight: w });
        continue;
      }
      const rk = left.rowKeyOf[i]!;
      const entry = this.left.entry(key, rk, l, ctx.undo);
      touch(touchedLeft, entry);
      let matches = 0;
      for (const [, r] of this.right.rows(key, this.trackRight, ctx.undo)) {
        const joined = l.concat(r.row);
        if (residual && !residual(joined)) continue;
        matches += r.weight;
        if (emitPairs) out.push({ row: joined, weight: w * r.weight });
        if (this.trackRight) {
          touch(touchedRight, r);
          r.matches += w;
        }
      }
      entry.matches = matches;
      entry.weight += w;
      this.left.dropIfEmpty(key, rk, entry, ctx.undo);
    }

    // (L + dL) ⋈ dR: new right rows against the updated left side.
    const right = keyed(consolidate(rightDelta!), this.rightKey);
    this.right.trace.prefetch(right.keys, right.rowKeys);
    for (let i = 0; i < right.rows.length; i++) {
      const { row: r, weight: w } = right.rows[i]!;
      const key = right.keyOf[i]!;
      if (key === null) {
        if (this.trackRight) out.push({ row: this.leftNulls.concat(r), weight: w });
        continue;
      }
      const rk = right.rowKeyOf[i]!;
      const entry = this.right.entry(key, rk, r, ctx.undo);
      touch(touchedRight, entry);
      let matches = 0;
      for (const [, l] of this.left.rows(key, this.trackLeft, ctx.undo)) {
        const joined = l.row.concat(r);
        if (residual && !residual(joined)) continue;
        matches += l.weight;
        if (emitPairs) out.push({ row: joined, weight: l.weight * w });
        if (this.trackLeft) {
          touch(touchedLeft, l);
          l.matches += w;
        }
      }
      entry.matches = matches;
      entry.weight += w;
      this.right.dropIfEmpty(key, rk, entry, ctx.undo);
    }

    if (this.trackLeft) for (const [e, before] of touchedLeft) this.emitUnmatchedLeft(e, before, out);
    if (this.trackRight)
      for (const [e, before] of touchedRight) {
        const diff = unmatchedWeight(e) - unmatchedWeight(before);
        if (diff !== 0) out.push({ row: this.leftNulls.concat(e.row), weight: diff });
      }
    return out;
  }

  /** Emits the change of a left row's padded (or marked) output. */
  private emitUnmatchedLeft(e: Entry, before: Before, out: Batch): void {
    const unmatched = unmatchedWeight(e) - unmatchedWeight(before);
    if (this.kind === 'mark') {
      const matched = e.weight - unmatchedWeight(e) - (before.weight - unmatchedWeight(before));
      if (matched !== 0) out.push({ row: [...e.row, true], weight: matched });
      if (unmatched !== 0) out.push({ row: [...e.row, false], weight: unmatched });
    } else if (unmatched !== 0) {
      out.push({ row: e.row.concat(this.rightNulls), weight: unmatched });
    }
  }

  traces(): Trace<unknown>[] {
    return [this.left.trace, this.right.trace];
  }
}

/**
 * A delta's rows with their join keys and row keys (by index; null join key: a NULL column),
 * and the (join key, row key) pairs of the rows that have a join key, which the step looks up
 * in the index: given to `Trace.prefetch` together before the step visits the rows one by one.
 */
interface KeyedDelta {
  rows: Batch;
  keyOf: Array<string | null>;
  rowKeyOf: Array<string | undefined>;
  keys: string[];
  rowKeys: string[];
}

function keyed(rows: Batch, keyFunction: KeyFunction): KeyedDelta {
  const d: KeyedDelta = {
    rows,
    keyOf: new Array(rows.length),
    rowKeyOf: new Array(rows.length),
    keys: [],
    rowKeys: [],
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.row;
    const key = keyFunction(row);
    d.keyOf[i] = key;
    if (key === null) continue;
    const rk = rowKey(row);
    d.rowKeyOf[i] = rk;
    d.keys.push(key);
    d.rowKeys.push(rk);
  }
  return d;
}

function restoreEntry(e: Entry, before: Before): void {
  e.weight = before.weight;
  e.matches = before.matches;
}

/** The weight a row contributes to the padded output: all of it when it has no match. */
function unmatchedWeight(e: Before): number {
  return e.matches > 0 ? 0 : e.weight;
}
