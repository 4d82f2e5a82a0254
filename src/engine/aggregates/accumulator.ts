/**
 * The implementation side of the aggregate library. An accumulator is the per-group state of
 * one aggregate call, updated by weighted values: weight +n adds n copies of a value and -n
 * retracts them, so a group is maintained incrementally and never recomputed from its rows
 * (DBSP's linear form of an aggregate over a Z-set). Each kernel says how it handles
 * retractions: running totals subtract, order statistics keep a multiset.
 *
 * Undo: `checkpoint` records how to restore a scalar accumulator once per step; container
 * accumulators record the inverse of each change as it happens (see undo-log.ts).
 */
import type { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import type { ColumnType } from '../values/types.js';
import type { Row, Value } from '../values/value.js';

export interface Accumulator {
  /** Records how to restore the current state; called once per step before the first `add`. */
  checkpoint(undo: UndoLog): void;
  /**
   * Adds `weight` copies of `v` (negative: retracts them); NULL arguments arrive too. `row` is
   * the aggregate's whole input row (the group keys, then every aggregate's arguments), which
   * orders ARRAY_AGG's elements as Feldera's does; under DISTINCT it is the value alone.
   */
  add(v: Value, weight: number, undo: UndoLog, row: Row): void;
  /** The aggregate's value for the group (NULL for an empty or all-NULL group where SQL says so). */
  result(): Value;
  write(w: StateWriter): void;
  read(r: StateReader): void;
}

/** One key of `ARRAY_AGG(x ORDER BY k1, ...)`. */
export interface SortDirection {
  desc: boolean;
  nullsFirst: boolean;
}

/** Per-call choices the SQL side makes for a kernel (JSON data, so calls compare by value). */
export interface AggregateOptions {
  /** ARRAY_AGG(DISTINCT x): each distinct value once, in value order. */
  distinct?: boolean;
  /** ARRAY_AGG(x IGNORE NULLS): NULL values are left out. */
  ignoreNulls?: boolean;
  /** ARRAY_AGG(x ORDER BY ...): the argument is ROW(x, k1, ...) and these are the keys' directions. */
  order?: readonly SortDirection[];
}

export interface AggregateKernel {
  /** A fresh accumulator; `argType` is null for COUNT(*). */
  make(argType: ColumnType | null, result: ColumnType, options: AggregateOptions): Accumulator;
}

/** A family's aggregate kernels by id (ids unique across families, checked by index.ts). */
export type AggregateFamily = Readonly<Record<string, AggregateKernel>>;
