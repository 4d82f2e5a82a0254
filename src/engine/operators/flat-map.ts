import type { Operator } from '../dataflow.js';
import type { Row } from '../values/value.js';
import type { Batch } from '../zset.js';

/**
 * Replaces each input row by the rows `expand` computes from it, each with the input row's
 * weight (SQL's lateral UNNEST). Linear: `expand` sees one row at a time, so the delta alone
 * gives the output delta. The output is not marked consolidated: two input rows may expand
 * to the same output row.
 */
export class FlatMap implements Operator {
  /** `expand` returns the output rows of one input row (none drops the row). */
  constructor(private readonly expand: (row: Row) => readonly Row[]) {}

  step([input]: readonly Batch[]): Batch {
    const out: Batch = [];
    for (const { row, weight } of input!) for (const r of this.expand(row)) out.push({ row: r, weight });
    return out;
  }
}
