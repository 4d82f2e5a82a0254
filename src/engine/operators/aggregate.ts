/**
 * GROUP BY with aggregates. State is one entry per group: the group's key, its row count and
 * an accumulator per aggregate call (see accumulators.ts). A step folds each changed row into
 * its group's accumulators and, for every group it touched, retracts the group's old output
 * row and inserts the new one, so work is proportional to the changed rows and their groups.
 * A call with `FILTER (WHERE ...)` skips the rows whose filter column is not TRUE; the group
 * still exists while it has rows. A group whose count drops to zero disappears. A global
 * aggregate (no GROUP BY) always has exactly one output row, produced in the first step even
 * for empty input.
 *
 * Groups live in a trace keyed by the group key; a group's value is its key row, its count and
 * every accumulator's state, encoded with the accumulators' own `write`/`read`. (An accumulator
 * that keeps its group's values, such as MIN/MAX with retractions, re-encodes that group when
 * it is sealed.)
 */
import type { AggregateCall } from '../../sql/plan.js';
import { type Accumulator, makeAccumulator } from '../accumulators.js';
import type { StatefulOperator, StepContext } from '../dataflow.js';
import type { StateReader, StateWriter } from '../state-codec.js';
import { Trace, type ValueCodec } from '../trace/trace.js';
import type { ColumnType } from '../values/types.js';
import { keyOf, type Row, rowKey, type Value } from '../values/value.js';
import { type Batch, consolidate, markConsolidated } from '../zset.js';

interface Group {
  key: Row;
  count: number;
  accumulators: Accumulator[];
}

export interface AggregateSpec {
  call: AggregateCall;
  /** Type of the argument column (null for COUNT(*)). */
  argType: ColumnType | null;
}

export class Aggregate implements StatefulOperator {
  private readonly groups: Trace<Group>;
  /** Whether a global aggregate has emitted its row yet. */
  private started = false;
  private readonly global: boolean;

  constructor(
    private readonly groupKeys: readonly number[],
    private readonly specs: readonly AggregateSpec[],
  ) {
    this.global = groupKeys.length === 0;
    const codec: ValueCodec<Group> = {
      write(w: StateWriter, g: Group): void {
        w.row(g.key);
        w.f64(g.count);
        for (const a of g.accumulators) a.write(w);
      },
      read: (r: StateReader): Group => {
        const g: Group = {
          key: r.row(),
          count: r.f64(),
          accumulators: this.specs.map((spec) => makeAccumulator(spec.call, spec.argType)),
        };
        for (const a of g.accumulators) a.read(r);
        return g;
      },
    };
    this.groups = new Trace<Group>({ codec });
  }

  private newGroup(row: Row): Group {
    return {
      key: this.groupKeys.map((i) => row[i] as Value),
      count: 0,
      accumulators: this.specs.map((s) => makeAccumulator(s.call, s.argType)),
    };
  }

  private output(g: Group): Row {
    return [...g.key, ...g.accumulators.map((a) => a.result())];
  }

  private exists(g: Group): boolean {
    return this.global || g.count > 0;
  }

  step([input]: readonly Batch[], ctx: StepContext): Batch {
    const { undo } = ctx;
    const touched = new Map<string, { group: Group; old: Row | null }>();
    const touch = (key: string, row: Row) => {
      let t = touched.get(key);
      if (t) return t;
      let group = this.groups.getMut(key, '', undo);
      let old: Row | null = null;
      if (group) old = this.exists(group) ? this.output(group) : null;
      else {
        group = this.newGroup(row);
        this.groups.set(key, '', group, undo);
      }
      const g = group;
      const count = g.count;
      undo.record(() => {
        g.count = count;
      });
      for (const a of g.accumulators) a.checkpoint(undo);
      t = { group: g, old };
      touched.set(key, t);
      return t;
    };
    if (this.global && !this.started) {
      touch('', []);
      this.started = true;
      undo.record(() => {
        this.started = false;
      });
    }
    const rows = consolidate(input!);
    const keys = rows.map((e) => keyOf(e.row, this.groupKeys));
    this.groups.prefetch(keys);
    for (let i = 0; i < rows.length; i++) {
      const { row, weight } = rows[i]!;
      const { group } = touch(keys[i]!, row);
      group.count += weight;
      for (let i = 0; i < this.specs.length; i++) {
        const { arg, filter } = this.specs[i]!.call;
        if (filter !== undefined && row[filter] !== true) continue;
        group.accumulators[i]!.add(arg === null ? null : (row[arg] as Value), weight, undo, row);
      }
    }
    const out: Batch = [];
    for (const [key, { group, old }] of touched) {
      const now = this.exists(group) ? this.output(group) : null;
      if (old && now && rowKey(old) === rowKey(now)) continue;
      if (old) out.push({ row: old, weight: -1 });
      if (now) out.push({ row: now, weight: 1 });
      if (!this.global && group.count === 0) this.groups.delete(key, '', undo);
    }
    // Distinct groups have distinct keys, and a group's old and new rows differ.
    return markConsolidated(out);
  }

  traces(): Trace<unknown>[] {
    return [this.groups];
  }

  saveExtra(): unknown {
    return { started: this.started };
  }

  loadExtra(extra: unknown): void {
    this.started = (extra as { started?: unknown } | null)?.started === true;
  }
}
