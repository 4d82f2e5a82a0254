/**
 * Downloading one blob into a staging file of the local store, verified before anyone uses it.
 *
 * - Blobs up to `multi_thread_cutoff`, and larger ones that fit in one range: one streamed GET,
 *   hashed as it arrives.
 * - Larger blobs: ranged GETs of `partSizeFor(size)` bytes, `multi_thread_streams` in flight,
 *   each written at its offset of a preallocated file in 256 KiB batches. The SHA-256 needs the
 *   bytes in order (`OrderedHasher`): the range at the hash's position is hashed as it arrives;
 *   a range that arrived ahead of it is read back from the file once the hash reaches it, while
 *   later ranges still download, so the file is never read a second time as a whole.
 * The size is always checked and, unless `ignore_checksum`, the SHA-256; a blob that does not
 * match its manifest is reported as `SyncChecksumMismatch` and its staging file deleted, so it
 * is never installed. A retried request rewrites its bytes from the start (of its range).
 *
 * The staging file is closed but not fsynced here: the pull fsyncs it (staged-sync.ts, told of
 * every batch written through `onWritten`) without holding up the transfers, and waits for all
 * of those fsyncs before it installs the checkpoint (pull.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import type { ChunkPool } from './chunk-pool.js';
import { forEachLimit } from './concurrency.js';
import { hashFile } from './hash.js';
import type { ManifestFile } from './manifest.js';
import { blobKey, damagedCheckpoint, type RemoteStore } from './remote-store.js';
import { partSizeFor } from './upload.js';

/** Size of the buffers of a pull's `batches` pool: each write batch, and each read-back of a hash. */
export const WRITE_BATCH_BYTES = 256 * 1024;

export interface DownloadContext {
  remote: RemoteStore;
  checkpointUuid: string;
  verifySha256: boolean;
  /**
   * The buffers of every download of one pull, `WRITE_BATCH_BYTES` each (see chunk-pool.ts for
   * why they are reused rather than allocated per download).
   */
  batches: ChunkPool;
  onBytes: (count: number) => void;
  /** `bytes` more bytes of the staging file `dest` were written (to the page cache, not fsynced). */
  onWritten: (dest: string, bytes: number) => void;
}

/** Downloads `file`'s blob to `dest` (not fsynced), or throws without leaving `dest` behind. */
export async function downloadBlob(ctx: DownloadContext, file: ManifestFile, dest: string): Promise<void> {
  const { multiThreadCutoffBytes, multiThreadStreams } = ctx.remote.settings;
  try {
    const received =
      file.size > multiThreadCutoffBytes && multiThreadStreams > 1 && file.size > partSizeFor(file.size)
        ? await downloadRanges(ctx, file, dest, multiThreadStreams)
        : await downloadWhole(ctx, file, dest);
    if (received === null) throw damaged(ctx, file, 'is missing');
    if (received.size !== file.size)
      throw damaged(ctx, file, `has ${received.size} bytes instead of ${file.size}`);
    if (ctx.verifySha256 && received.sha256 !== file.sha256) {
      throw damaged(ctx, file, `has SHA-256 ${received.sha256} instead of ${file.sha256}`);
    }
  } catch (err) {
    await unlink(dest).catch(() => undefined);
    throw err;
  }
}

type Received = { size: number; sha256: string | null } | null;

async function downloadWhole(ctx: DownloadContext, file: ManifestFile, dest: string): Promise<Received> {
  const received = await ctx.remote.objects.download(blobKey(file.sha256), async (body) => {
    const hash = ctx.verifySha256 ? createHash('sha256') : null;
    let size = 0;
    await withFile(dest, async (handle) => {
      const out = new BatchedWriter(handle, 0, ctx.batches, (n) => ctx.onWritten(dest, n));
      await out.whileWriting(
        body.pipeTo((chunk) => {
          if (out.position + chunk.length > file.size)
            throw damaged(ctx, file, `is larger than ${file.size} bytes`);
          hash?.update(chunk);
          return out.write(chunk);
        }),
      );
      await out.flush();
      size = out.position;
    });
    return { size, sha256: hash?.digest('hex') ?? null };
  });
  if (received) ctx.onBytes(received.size);
  return received;
}

