/**
 * Downloading one blob into a staging file of the local store, verified before anyone uses it.
 *
 * - Blobs up to `multi_thread_cutoff`, and larger ones that fit in one range: one streamed GET,
 *   hashed as it arrives.
 * - Larger blobs: ranged GETs of `partSizeFor(size)` bytes, `multi_thread_streams` in flight,
 *   each written at its offset of a preallocated file. The SHA-256 needs the bytes in order
 *   (`OrderedHasher`): the range at the hash's position is hashed as it arrives; a range that
 *   arrived ahead of it is read back from the file once the hash reaches it, while later ranges
 *   still download, so the file is never read a second time as a whole.
 * The size is always checked and, unless `ignore_checksum`, the SHA-256; a blob that does not
 * match its manifest is reported as `SyncChecksumMismatch` and its staging file deleted, so it
 * is never installed. A retried request rewrites its bytes from the start (of its range).
 *
 * Every chunk the socket delivers is written at its position with a synchronous `pwrite`, on
 * this thread, straight from the read buffer: no copy into a batch, no thread-pool hand-off.
 * A write to the page cache costs the main thread less than handing it to the pool: the
 * previous design (256 KiB batches written through `FileHandle.write`) spent more main-thread
 * time copying into the batches, faulting their memory in and waking pool threads than the
 * writes themselves take, and a one-shot pull of the benchmark's 103 MiB fell from 0.54 to 0.42 s
 * of CPU and from ~8,900 to ~5,250 page faults this way (bench/README.md, "Sync, ninth pass").
 * What it costs: a write the kernel holds up holds up the event loop for that time (see
 * docs/design/state.md, "How a pull writes"). So once one write took `SLOW_WRITE_MS` or more, the
 * rest of the pull writes through the thread pool, as before, copying each chunk. Either way the
 * socket is not read while its write runs, so a slow disk slows the download instead of filling
 * memory. Measured on
 * `http://` stores, whose bodies the plain reader hands over in reads of up to 256 KiB; an
 * `https://` body comes through `node:http` in TLS records (≤ 16 KiB), one write each: not
 * measured.
 *
 * The staging file is closed but not fsynced here: the pull fsyncs it (staged-sync.ts, told of
 * every chunk written through `onWritten`) without holding up the transfers, and waits for all
 * of those fsyncs before it installs the checkpoint (pull.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { ApiError } from '../types/errors.js';
import type { ChunkPool } from './chunk-pool.js';
import { forEachLimit } from './concurrency.js';
import { hashFile } from './hash.js';
import type { ManifestFile } from './manifest.js';
import { blobKey, damagedCheckpoint, type RemoteStore } from './remote-store.js';
import { partSizeFor } from './upload.js';

/** Size of the buffers of a pull's `readBuffers` pool (each read-back of a hash). */
export const READ_BACK_BYTES = 256 * 1024;

/**
 * Whether a pull still writes on the event loop's thread: `blocking` until one write took
 * `slowWriteMs` or more, after which every write of the pull goes through the thread pool, so
 * that a disk that holds writes up (dirty-page throttling) no longer holds up the event loop.
 */
export interface WriteMode {
  blocking: boolean;
  slowWriteMs: number;
}

/** A write to the page cache takes well under a millisecond; one held up this long is throttled. */
export const SLOW_WRITE_MS = 20;

