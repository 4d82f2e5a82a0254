/**
 * The stores bench/state-stores.ts compares, behind one small interface, and the measurement
 * each worker process runs (see that file's header for what is measured and how).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ClassicLevel } from 'classic-level';
import { open as openLmdb } from 'lmdb';
import type { StateReader, StateWriter } from '../../src/engine/state-codec.js';
import { TraceStorage } from '../../src/engine/trace/storage.js';
import { type BatchFileRef, Trace } from '../../src/engine/trace/trace.js';
import { UndoLog } from '../../src/engine/undo-log.js';
import { mulberry32 } from '../prng.js';

export const STORES = ['spine', 'lmdb', 'sqlite', 'leveldb'] as const;
export type StoreName = (typeof STORES)[number];

export interface StoreResult {
  store: StoreName;
  loadMs: number;
  /** Bytes of keys and values: the logical state every percentage is of. */
  stateBytes: number;
  diskBytes: number;
  firstCheckpointMs: number;
  secondCheckpointBytes: number;
  secondCheckpointMs: number;
  averageCheckpointBytes: number;
  getMicros: number;
  resumeMs: number;
  syncGet: boolean;
  maxRssMiB: number;
}

interface Store {
  readonly syncGet: boolean;
  write(batch: ReadonlyArray<readonly [string, Buffer]>): Promise<void>;
  get(key: string): Buffer | undefined;
  /** Makes a durable checkpoint under `dir`; returns the bytes it wrote. */
  checkpoint(dir: string): Promise<number>;
  /** Bytes the live state occupies on disk. */
  stateBytes(): number;
  close(): Promise<void>;
}

interface StoreKind {
  create(dir: string): Promise<Store>;
  /** Opens a copy of checkpoint `dir` and returns its point lookup. */
  resume(dir: string): Promise<(key: string) => unknown>;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const info = statSync(join(dir, name));
    total += info.isDirectory() ? dirBytes(join(dir, name)) : info.size;
  }
  return total;
}

const lmdbKind: StoreKind = {
  async create(dir) {
    const db = openLmdb<Buffer, string>({ path: join(dir, 'live.mdb'), encoding: 'binary', noSubdir: true });
    let n = 0;
    return {
      syncGet: true,
      async write(batch) {
        await db.transaction(() => {
          for (const [k, v] of batch) db.put(k, v);
        });
      },
      get: (key) => db.get(key),
      async checkpoint(to) {
        const path = join(to, `cp-${++n}.mdb`);
        await db.backup(path, false);
        return statSync(path).size;
      },
      stateBytes: () => statSync(join(dir, 'live.mdb')).size,
      close: () => db.close(),
    };
  },
  async resume(dir) {
    const last = readdirSync(dir)
      .filter((f) => f.endsWith('.mdb'))
      .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
      .pop()!;
    const db = openLmdb<Buffer, string>({ path: join(dir, last), encoding: 'binary', noSubdir: true });
    return (key) => db.get(key);
  },
};