async function downloadRanges(
  ctx: DownloadContext,
  file: ManifestFile,
  dest: string,
  streams: number,
): Promise<Received> {
  const partSize = partSizeFor(file.size);
  const ranges: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < file.size; start += partSize) {
    ranges.push({ start, end: Math.min(file.size, start + partSize) });
  }
  let missing = false;
  let sha256: string | null = null;
  await withFile(dest, async (handle) => {
    await handle.truncate(file.size);
    const hasher = ctx.verifySha256 ? new OrderedHasher(handle, ctx.batches) : null;
    const attempted = new Set<number>();
    await forEachLimit(ranges, streams, async (range) => {
      const length = await ctx.remote.objects.download(
        blobKey(file.sha256),
        async (body) => {
          // A retried range rewrites bytes the hash may already have taken from the first try.
          if (attempted.has(range.start)) hasher?.invalidate();
          attempted.add(range.start);
          const out = new BatchedWriter(handle, range.start, ctx.batches, (n) => ctx.onWritten(dest, n));
          await out.whileWriting(
            body.pipeTo((chunk) => {
              if (out.position + chunk.length > range.end)
                throw damaged(ctx, file, 'returned more bytes than requested');
              hasher?.offer(out.position, chunk);
              return out.write(chunk);
            }),
          );
          await out.flush();
          return out.position - range.start;
        },
        range,
      );
      if (length === null) missing = true;
      else if (length !== range.end - range.start)
        throw damaged(ctx, file, `is shorter than ${file.size} bytes`);
      else {
        ctx.onBytes(length);
        await hasher?.written(range.start, range.end);
      }
    });
    if (hasher && !missing) sha256 = await hasher.digest(file.size);
  });
  if (missing) return null;
  if (sha256 === null && ctx.verifySha256) return await hashFile(dest);
  return { size: file.size, sha256 };
}

/**
 * The SHA-256 of a file whose ranges are written in any order, taking each byte once and in
 * order: from memory (`offer`) when a chunk arrives exactly at the hash's position, else read
 * back from the file once every byte before it is hashed and its range is written (`written`).
 * After `invalidate` (a range was sent again), `digest` returns null: the caller hashes the
 * finished file instead.
 */
class OrderedHasher {
  readonly #hash: Hash = createHash('sha256');
  readonly #handle: FileHandle;
  /** Bytes before this position are hashed. */
  #position = 0;
  /** Written ranges the hash has not reached: start → end. */
  readonly #written = new Map<number, number>();
  #reading: Promise<void> = Promise.resolve();
  #valid = true;
  readonly #buffers: ChunkPool;

  constructor(handle: FileHandle, buffers: ChunkPool) {
    this.#handle = handle;
    this.#buffers = buffers;
  }

