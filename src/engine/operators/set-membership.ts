/**
 * INTERSECT and EXCEPT, with or without ALL. Keeps, per distinct row, its multiplicity in each
 * input; the output multiplicity is a function of the two (e.g. EXCEPT ALL: max(a - b, 0)),
 * so a step only revisits the rows whose counts changed. Rows compare with NULL equal to NULL,
 * as set operations require.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import { type StateReader, type StateWriter, sortedEntries } from '../state-codec.js';
import { type Row, rowKey } from '../values/value.js';
import { type Batch, consolidate, markConsolidated } from '../zset.js';

interface Counts {
  row: Row;
  left: number;
  right: number;
}

type Multiplicity = (left: number, right: number) => number;

const RULES: Record<'intersect' | 'except', Record<'all' | 'distinct', Multiplicity>> = {
  intersect: {
    distinct: (a, b) => (a > 0 && b > 0 ? 1 : 0),
    all: (a, b) => Math.max(0, Math.min(a, b)),
  },
  except: {
    distinct: (a, b) => (a > 0 && b <= 0 ? 1 : 0),
    all: (a, b) => Math.max(0, a - b),
  },
};

export class SetMembership implements StatefulOperator {
  private readonly counts = new Map<string, Counts>();
  private readonly rule: Multiplicity;

  constructor(op: 'intersect' | 'except', all: boolean) {
    this.rule = RULES[op][all ? 'all' : 'distinct'];
  }

  step([left, right]: readonly Batch[], ctx: StepContext): Batch {
    const touched = new Map<string, { counts: Counts; before: number; left: number; right: number }>();
    const apply = (batch: Batch, side: 'left' | 'right') => {
      for (const { row, weight } of consolidate(batch)) {
        const key = rowKey(row);
        let t = touched.get(key);
        if (!t) {
          const counts = this.counts.get(key) ?? { row, left: 0, right: 0 };
          t = {
            counts,
            before: this.rule(counts.left, counts.right),
            left: counts.left,
            right: counts.right,
          };
          touched.set(key, t);
        }
        t.counts[side] += weight;
      }
    };
    apply(left!, 'left');
    apply(right!, 'right');
    const out: Batch = [];
    for (const [key, t] of touched) {
      const { counts } = t;
      const diff = this.rule(counts.left, counts.right) - t.before;
      if (diff !== 0) out.push({ row: counts.row, weight: diff });
      const existed = this.counts.has(key);
      if (counts.left === 0 && counts.right === 0) this.counts.delete(key);
      else this.counts.set(key, counts);
      ctx.undo.record(() => {
        counts.left = t.left;
        counts.right = t.right;
        if (existed) this.counts.set(key, counts);
        else this.counts.delete(key);
      });
    }
    return markConsolidated(out);
  }

  exportState(w: StateWriter): void {
    const entries = sortedEntries(this.counts);
    w.u32(entries.length);
    for (const [, c] of entries) {
      w.row(c.row);
      w.f64(c.left);
      w.f64(c.right);
    }
  }

  importState(r: StateReader): void {
    const n = r.u32();
    for (let i = 0; i < n; i++) {
      const row = r.row();
      this.counts.set(rowKey(row), { row, left: r.f64(), right: r.f64() });
    }
  }
}
