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
import type { Value } from '../values/value.js';

export interface Accumulator {
  /** Records how to restore the current state; called once per step before the first `add`. */
  checkpoint(undo: UndoLog): void;
  /** Adds `weight` copies of `v` (negative: retracts them); NULL arguments arrive too. */
  add(v: Value, weight: number, undo: UndoLog): void;
  /** The aggregate's value for the group (NULL for an empty or all-NULL group where SQL says so). */
  result(): Value;
  write(w: StateWriter): void;
  read(r: StateReader): void;
}

export interface AggregateKernel {
  /** A fresh accumulator; `argType` is null for COUNT(*). */
  make(argType: ColumnType | null, result: ColumnType): Accumulator;
}

/** A family's aggregate kernels by id (ids unique across families, checked by index.ts). */
export type AggregateFamily = Readonly<Record<string, AggregateKernel>>;
