/**
 * Batch files for the trace's format tests: a sealed head's records built from (key, value)
 * pairs (keys unique; each key's whole length is its bloom prefix), sorted into a batch file
 * named by its SHA-256 as the trace storage names them.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { type Built, buildFromRecords } from '../../src/engine/trace/batch-build.js';
import { ByteBuffer } from '../../src/engine/trace/batch-format.js';

/** Records of a sealed head: `u32 count`, then key, prefix length, value per entry. */
export function batchRecords(entries: ReadonlyArray<readonly [string, Uint8Array]>): Buffer {
  const w = new ByteBuffer();
  w.u32(entries.length);
  for (const [key, value] of entries) {
    w.key(key, 0);
    w.u32(key.length);
    w.u32(value.length);
    w.bytes(value);
  }
  return w.finishOwned();
}

/** Moves a built batch file to its final name in `dir`. */
export function installBuilt(built: Built, dir: string): { path: string; size: number } {
  if (built.kind !== 'file') throw new Error('expected a batch file');
  const path = join(dir, built.sha256);
  renameSync(built.temp, path);
  return { path, size: built.size };
}

/** A batch file in `dir` holding `entries`. */
export function batchFile(
  dir: string,
  entries: ReadonlyArray<readonly [string, Uint8Array]>,
): { path: string; size: number } {
  return installBuilt(buildFromRecords(batchRecords(entries), { dir }), dir);
}