  /** A chunk about to be written at `position`; hashed now if the hash has reached it. */
  offer(position: number, chunk: Uint8Array): void {
    if (position !== this.#position) return;
    this.#hash.update(chunk);
    this.#position += chunk.length;
  }

  /**
   * Bytes [start, end) (a whole range) are on disk; hashes whatever became contiguous with the
   * hash. A range is hashed either wholly from memory (its first chunk arrived at the hash's
   * position, so every later one did too) or wholly from the file.
   */
  written(start: number, end: number): Promise<void> {
    if (start >= this.#position) this.#written.set(start, end);
    this.#reading = this.#reading.then(() => this.#catchUp());
    return this.#reading;
  }

  invalidate(): void {
    this.#valid = false;
  }

  async digest(size: number): Promise<string | null> {
    await this.#reading;
    return this.#valid && this.#position === size ? this.#hash.digest('hex') : null;
  }

  async #catchUp(): Promise<void> {
    for (let end = this.#written.get(this.#position); end !== undefined; end = this.#written.get(end)) {
      this.#written.delete(this.#position);
      const buffer = this.#buffers.take();
      try {
        while (this.#position < end) {
          const want = Math.min(buffer.length, end - this.#position);
          const { bytesRead } = await this.#handle.read(buffer, 0, want, this.#position);
          if (bytesRead === 0) throw new Error(`short read at byte ${this.#position}`);
          this.#hash.update(buffer.subarray(0, bytesRead));
          this.#position += bytesRead;
        }
      } finally {
        this.#buffers.give(buffer);
      }
    }
  }
}

/**
 * Copies network chunks (each valid only during `write`) into batches taken from the pull's
 * pool and writes each full batch at its position while the next one fills: one thread-pool
 * round trip per batch instead of one per chunk, which is what a download waits on when the
 * machine is busy. At most two batches are being written at once; `write` then returns a
 * promise to wait for before the next chunk, so a slow disk holds back the socket instead of
 * filling memory. A batch goes back to the pool once its write has settled (the thread pool
 * no longer reads it); the one being filled when a download fails is dropped.
 */
class BatchedWriter {
  /** Position after the last byte written or buffered. */
  position: number;
  #flushed: number;
  #batch: Buffer | null = null;
  #fill = 0;
  readonly #pool: ChunkPool;
  readonly #onWritten: (bytes: number) => void;
  #writes = 0;
  #tail: Promise<void> = Promise.resolve();
  #error: unknown = null;
  readonly #handle: FileHandle;

  constructor(handle: FileHandle, position: number, pool: ChunkPool, onWritten: (bytes: number) => void) {
    this.#handle = handle;
    this.position = position;
    this.#flushed = position;
    this.#pool = pool;
    this.#onWritten = onWritten;
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#error) throw this.#error;
    for (let offset = 0; offset < chunk.length; ) {
      this.#batch ??= this.#pool.take();
      const count = Math.min(chunk.length - offset, this.#batch.length - this.#fill);
      this.#batch.set(chunk.subarray(offset, offset + count), this.#fill);
      this.#fill += count;
      offset += count;
      this.position += count;
      if (this.#fill === this.#batch.length) this.#writeBatch();
    }
    return this.#writes >= 2 ? this.#tail : undefined;
  }

  /**
   * Waits for `reading` and then for every write it started, even when it fails: a retry
   * rewrites the same positions, and a late write of this attempt must not land after it.
   */
  async whileWriting(reading: Promise<void>): Promise<void> {
    try {
      await reading;
    } finally {
      await this.#tail;
    }
  }

  /** Writes what is buffered and waits for every write; throws the first write's failure. */
  async flush(): Promise<void> {
    if (this.#fill > 0) this.#writeBatch();
    await this.#tail;
    if (this.#error) throw this.#error;
  }

  #writeBatch(): void {
    const batch = this.#batch!;
    const length = this.#fill;
    const position = this.#flushed;
    this.#flushed += length;
    this.#batch = null;
    this.#fill = 0;
    this.#writes++;
    this.#tail = this.#tail
      .then(async () => {
        if (this.#error) return;
        const { bytesWritten } = await this.#handle.write(batch, 0, length, position);
        if (bytesWritten !== length) throw new Error(`short write at byte ${position}`);
        this.#onWritten(length);
      })
      .catch((err: unknown) => {
        this.#error ??= err;
      })
      .finally(() => {
        this.#writes--;
        this.#pool.give(batch);
      });
  }
}

/** Opens `path` for writing (truncating), runs `fn` and closes. */
async function withFile(path: string, fn: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await open(path, 'w+');
  try {
    await fn(handle);
  } finally {
    await handle.close();
  }
}

function damaged(ctx: DownloadContext, file: ManifestFile, reason: string) {
  return damagedCheckpoint(
    ctx.remote,
    ctx.checkpointUuid,
    `blob ${blobKey(file.sha256)} (file '${file.name}') ${reason}; the checkpoint was not installed`,
  );
}