const sqliteKind: StoreKind = {
  async create(dir) {
    const db = new Database(join(dir, 'live.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID');
    const put = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
    const get = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
    const writeAll = db.transaction((batch: ReadonlyArray<readonly [string, Buffer]>) => {
      for (const [k, v] of batch) put.run(k, v);
    });
    let n = 0;
    return {
      syncGet: true,
      async write(batch) {
        writeAll(batch);
      },
      get: (key) => get.get(key) as Buffer | undefined,
      async checkpoint(to) {
        const path = join(to, `cp-${++n}.db`);
        await db.backup(path);
        return statSync(path).size;
      },
      stateBytes: () => dirBytes(dir),
      async close() {
        db.close();
      },
    };
  },
  async resume(dir) {
    const last = readdirSync(dir)
      .filter((f) => f.endsWith('.db'))
      .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
      .pop()!;
    const db = new Database(join(dir, last), { readonly: true });
    const get = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
    return (key) => get.get(key);
  },
};

const levelKind: StoreKind = {
  async create(dir) {
    const live = join(dir, 'live');
    const options = { keyEncoding: 'utf8', valueEncoding: 'buffer' } as const;
    let db = new ClassicLevel<string, Buffer>(live, options);
    await db.open();
    const shipped = new Set<string>();
    return {
      syncGet: true,
      async write(batch) {
        await db.batch(batch.map(([key, value]) => ({ type: 'put' as const, key, value })));
      },
      get: (key) => db.getSync(key),
      async checkpoint(to) {
        await db.close();
        let bytes = 0;
        const target = join(to, 'files');
        mkdirSync(target, { recursive: true });
        for (const name of readdirSync(live)) {
          if (name === 'LOCK') continue;
          // A table file is immutable once complete; one still being written when the
          // database closed has a different size next time, and is copied again.
          const immutable = name.endsWith('.ldb') || name.endsWith('.sst');
          const size = statSync(join(live, name)).size;
          if (immutable && shipped.has(`${name}:${size}`)) continue;
          cpSync(join(live, name), join(target, name));
          bytes += size;
          if (immutable) shipped.add(`${name}:${size}`);
        }
        // What the checkpoint consists of: the files live now (older table files stay shared).
        writeFileSync(join(to, 'CHECKPOINT'), readdirSync(live).join('\n'));
        db = new ClassicLevel<string, Buffer>(live, options);
        await db.open();
        return bytes;
      },
      stateBytes: () => dirBytes(live),
      close: () => db.close(),
    };
  },
  async resume(dir) {
    const copy = join(dir, 'resumed');
    mkdirSync(copy);
    for (const name of readFileList(join(dir, 'CHECKPOINT'))) {
      if (name !== 'LOCK' && existsSync(join(dir, 'files', name)))
        cpSync(join(dir, 'files', name), join(copy, name));
    }
    const db = new ClassicLevel<string, Buffer>(copy, { keyEncoding: 'utf8', valueEncoding: 'buffer' });
    await db.open();
    return (key) => db.getSync(key);
  },
};

function readFileList(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

const bytesCodec = {
  write: (w: StateWriter, v: Buffer) => {
    w.u32(v.length);
    w.bytes(v);
  },
  read: (r: StateReader) => r.bytes(r.u32()),
};

function spineStorage(dir: string): TraceStorage {
  return new TraceStorage({
    dir,
    minStorageBytes: 0,
    memoryBatchBytes: 0,
    cacheBytes: 64 * 2 ** 20,
    headBudgetBytes: 2 ** 40,
    mode: 'background',
    pin: () => () => undefined,
  });
}

const spineKind: StoreKind = {
  async create(dir) {
    const storage = spineStorage(dir);
    const trace = new Trace<Buffer>({ codec: bytesCodec });
    trace.attach(storage);
    const undo = new UndoLog();
    let n = 0;
    return {
      syncGet: true,
      async write(batch) {
        for (const [k, v] of batch) trace.set(k, '', v, undo);
        undo.clear();
      },
      get: (key) => trace.get(key),
      async checkpoint(to) {
        const before = storage.counters.bytesWritten;
        const { files, release } = await trace.persist(trace.freeze());
        release();
        writeFileSync(join(to, `cp-${++n}.json`), JSON.stringify(files));
        writeFileSync(join(to, 'latest'), String(n));
        return storage.counters.bytesWritten - before;
      },
      stateBytes: () => dirBytes(dir),
      close: () => storage.close(),
    };
  },
  async resume(dir) {
    // The checkpoint lists files of the live directory; the cold copy holds them all.
    const live = join(dir, '..', 'cold-live');
    const n = readFileSync(join(dir, 'latest'), 'utf8');
    const files = JSON.parse(readFileSync(join(dir, `cp-${n}.json`), 'utf8')) as BatchFileRef[];
    const trace = new Trace<Buffer>({ codec: bytesCodec });
    trace.attach(spineStorage(live));
    trace.restore(files);
    return (key) => trace.get(key);
  },
};

export const KINDS: Record<StoreName, StoreKind> = {
  spine: spineKind,
  lmdb: lmdbKind,
  sqlite: sqliteKind,
  leveldb: levelKind,
};

const keyOf = (i: number) => `k${String(i).padStart(10, '0')}`;
function randomValue(next: () => number): Buffer {
  const v = Buffer.allocUnsafe(100);
  for (let i = 0; i < 100; i += 4) v.writeUInt32LE((next() * 2 ** 32) >>> 0, i);
  return v;
}

/** Tries to drop the page cache so the resume reads from disk; silently does nothing if not allowed. */
function dropPageCache(): void {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch {
    // Not permitted here: the resume then reads a fresh copy through the page cache.
  }
}

export async function measure(name: StoreName, entries: number): Promise<StoreResult> {
  const kind = KINDS[name];
  const root = mkdtempSync(join(tmpdir(), `sluice-stores-${name}-`));
  try {
    const live = join(root, 'live');
    const checkpoints = join(root, 'checkpoints');
    mkdirSync(live);
    mkdirSync(checkpoints);
    const next = mulberry32(7);
    const store = await kind.create(live);
    let t = performance.now();
    for (let start = 0; start < entries; start += 10_000) {
      const batch: Array<[string, Buffer]> = [];
      for (let i = start; i < Math.min(entries, start + 10_000); i++)
        batch.push([keyOf(i), randomValue(next)]);
      await store.write(batch);
    }
    const loadMs = performance.now() - t;
    t = performance.now();
    await store.checkpoint(checkpoints);
    const firstCheckpointMs = performance.now() - t;
    const changed = Math.max(1, Math.round(entries / 100));
    const rounds: Array<{ bytes: number; ms: number }> = [];
    for (let round = 0; round < 20; round++) {
      const batch: Array<[string, Buffer]> = [];
      for (let i = 0; i < changed; i++) batch.push([keyOf(Math.floor(next() * entries)), randomValue(next)]);
      await store.write(batch);
      t = performance.now();
      const bytes = await store.checkpoint(checkpoints);
      rounds.push({ bytes, ms: performance.now() - t });
    }
    const diskBytes = store.stateBytes();
    const stateBytes = entries * (keyOf(0).length + 100);
    const lookups = 100_000;
    t = performance.now();
    let found = 0;
    for (let i = 0; i < lookups; i++) if (store.get(keyOf(Math.floor(next() * entries)))) found++;
    const getMicros = ((performance.now() - t) * 1000) / lookups;
    if (found !== lookups) throw new Error(`${name}: ${lookups - found} lookups missed`);
    await store.close();
    const cold = join(root, 'cold');
    cpSync(checkpoints, cold, { recursive: true });
    // The spine's checkpoints name files of its store directory: copy those too.
    if (name === 'spine') cpSync(live, join(root, 'cold-live'), { recursive: true });
    dropPageCache();
    t = performance.now();
    const lookup = await kind.resume(cold);
    if (!lookup(keyOf(entries - 1))) throw new Error(`${name}: resumed state lacks a key`);
    const resumeMs = performance.now() - t;
    return {
      store: name,
      loadMs,
      stateBytes,
      diskBytes,
      firstCheckpointMs,
      secondCheckpointBytes: rounds[0]!.bytes,
      secondCheckpointMs: rounds[0]!.ms,
      averageCheckpointBytes: rounds.reduce((s, r) => s + r.bytes, 0) / rounds.length,
      getMicros,
      resumeMs,
      syncGet: true,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
