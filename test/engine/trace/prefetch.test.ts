/**
 * `Trace.prefetch`: a step's keys looked up below the head in one ordered pass per layer, kept
 * as a memo for `get` and `getMut`. Every lookup after a prefetch must agree with a plain Map
 * model across head, frozen layers and batch files (tombstones included, grouped and flat),
 * after merges, after seals that move newer values below the head, and after an undo.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Trace } from '../../../src/engine/trace/trace.js';
import { UndoLog } from '../../../src/engine/undo-log.js';
import { Random } from '../../helpers/sql-random.js';
import { tempDir } from '../../helpers/storage.js';
import { type Counter, counterCodec as codec, fileBackedStorageIn } from '../../helpers/trace-storage.js';

/** Values long enough that a few hundred entries span several 16 KiB blocks. */
const pad = 'x'.repeat(60);

async function randomRun(seed: number, dir: string, grouped: boolean, mode: 'inline' | 'background') {
  const r = new Random(seed);
  const storage = fileBackedStorageIn(dir, { mode, cacheBytes: 1 });
  const trace = new Trace<Counter>({ codec, grouped });
  trace.attach(storage);
  const model = new Map<string, number>();
  const undo = new UndoLog();
  const split = (k: number): [string, string] =>
    grouped ? [`g${k % 37}|`, `row${k}`] : [`key${String(k).padStart(5, '0')}`, ''];
  const id = (prefix: string, suffix: string) => `${prefix}/${suffix}`;
  for (let step = 1; step <= 40; step++) {
    // A step's keys: some repeated, some never written, some deleted earlier.
    const ks = Array.from({ length: r.int(1, 300) }, () => r.int(0, 1500));
    const prefixes = ks.map((k) => split(k)[0]);
    const suffixes = ks.map((k) => split(k)[1]);
    trace.prefetch(prefixes, grouped ? suffixes : undefined);
    const afterPrefetch = storage.cache.hits + storage.cache.misses;
    for (let i = 0; i < ks.length; i++) {
      const [prefix, suffix] = split(ks[i]!);
      assert.equal(
        trace.get(prefix, suffix)?.n,
        model.get(id(prefix, suffix)),
        `seed ${seed} step ${step}: get`,
      );
    }
    assert.equal(
      storage.cache.hits + storage.cache.misses,
      afterPrefetch,
      `seed ${seed} step ${step}: prefetched keys are answered without reading blocks`,
    );
    const attempt = r.chance(0.2);
    const saved = attempt ? new Map(model) : null;
    for (let i = 0; i < ks.length; i++) {
      const [prefix, suffix] = split(ks[i]!);
      const key = id(prefix, suffix);
      const op = r.int(0, 3);
      if (op === 0) {
        const n = r.int(1, 1000);
        trace.set(prefix, suffix, { name: pad, n }, undo);
        model.set(key, n);
      } else if (op === 1) {
        trace.delete(prefix, suffix, undo);
        model.delete(key);
      } else {
        const v = trace.getMut(prefix, suffix, undo);
        assert.equal(v?.n, model.get(key), `seed ${seed} step ${step}: getMut`);
        if (v) {
          const n = v.n;
          v.n += 1;
          undo.record(() => {
            v.n = n;
          });
          model.set(key, n + 1);
        }
      }
    }
    if (saved) {
      undo.rollback();
      model.clear();
      for (const [k, v] of saved) model.set(k, v);
    } else undo.clear();
    for (let k = 0; k <= 1500; k += 7) {
      const [prefix, suffix] = split(k);
      assert.equal(
        trace.get(prefix, suffix)?.n,
        model.get(id(prefix, suffix)),
        `seed ${seed} step ${step}: after`,
      );
    }
    if (r.chance(0.5)) trace.seal();
    if (mode === 'background' && r.chance(0.3)) await trace.progress();
  }
  await storage.close();
}

for (const grouped of [false, true])
  for (const mode of ['inline', 'background'] as const)
    test(`prefetch agrees with per-key lookups (${grouped ? 'grouped' : 'flat'}, ${mode})`, async (t) => {
      const dir = tempDir(t, 'sluice-prefetch-');
      for (let seed = 1; seed <= (mode === 'inline' ? 6 : 3); seed++)
        await randomRun(seed, dir, grouped, mode);
    });

/** A trace with `n` keys in a batch file (`key00000`…, value n = index), all below the head. */
function loaded(t: Parameters<typeof tempDir>[0], n: number) {
  const storage = fileBackedStorageIn(tempDir(t, 'sluice-prefetch-'), { cacheBytes: 1 });
  const trace = new Trace<Counter>({ codec });
  trace.attach(storage);
  const undo = new UndoLog();
  for (let i = 0; i < n; i++) trace.set(`key${String(i).padStart(5, '0')}`, '', { name: pad, n: i }, undo);
  undo.clear();
  trace.seal();
  return { storage, trace, undo, key: (i: number) => `key${String(i).padStart(5, '0')}` };
}

