/**
 * Downloading one blob into a staging file of the local store, verified before anyone uses it.
 *
 * - Blobs up to `multi_thread_cutoff`: one streamed GET, hashed as it arrives.
 * - Larger blobs: ranged GETs, `multi_thread_streams` in flight, each written at its offset of
 *   a preallocated file in 1 MiB batches; the file is hashed once complete.
 * The size is always checked and, unless `ignore_checksum`, the SHA-256; a blob that does not
 * match its manifest is reported as `SyncChecksumMismatch` and its staging file deleted, so it
 * is never installed. A retried request rewrites its bytes from the start (of its range).
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { forEachLimit } from './concurrency.js';
import { hashFile } from './hash.js';
import type { ManifestFile } from './manifest.js';
import { blobKey, damagedCheckpoint, type RemoteStore } from './remote-store.js';
import { partSizeFor } from './upload.js';

const WRITE_BATCH_BYTES = 1024 * 1024;

export interface DownloadContext {
  remote: RemoteStore;
  checkpointUuid: string;
  verifySha256: boolean;
  onBytes: (count: number) => void;
}

/** Downloads `file`'s blob to `dest` (fsynced), or throws without leaving `dest` behind. */
export async function downloadBlob(ctx: DownloadContext, file: ManifestFile, dest: string): Promise<void> {
  const { multiThreadCutoffBytes, multiThreadStreams } = ctx.remote.settings;
  try {
    const received =
      file.size > multiThreadCutoffBytes && multiThreadStreams > 1
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
      const out = new BatchedWriter(handle, 0);
      for await (const chunk of body) {
        if (out.position + chunk.length > file.size)
          throw damaged(ctx, file, `is larger than ${file.size} bytes`);
        hash?.update(chunk);
        await out.write(chunk);
      }
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
  await withFile(dest, async (handle) => {
    await handle.truncate(file.size);
    await forEachLimit(ranges, streams, async (range) => {
      const length = await ctx.remote.objects.download(
        blobKey(file.sha256),
        async (body) => {
          const out = new BatchedWriter(handle, range.start);
          for await (const chunk of body) {
            if (out.position + chunk.length > range.end)
              throw damaged(ctx, file, 'returned more bytes than requested');
            await out.write(chunk);
          }
          await out.flush();
          return out.position - range.start;
        },
        range,
      );
      if (length === null) missing = true;
      else if (length !== range.end - range.start)
        throw damaged(ctx, file, `is shorter than ${file.size} bytes`);
      else ctx.onBytes(length);
    });
  });
  if (missing) return null;
  return ctx.verifySha256 ? await hashFile(dest) : { size: file.size, sha256: null };
}

/**
 * Writes network chunks (often 16-64 KiB) at increasing positions in 1 MiB `writev` batches:
 * one thread-pool round trip per MiB instead of one per chunk, which is what a download waits
 * on when the machine is busy.
 */
class BatchedWriter {
  /** Position after the last byte written or buffered. */
  position: number;
  #flushed: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  readonly #handle: FileHandle;

  constructor(handle: FileHandle, position: number) {
    this.#handle = handle;
    this.position = position;
    this.#flushed = position;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.position += chunk.length;
    if (this.#pendingBytes >= WRITE_BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const { bytesWritten } = await this.#handle.writev(this.#pending, this.#flushed);
    if (bytesWritten !== this.#pendingBytes) throw new Error(`short write at byte ${this.#flushed}`);
    this.#flushed += bytesWritten;
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

/** Opens `path` for writing (truncating), runs `fn`, fsyncs and closes. */
async function withFile(path: string, fn: (handle: FileHandle) => Promise<void>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await fn(handle);
    await handle.sync();
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
