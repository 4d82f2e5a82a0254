/**
 * The implementation side of the scalar function library. A kernel is looked up by the id a
 * plan `call` carries (the SQL side, src/sql/functions, chose it after type checking) and
 * built once per call site from the argument and result types, so per-row work is the
 * function itself.
 *
 * `nulls: 'strict'` kernels see only non-NULL arguments: any NULL argument makes the result
 * NULL without calling them (SQL's rule for most functions). `'nullable'` kernels see every
 * argument, NULLs included, and decide themselves. Kernels report bad input (a negative
 * length, an invalid pattern) by throwing `SqlRuntimeError`, which fails the step as Feldera's
 * runtime panics do; a `ValueError` from a value codec is turned into one by the caller.
 */
import type { ColumnType } from '../values/types.js';
import type { Value } from '../values/value.js';

export interface Kernel {
  nulls: 'strict' | 'nullable';
  /**
   * Builds the function for one call site. `unit` is the call's extra keyword argument (the
   * time unit of EXTRACT and similar), when the SQL side set one.
   */
  make(argTypes: readonly ColumnType[], result: ColumnType, unit?: string): (args: Value[]) => Value;
}

/** A family's kernels by id; ids are lower-case and unique across families (checked by index.ts). */
export type KernelFamily = Readonly<Record<string, Kernel>>;

/** A strict kernel that does not depend on the argument types. */
export function strict(f: (args: Value[]) => Value): Kernel {
  return { nulls: 'strict', make: () => f };
}
