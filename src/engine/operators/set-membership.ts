/**
 * INTERSECT and EXCEPT, with or without ALL. Keeps, per distinct row, its multiplicity in each
 * input; the output multiplicity is a function of the two (e.g. EXCEPT ALL: max(a - b, 0)),
 * so a step only revisits the rows whose counts changed. Rows compare with NULL equal to NULL,
 * as set operations require.
 */
import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import { Trace } from '../trace/trace.js';
import { type Row, rowKey } from '../values/value.js';
import { type Batch, consolidate, markConsolidated } from '../zset.js';

interface Counts {
  row: Row;
  left: number;
  right: number;
}

const countsCodec = {
  write(w: StateWriter, c: Counts): void {
    w.row(c.row);
    w.f64(c.left);
    w.f64(c.right);
  },
  read(r: StateReader): Counts {
    return { row: r.row(), left: r.f64(), right: r.f64() };
  },
};

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
  private readonly counts = new Trace<Counts>({ codec: countsCodec });
  private readonly rule: Multiplicity;

  constructor(op: 'intersect' | 'except', all: boolean) {
    this.rule = RULES[op][all ? 'all' : 'distinct'];
  }

  step([left, right]: readonly Batch[], ctx: StepContext): Batch {
    const { undo } = ctx;
    const touched = new Map<string, { counts: Counts; before: number; existed: boolean }>();
    const apply = (batch: Batch, side: 'left' | 'right') => {
      for (const { row, weight } of consolidate(batch)) {
        const key = rowKey(row);
        let t = touched.get(key);
        if (!t) {
          const existing = this.counts.getMut(key, '', undo);
          const counts = existing ?? { row, left: 0, right: 0 };
          const { left: l, right: r } = counts;
          undo.record(() => {
            counts.left = l;
            counts.right = r;
          });
          t = { counts, before: this.rule(l, r), existed: existing !== undefined };
          touched.set(key, t);
        }
        t.counts[side] += weight;
      }
    };
    apply(left!, 'left');
    apply(right!, 'right');
    const out: Batch = [];
    for (const [key, { counts, before, existed }] of touched) {
      const diff = this.rule(counts.left, counts.right) - before;
      if (diff !== 0) out.push({ row: counts.row, weight: diff });
      if (counts.left === 0 && counts.right === 0) {
        if (existed) this.counts.delete(key, '', undo);
      } else if (!existed) this.counts.set(key, '', counts, undo);
    }
    return markConsolidated(out);
  }

  traces(): Trace<unknown>[] {
    return [this.counts];
  }
}
