/**
 * Property checks for one dataflow operator, on random streams of weighted changes:
 * - incrementalization: the delta a step emits equals Q(after) - Q(before), where Q(I) is a
 *   fresh operator run once over the whole integrated input I;
 * - atomicity: a step rolled back with its undo log and run again emits the same delta, and
 *   the stream continues as if the failed attempt never happened;
 * - checkpoints: state checkpointed mid-stream (its traces sealed into batch files) and
 *   restored into a fresh operator continues identically.
 * Every check runs twice: with the operator's traces in memory, and with them file-backed
 * (every step's changes sealed into a batch file, lookups through a one-byte cache, merges).
 */
import assert from 'node:assert/strict';
import { isStateful, type Operator } from '../../src/engine/dataflow.js';
import type { TraceStorage } from '../../src/engine/trace/storage.js';
import { UndoLog } from '../../src/engine/undo-log.js';
import { type Row, rowKey } from '../../src/engine/values/value.js';
import type { Batch } from '../../src/engine/zset.js';
import { Random } from './sql-random.js';
import { fileBackedStorage } from './trace-storage.js';

type Bag = Map<string, { row: Row; weight: number }>;

function bag(batch: Batch): Bag {
  const out: Bag = new Map();
  for (const { row, weight } of batch) {
    const k = rowKey(row);
    const e = out.get(k);
    if (e) e.weight += weight;
    else out.set(k, { row, weight });
  }
  for (const [k, e] of out) if (e.weight === 0) out.delete(k);
  return out;
}

function minus(a: Bag, b: Bag): Bag {
  const out: Bag = new Map([...a].map(([k, e]) => [k, { ...e }]));
  for (const [k, e] of b) {
    const x = out.get(k);
    if (x) x.weight -= e.weight;
    else out.set(k, { row: e.row, weight: -e.weight });
  }
  for (const [k, e] of out) if (e.weight === 0) out.delete(k);
  return out;
}

function show(b: Bag): string[] {
  return [...b.values()]
    .map((e) => `${e.weight} × ${JSON.stringify(e.row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`)
    .sort();
}

/** Random values from small domains (so rows collide, join and group). */
export function randomRow(r: Random, width: number): Row {
  return Array.from({ length: width }, (_, i) =>
    r.chance(0.15) ? null : i % 3 === 2 ? r.pick(['a', 'b', 'c']) : r.int(0, 3),
  );
}

export interface LawOptions {
  make: () => Operator;
  /** Number of inputs and the width of each input's rows. */
  widths: number[];
  seed: number;
  steps?: number;
  /** Generates an input row; defaults to `randomRow`. */
  row?: (r: Random, width: number) => Row;
}

export function checkOperatorLaws(opts: LawOptions): void {
  runLaws(opts, null);
  runLaws(opts, fileBackedStorage());
}

/** Gives `op`'s traces storage; returns the operator. */
function attach(op: Operator, storage: TraceStorage | null): Operator {
  if (storage && isStateful(op)) for (const trace of op.traces()) trace.attach(storage);
  return op;
}

function runLaws(opts: LawOptions, storage: TraceStorage | null): void {
  const r = new Random(opts.seed);
  const gen = opts.row ?? randomRow;
  const op = attach(opts.make(), storage);
  let replica: Operator | null = null;
  const integrated: Row[][] = opts.widths.map(() => []);
  let previous: Bag = new Map();
  const steps = opts.steps ?? 12;
  const undo = new UndoLog();
  for (let step = 1; step <= steps; step++) {
    const deltas: Batch[] = opts.widths.map((width, i) => {
      const batch: Batch = [];
      const rows = integrated[i]!;
      for (let n = r.int(0, 5); n > 0; n--) {
        if (rows.length > 0 && r.chance(0.35)) {
          const idx = r.int(0, rows.length - 1);
          batch.push({ row: rows[idx]!, weight: -1 });
          rows.splice(idx, 1);
        } else {
          const row = gen(r, width);
          const copies = r.chance(0.2) ? 2 : 1;
          batch.push({ row, weight: copies });
          for (let c = 0; c < copies; c++) rows.push(row);
        }
      }
      return batch;
    });
    const ctx = { undo, step };
    const attempt = bag(op.step(deltas, ctx));
    undo.rollback();
    const got = bag(op.step(deltas, ctx));
    undo.clear();
    assert.deepEqual(
      show(got),
      show(attempt),
      `seed ${opts.seed} step ${step}: rolled-back attempt differs from the real step`,
    );
    const full = bag(
      opts.make().step(
        integrated.map((rows) => rows.map((row) => ({ row, weight: 1 }))),
        { undo: new UndoLog(), step: 1 },
      ),
    );
    assert.deepEqual(
      show(got),
      show(minus(full, previous)),
      `seed ${opts.seed} step ${step}: delta != Q(after) - Q(before)`,
    );
    previous = full;
    if (replica) {
      const replicaOut = bag(replica.step(deltas, { undo: new UndoLog(), step }));
      assert.deepEqual(
        show(replicaOut),
        show(got),
        `seed ${opts.seed} step ${step}: restored operator diverged`,
      );
    }
    if (storage && isStateful(op)) for (const trace of op.traces()) trace.seal();
    if (step === Math.floor(steps / 2) && isStateful(op)) {
      const checkpointStorage = storage ?? fileBackedStorage();
      const copy = attach(opts.make(), checkpointStorage);
      assert.ok(isStateful(copy));
      const traces = op.traces();
      if (!storage) for (const trace of traces) trace.attach(checkpointStorage);
      const saved = traces.map((trace) => trace.persistSync(trace.freeze()));
      copy.traces().forEach((trace, i) => {
        trace.restore(saved[i]!.files);
      });
      const extra = op.saveExtra?.();
      if (extra !== undefined) copy.loadExtra?.(JSON.parse(JSON.stringify(extra)));
      copy.restored?.();
      assert.deepEqual(
        copy.traces().map((trace) => trace.persistSync(trace.freeze()).files),
        saved.map((s) => s.files),
        `seed ${opts.seed}: a restored operator checkpoints the same files`,
      );
      replica = copy;
    }
  }
}
