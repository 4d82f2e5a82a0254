/**
 * Small helpers for storage tests: temporary directories removed after the test, and random
 * checkpoint contents.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { NewCheckpoint } from '../../src/storage/checkpoint-store.js';

/** A fresh directory, deleted when the test ends. */
export function tempDir(t: TestContext, prefix = 'sluice-storage-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `count` files of `size` random bytes, named f0, f1... */
export function randomFiles(count: number, size: number): Array<{ name: string; data: Buffer }> {
  return Array.from({ length: count }, (_, i) => ({ name: `f${i}`, data: randomBytes(size) }));
}

/** A checkpoint of `files` with fixed metadata. */
export function checkpointOf(files: NewCheckpoint['files'], steps = 1): NewCheckpoint {
  return { fingerprint: 42, steps, processedRecords: steps * 10, extra: { inputs: { t: steps } }, files };
}

/** A bucket name no other test uses. */
export function uniqueBucket(): string {
  return `sluice-${randomBytes(6).toString('hex')}`;
}

/** Retries fast enough for tests that expect a failure. */
export const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, maxElapsedMs: 1500 };
