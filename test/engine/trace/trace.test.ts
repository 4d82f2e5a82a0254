/**
 * Traces against a plain Map model: random sets, deletes and in-place changes, sealed at random
 * step boundaries into batch files (min_storage_bytes = 0) read through a tiny cache, merged,
 * checkpointed and restored; every read path must agree with the model after every step.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { Trace } from '../../../src/engine/trace/trace.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { Random } from '../../helpers/sql-random.js';
import { tempDir } from '../../helpers/storage.js';
import { type Counter, counterCodec as codec, fileBackedStorageIn } from '../../helpers/trace-storage.js';

type Model = Map<string, Map<string, number>>;

function check(trace: Trace<Counter>, model: Model, seed: number, step: number): void {
  const where = `seed ${seed} step ${step}`;
  for (const [prefix, group] of model) {
    const got = new Map([...trace.group(prefix)].map(([suffix, v]) => [suffix, v.n]));
    assert.deepEqual(got, group, `${where}: group ${prefix}`);
    for (const [suffix, n] of group) assert.equal(trace.get(prefix, suffix)?.n, n, `${where}: get`);
  }
  assert.equal(trace.get('absent', 'x'), undefined);
  const all = [...model].flatMap(([p, g]) => [...g].map(([s, n]) => `${p}${s}=${n}`)).sort();
  const walked = [...trace.ordered()].map(([k, v]) => `${k}=${v.n}`);
  assert.deepEqual(walked, all, `${where}: ordered walk`);
  assert.equal([...trace.values()].length, all.length, `${where}: values`);
}

async function randomRun(seed: number, dir: string, mode: 'inline' | 'background'): Promise<void> {
  const r = new Random(seed);
  const pins = new Map<string, number>();
  const storage = fileBackedStorageIn(dir, { mode }, pins);
  const trace = new Trace<Counter>({ codec, grouped: true });
  trace.attach(storage);
  const model: Model = new Map();
  const undo = new UndoLog();
  const pending: Promise<void>[] = [];
  for (let step = 1; step <= 60; step++) {
    const attempt = r.chance(0.15);
    const saved = attempt ? new Map([...model].map(([p, g]) => [p, new Map(g)])) : null;
    for (let i = r.int(1, 12); i > 0; i--) {
      const prefix = `k${r.int(0, 6)}|`;
      const suffix = `r${r.int(0, 9)}`;
      const group = model.get(prefix) ?? new Map<string, number>();
      const op = r.int(0, 2);
      if (op === 0) {
        const n = r.int(1, 100);
        trace.set(prefix, suffix, { name: 'é' + suffix + '\u{1F600}', n }, undo);
        group.set(suffix, n);
      } else if (op === 1) {
        trace.delete(prefix, suffix, undo);
        group.delete(suffix);
      } else {
        const v = trace.getMut(prefix, suffix, undo);
        if (v) {
          const before = v.n;
          v.n += 1;
          undo.record(() => {
            v.n = before;
          });
          group.set(suffix, (group.get(suffix) ?? 0) + 1);
        }
      }
      if (group.size > 0) model.set(prefix, group);
      else model.delete(prefix);
    }
    if (saved) {
      undo.rollback();
      model.clear();
      for (const [p, g] of saved) model.set(p, g);
    } else undo.clear();
    check(trace, model, seed, step);
    if (r.chance(0.4)) {
      const cut = trace.freeze();
      if (r.chance(0.3)) {
        const { files, release } = await trace.persist(cut);
        const copy = new Trace<Counter>({ codec, grouped: true });
        copy.attach(storage);
        copy.restore(files);
        check(copy, model, seed, step);
        release();
      } else {
        // The trace goes on changing, sealing and merging while this checkpoint is written:
        // its files must stay pinned and hold the state of this step until released.
        const snapshot = new Map([...model].map(([p, g]) => [p, new Map(g)]));
        const at = step;
        pending.push(
          trace.persist(cut).then(({ files, release }) => {
            for (const f of files)
              assert.ok((pins.get(f.sha256) ?? 0) > 0, `seed ${seed} step ${at}: unpinned`);
            const copy = new Trace<Counter>({ codec, grouped: true });
            copy.attach(storage);
            copy.restore(files);
            check(copy, snapshot, seed, at);
            release();
          }),
        );
      }
    }
    if (mode === 'background' && r.chance(0.3)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  await storage.close();
}

test('a grouped trace agrees with a Map through seals, merges, undo and restores (inline)', async (t) => {
  const dir = tempDir(t, 'sluice-trace-');
  for (let seed = 1; seed <= 40; seed++) await randomRun(seed, dir, 'inline');
  assert.ok(readdirSync(dir).length > 0, 'batches were written to files');
});

test('the same with building and merging on the worker thread', async (t) => {
  const dir = tempDir(t, 'sluice-trace-bg-');
  for (let seed = 101; seed <= 108; seed++) await randomRun(seed, dir, 'background');
});

test('merges keep the number of batches bounded and lookups go through the cache', async (t) => {
  const dir = tempDir(t, 'sluice-trace-merge-');
  const storage = fileBackedStorageIn(dir, { cacheBytes: 64 * 1024 });
  const trace = new Trace<Counter>({ codec, ordered: true });
  trace.attach(storage);
  const undo = new UndoLog();
  for (let round = 0; round < 100; round++) {
    for (let i = 0; i < 20; i++)
      trace.set(`key${(round * 7 + i * 13) % 500}`, '', { name: 'x', n: round }, undo);
    undo.clear();
    trace.seal();
  }
  assert.ok(trace.batchCount < 16, `${trace.batchCount} batches after 100 seals`);
  assert.ok(storage.counters.merges > 0);
  const hitsBefore = storage.cache.hits + storage.cache.misses;
  for (let i = 0; i < 500; i++) trace.get(`key${i}`);
  assert.ok(storage.cache.hits + storage.cache.misses > hitsBefore, 'lookups read blocks through the cache');
  const keys = [...trace.ordered()].map(([k]) => k);
  assert.deepEqual(keys, [...keys].sort());
  await storage.close();
});

for (const mode of ['inline', 'background'] as const) {
  test(`compact (${mode}) merges every batch into one and keeps exactly the live values`, async (t) => {
    const dir = tempDir(t, `sluice-trace-compact-${mode}-`);
    const storage = fileBackedStorageIn(dir, { mode });
    const trace = new Trace<Counter>({ codec, ordered: true });
    trace.attach(storage);
    const undo = new UndoLog();
    const model = new Map<string, number>();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) {
        const key = `key${(round * 3 + i) % 17}`;
        if (round === 4 && i % 2 === 0) {
          trace.delete(key, '', undo);
          model.delete(key);
        } else {
          trace.set(key, '', { name: 'x', n: round * 100 + i }, undo);
          model.set(key, round * 100 + i);
        }
      }
      undo.clear();
      trace.seal();
    }
    await trace.progress();
    assert.equal(trace.batchCount, 5, 'five seals below the merge fan-out stay five batches');
    const merges = storage.counters.merges;
    assert.equal(await trace.compact(), 5);
    assert.equal(trace.batchCount, 1);
    assert.equal(storage.counters.merges, merges + 1);
    const got = new Map([...trace.ordered()].map(([k, v]) => [k, v.n]));
    assert.deepEqual(got, new Map([...model].sort(([a], [b]) => (a < b ? -1 : 1))));
    assert.equal(await trace.compact(), 0, 'one batch: nothing left to merge');
    await storage.close();
  });
}

test('compact without storage merges nothing', async () => {
  const trace = new Trace<Counter>({ codec });
  trace.set('a', '', { name: 'x', n: 1 }, new UndoLog());
  assert.equal(await trace.compact(), 0);
  assert.equal(trace.get('a')?.n, 1);
});