export interface DownloadContext {
  remote: RemoteStore;
  checkpointUuid: string;
  verifySha256: boolean;
  /**
   * Buffers of `READ_BACK_BYTES` that the downloads of one pull read ranges back through to hash
   * them (see chunk-pool.ts for why they are reused rather than allocated per read).
   */
  readBuffers: ChunkPool;
  /** How this pull writes; shared by its downloads (see `WriteMode`). */
  writes: WriteMode;
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
    await withFile(ctx, file, dest, async (handle) => {
      const out = new PositionedWriter(ctx, file, handle, dest, 0);
      await body.pipeTo((chunk) => {
        if (out.position + chunk.length > file.size)
          throw damaged(ctx, file, `is larger than ${file.size} bytes`);
        hash?.update(chunk);
        return out.write(chunk);
      });
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
  await withFile(ctx, file, dest, async (handle) => {
    await handle.truncate(file.size).catch((err: unknown) => {
      throw localWriteFailed(ctx, file, err);
    });
    const hasher = ctx.verifySha256 ? new OrderedHasher(handle, ctx.readBuffers) : null;
    const attempted = new Set<number>();
    await forEachLimit(ranges, streams, async (range) => {
      const length = await ctx.remote.objects.download(
        blobKey(file.sha256),
        async (body) => {
          // A retried range rewrites bytes the hash may already have taken from the first try.
          if (attempted.has(range.start)) hasher?.invalidate();
          attempted.add(range.start);
          const out = new PositionedWriter(ctx, file, handle, dest, range.start);
          await body.pipeTo((chunk) => {
            if (out.position + chunk.length > range.end)
              throw damaged(ctx, file, 'returned more bytes than requested');
            hasher?.offer(out.position, chunk);
            return out.write(chunk);
          });
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
 * Writes chunks one after another from a position of a file: synchronously while the pull's
 * writes are fast (see the module header for why), through the thread pool once one of them held
 * the event loop for `slowWriteMs` (`WriteMode`). Then each chunk is copied (it is valid only
 * during `write`) and `write` returns a promise the caller waits for before its next chunk.
 * A failed write (ENOSPC, EIO) throws, or rejects with, `localWriteFailed`.
 */
class PositionedWriter {
  /** Position after the last byte written or being written. */
  position: number;
  readonly #ctx: DownloadContext;
  readonly #file: ManifestFile;
  readonly #handle: FileHandle;
  /** The staging file's path, as `ctx.onWritten` names it. */
  readonly #dest: string;

  constructor(ctx: DownloadContext, file: ManifestFile, handle: FileHandle, dest: string, position: number) {
    this.#ctx = ctx;
    this.#file = file;
    this.#handle = handle;
    this.#dest = dest;
    this.position = position;
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    const position = this.position;
    this.position += chunk.length;
    const mode = this.#ctx.writes;
    if (!mode.blocking) return this.#writeThroughPool(Buffer.from(chunk), position);
    const started = performance.now();
    try {
      for (let done = 0; done < chunk.length; ) {
        const written = writeSync(this.#handle.fd, chunk, done, chunk.length - done, position + done);
        if (written === 0) throw new Error(`short write at byte ${position + done}`);
        done += written;
      }
    } catch (err) {
      throw localWriteFailed(this.#ctx, this.#file, err);
    }
    if (performance.now() - started >= mode.slowWriteMs) mode.blocking = false;
    this.#ctx.onWritten(this.#dest, chunk.length);
    return undefined;
  }

  async #writeThroughPool(copy: Buffer, position: number): Promise<void> {
    try {
      for (let done = 0; done < copy.length; ) {
        const { bytesWritten } = await this.#handle.write(copy, done, copy.length - done, position + done);
        if (bytesWritten === 0) throw new Error(`short write at byte ${position + done}`);
        done += bytesWritten;
      }
    } catch (err) {
      throw localWriteFailed(this.#ctx, this.#file, err);
    }
    this.#ctx.onWritten(this.#dest, copy.length);
  }
}

/** Opens `path` for writing (truncating), runs `fn` and closes. */
async function withFile(
  ctx: DownloadContext,
  file: ManifestFile,
  path: string,
  fn: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const handle = await open(path, 'w+').catch((err: unknown) => {
    throw localWriteFailed(ctx, file, err);
  });
  try {
    await fn(handle);
  } finally {
    await handle.close();
  }
}

/**
 * A failure of the local disk (ENOSPC, EDQUOT, EIO...) while a download writes `file`: reported
 * as such, not as a failure of the store's GET it happened in, and never retried.
 */
function localWriteFailed(ctx: DownloadContext, file: ManifestFile, err: unknown): ApiError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ApiError(
    'SyncFailed',
    `Writing file '${file.name}' of checkpoint ${ctx.checkpointUuid} to local storage failed (${reason}); the checkpoint was not installed`,
    {
      uuid: ctx.checkpointUuid,
      file: file.name,
      local_error: (err as NodeJS.ErrnoException | null)?.code ?? null,
    },
  );
}

function damaged(ctx: DownloadContext, file: ManifestFile, reason: string) {
  return damagedCheckpoint(
    ctx.remote,
    ctx.checkpointUuid,
    `blob ${blobKey(file.sha256)} (file '${file.name}') ${reason}; the checkpoint was not installed`,
  );
}