test('a prefetch reads each block of a batch once, however many of its keys the step reads', (t) => {
  const { storage, trace, key } = loaded(t, 2000);
  const keys = Array.from({ length: 2000 }, (_, i) => key(1999 - i));
  const misses = storage.cache.misses;
  trace.prefetch(keys);
  const read = storage.cache.misses - misses;
  const blocks = Math.ceil((2000 * (pad.length + 30)) / (16 * 1024));
  assert.ok(read >= blocks - 2 && read <= blocks + 2, `${read} block reads for about ${blocks} blocks`);
  for (let i = 0; i < 2000; i++) assert.equal(trace.get(key(i))?.n, i);
  assert.equal(storage.cache.misses - misses, read, 'every get was answered by the prefetch');
});

test('a seal after a prefetch: values written in the head win over the memo', (t) => {
  const { trace, undo, key } = loaded(t, 50);
  trace.prefetch([key(1), key(2), key(3)]);
  trace.set(key(1), '', { name: 'new', n: 100 }, undo);
  trace.delete(key(2), '', undo);
  undo.clear();
  assert.equal(trace.get(key(1))?.n, 100);
  assert.equal(trace.get(key(2)), undefined);
  trace.seal();
  assert.equal(trace.get(key(1))?.n, 100, 'the sealed value, not the memo');
  assert.equal(trace.get(key(2)), undefined, 'the sealed tombstone, not the memo');
  assert.equal(trace.get(key(3))?.n, 3);
});

test('a step after a merge sees the same values through a prefetch', async (t) => {
  const { storage, trace, undo, key } = loaded(t, 100);
  const model = new Map<string, number>();
  for (let i = 0; i < 100; i++) model.set(key(i), i);
  for (let round = 0; round < 4; round++) {
    for (let i = round; i < 100; i += 4) {
      trace.set(key(i), '', { name: pad, n: 1000 + i }, undo);
      model.set(key(i), 1000 + i);
    }
    trace.delete(key(round * 10 + 5), '', undo);
    model.delete(key(round * 10 + 5));
    undo.clear();
    trace.seal();
  }
  const keys = Array.from({ length: 100 }, (_, i) => key(i));
  trace.prefetch(keys);
  assert.ok((await trace.compact()) > 1, 'the batches were merged');
  for (const k of keys) assert.equal(trace.get(k)?.n, model.get(k), `${k} after the merge`);
  trace.prefetch(keys);
  for (const k of keys) assert.equal(trace.get(k)?.n, model.get(k), `${k} prefetched from the merged batch`);
  assert.ok(storage.counters.merges > 0);
});

test('undo of a step that changed prefetched values restores them', (t) => {
  const { trace, undo, key } = loaded(t, 20);
  trace.prefetch([key(4), key(5)]);
  const v = trace.getMut(key(4), '', undo)!;
  v.n = -1;
  undo.record(() => {
    v.n = 4;
  });
  trace.set(key(5), '', { name: 'y', n: -5 }, undo);
  undo.rollback();
  assert.equal(trace.get(key(4))?.n, 4);
  assert.equal(trace.get(key(5))?.n, 5);
  const again = trace.getMut(key(4), '', undo)!;
  assert.equal(again.n, 4);
  again.n = 40;
  undo.clear();
  assert.equal(trace.get(key(4))?.n, 40);
});

test('a value get returned is not the one getMut hands out for changing', (t) => {
  const { trace, undo, key } = loaded(t, 10);
  trace.prefetch([key(7)]);
  const read = trace.get(key(7))!;
  const changed = trace.getMut(key(7), '', undo)!;
  assert.notEqual(read, changed);
  changed.n = 70;
  assert.equal(read.n, 7, 'what get returned did not change');
  assert.equal(trace.get(key(7))?.n, 70);
});

test('prefetch without storage does nothing', () => {
  const trace = new Trace<Counter>({ codec });
  const undo = new UndoLog();
  trace.set('a', '', { name: 'x', n: 1 }, undo);
  trace.prefetch(['a', 'b']);
  assert.equal(trace.get('a')?.n, 1);
  assert.equal(trace.get('b'), undefined);
});

test('prefetch only works while the batches outgrow the block cache', (t) => {
  const { storage, trace, key } = loaded(t, 500);
  const batchBytes = trace.stateSize().bytes;
  storage.cache.setBudget(batchBytes);
  assert.equal(storage.batchesOutgrowCache, false);
  const accesses = () => storage.cache.hits + storage.cache.misses;
  trace.prefetch([key(1), key(2)]);
  let before = accesses();
  assert.equal(trace.get(key(1))?.n, 1);
  assert.ok(accesses() > before, 'the batches fit in the cache: get looked the key up itself');
  storage.cache.setBudget(batchBytes - 1);
  assert.equal(storage.batchesOutgrowCache, true);
  trace.prefetch([key(1), key(2)]);
  before = accesses();
  assert.equal(trace.get(key(2))?.n, 2);
  assert.equal(accesses(), before, 'answered by the prefetch');
});
