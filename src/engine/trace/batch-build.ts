/**
 * Making batches: sorting a sealed head's records into a batch, and merging batches. Pure
 * functions over buffers and files, run on the merge worker thread (merge-worker.ts) or, in
 * inline mode, on the caller's thread.
 *
 * A batch goes to memory (a buffer over shared memory holding the exact file image) or to a file. A file is
 * written under a temporary name in the target directory, hashed (SHA-256) as it is written,
 * and fsynced; the caller renames it to its hash once it has pinned that name, so that the
 * checkpoint store never sees, and never collects, a live batch file it does not know about.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { BatchBuilder, BlockView } from './batch-format.js';
import { BatchReader, type BatchSource } from './batch-reader.js';
import { tempBatchPath } from './files.js';

export type BuildTarget = { dir: string } | 'memory';

export type Built =
  | { kind: 'file'; temp: string; sha256: string; size: number; entries: number }
  | { kind: 'image'; image: Buffer; size: number; entries: number };

/**
 * Runs `write` against a sink for `target`; returns the batch it made. With `image`, the bytes
 * of an already built batch are written instead.
 */
function build(
  target: BuildTarget,
  expectedEntries: number,
  write: (b: BatchBuilder) => void,
  image?: Buffer,
  imageEntries = 0,
): Built {
  if (target === 'memory') {
    const chunks: Buffer[] = [];
    const builder = new BatchBuilder(expectedEntries, (c) => chunks.push(c));
    write(builder);
    const summary = builder.finish();
    // Shared memory: the image travels between the main thread and the merge worker (built
    // there, written to a file or merged there later) without a copy in each isolate, which
    // would double the memory of batches kept in memory while a checkpoint writes them.
    const image = Buffer.from(new SharedArrayBuffer(summary.bytes));
    let at = 0;
    for (const c of chunks) at += c.copy(image, at);
    return { kind: 'image', image, size: summary.bytes, entries: summary.entries };
  }
  const temp = tempBatchPath(target.dir);
  const fd = openSync(temp, 'wx');
  const hash = createHash('sha256');
  try {
    const sink = (chunk: Buffer) => {
      hash.update(chunk);
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
    };
    let summary: { bytes: number; entries: number };
    if (image) {
      sink(image);
      summary = { bytes: image.length, entries: imageEntries };
    } else {
      const builder = new BatchBuilder(expectedEntries, sink, false);
      write(builder);
      summary = builder.finish();
    }
    fsyncSync(fd);
    closeSync(fd);
    return { kind: 'file', temp, sha256: hash.digest('hex'), size: summary.bytes, entries: summary.entries };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // Already closed after fsync; the unlink below is what matters.
    }
    try {
      unlinkSync(temp);
    } catch {
      // Nothing was created.
    }
    throw err;
  }
}

/**
 * Sorts the records of a sealed head (`u32 count` + entries in the block entry format, keys
 * unique) into a batch.
 */
export function buildFromRecords(records: Buffer, target: BuildTarget): Built {
  const view = new BlockView(records, 'records');
  const keys = Array.from({ length: view.count }, (_, i) => view.key(i));
  const order = Array.from(keys.keys()).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  return build(target, keys.length, (builder) => {
    for (const i of order) builder.add(keys[i]!, view.prefixLength(i), view.value(i));
  });
}

/**
 * Merges batches (oldest first) into one: for a key in several, the newest entry wins; with
 * `dropTombstones` (the run includes the trace's oldest batch, so nothing older can be masked),
 * tombstones are left out.
 */
export function mergeBatches(
  sources: ReadonlyArray<{ source: BatchSource; size: number }>,
  dropTombstones: boolean,
  target: BuildTarget,
): Built {
  // One cursor per input, read forward once: each reader reads its blocks into one reused buffer.
  const readers = sources.map(
    (s, i) => new BatchReader(s.source, s.size, `merge input ${i}`, null, { reuseBlockBuffer: true }),
  );
  try {
    const expected = readers.reduce((n, r) => n + r.entries, 0);
    const cursors = readers.map((r) => r.cursor(''));
    return build(target, expected, (builder) => {
      for (;;) {
        let min: string | null = null;
        let winner = -1;
        for (let i = 0; i < cursors.length; i++) {
          const c = cursors[i]!;
          if (!c.valid) continue;
          if (min === null || c.key < min) {
            min = c.key;
            winner = i;
          } else if (c.key === min) winner = i;
        }
        if (min === null) return;
        const w = cursors[winner]!;
        const value = w.value;
        if (value !== null || !dropTombstones) builder.add(min, w.prefixLength, value);
        for (const c of cursors) if (c.valid && c.key === min) c.next();
      }
    });
  } finally {
    for (const r of readers) r.close();
  }
}

/** Writes a batch held in memory to a file in `dir` (a checkpoint needs every batch in a file). */
export function writeImage(image: Buffer, entries: number, dir: string): Built {
  return build({ dir }, 0, () => undefined, image, entries);
}
