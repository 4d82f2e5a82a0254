/**
 * File-backed trace storage for engine tests: inline mode (synchronous and deterministic),
 * min_storage_bytes = 0 and a one-byte block cache, so that every sealed head becomes a batch
 * file and every lookup below the head reads a block through the cache. Files go to a
 * directory under /dev/shm when there is one (fsync is free there), removed when the process
 * exits.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateReader, StateWriter } from '../../src/engine/state-codec.js';
import { TraceStorage, type TraceStorageSettings } from '../../src/engine/trace/storage.js';

/** A small value type for trace tests, with its codec. */
export interface Counter {
  name: string;
  n: number;
}

export const counterCodec = {
  write: (w: StateWriter, v: Counter) => {
    w.string(v.name);
    w.f64(v.n);
  },
  read: (r: StateReader): Counter => ({ name: r.string(), n: r.f64() }),
};

let shared: string | null = null;

/** A scratch directory for batch files, deleted at exit. */
export function scratchDir(): string {
  if (shared) return shared;
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'sluice-traces-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  shared = dir;
  return dir;
}

/**
 * Inline storage in `dir` with every batch in a file and a tiny cache; `pins` counts the
 * pins taken on each file (sha256 -> count).
 */
export function fileBackedStorageIn(
  dir: string,
  overrides: Partial<TraceStorageSettings> = {},
  pins = new Map<string, number>(),
): TraceStorage {
  return new TraceStorage({
    dir,
    minStorageBytes: 0,
    memoryBatchBytes: 0,
    cacheBytes: 1,
    headBudgetBytes: 0,
    mode: 'inline',
    pin: (sha) => {
      pins.set(sha, (pins.get(sha) ?? 0) + 1);
      return () => pins.set(sha, pins.get(sha)! - 1);
    },
    ...overrides,
  });
}

/** The same in this process's shared scratch directory. */
export function fileBackedStorage(overrides: Partial<TraceStorageSettings> = {}): TraceStorage {
  return fileBackedStorageIn(scratchDir(), overrides);
}
