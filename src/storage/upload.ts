/**
 * Uploading one local state file as the blob `blobs/<sha256>`, verified end to end.
 *
 * The bytes read from disk are hashed, and a blob is only made visible under its name if their
 * SHA-256 is that name: a local file that rotted is reported as `CheckpointCorrupt` and never
 * uploaded. On the wire, every request carries Content-MD5 and its ETag is checked
 * (object-store.ts), so the bytes the store keeps are the bytes that were hashed.
 *
 * Every file is read twice through the push's `ChunkPool` (chunk-pool.ts: reading into memory
 * already touched costs far less than faulting in new memory, even twice): once to hash it, once
 * to send it; the file is immutable and pinned, so both passes read the same bytes. A transfer
 * holds one chunk at a time, never a whole file or part.
 * - Files up to `multi_thread_cutoff` (capped at 512 MiB), and larger ones that fit in one part
 *   (a one-part multipart upload is a single PUT plus two requests and, in the store, a copy of
 *   the part): hashed (SHA-256 and MD5), checked, then sent in one PUT. At most
 *   `HASHING_FILES` files are hashed at a time, in the order the push starts them: hashing all
 *   `transfers` files at once interleaved them on the one JavaScript thread, so that none was
 *   ready to send, and the store had nothing to do, until most of the push's bytes were hashed;
 *   in turn, the first files go out while the next ones are hashed.
 * - Larger files: multipart. Parts are hashed in order (the SHA-256 needs them in order), each
 *   sent once hashed, up to `upload_concurrency` in flight; CompleteMultipartUpload is sent only
 *   once all parts are stored and the whole file verified, and the upload is aborted on any
 *   failure, so a half-sent blob never appears under its name.
 * Every chunk in use holds permits of a byte budget shared by all transfers of a push, which
 * bounds memory whatever `transfers` and `upload_concurrency` are.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { corruptCheckpoint } from './checkpoint-store.js';
import type { ChunkPool } from './chunk-pool.js';
import { Semaphore } from './concurrency.js';
import { FileEndedError, type FileRange, hashRange } from './file-body.js';
import { isMissing } from './fs-atomic.js';
import type { ManifestFile } from './manifest.js';
import type { CompletedPart, ObjectStore } from './object-store.js';
import { blobKey } from './remote-store.js';

const MIB = 1024 * 1024;
/** S3 allows at most 10,000 parts; 8 MiB parts keep that limit beyond 78 GiB. */
const MIN_PART_BYTES = 8 * MIB;
const MAX_PARTS = 10_000;
const MAX_SINGLE_PUT_BYTES = 512 * MIB;
/** Files hashed at a time before their PUT (see the module header). */
export const HASHING_FILES = 2;

export interface UploadContext {
  objects: ObjectStore;
  checkpointUuid: string;
  multipartCutoffBytes: number;
  partsInFlight: number;
  /** Bytes of chunks in use, shared by a push's transfers. */
  memoryBudget: Semaphore;
  /** Shared by a push's transfers: `HASHING_FILES` permits. */
  hashingSlots: Semaphore;
  chunks: ChunkPool;
  onBytes: (count: number) => void;
}

/** Size of each part (the last may be smaller) of a multipart transfer of `size` bytes. */
export function partSizeFor(size: number): number {
  return Math.max(MIN_PART_BYTES, Math.ceil(size / MAX_PARTS / MIB) * MIB);
}

export async function uploadBlob(ctx: UploadContext, path: string, file: ManifestFile): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (isMissing(err)) throw corruptCheckpoint(ctx.checkpointUuid, file, 'is missing');
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (size !== file.size)
      throw corruptCheckpoint(ctx.checkpointUuid, file, `has ${size} bytes instead of ${file.size}`);
    const whole: FileRange = { handle, offset: 0, length: file.size, chunks: ctx.chunks };
    if (
      file.size > Math.min(ctx.multipartCutoffBytes, MAX_SINGLE_PUT_BYTES) &&
      file.size > partSizeFor(file.size)
    )
      await uploadMultipart(ctx, whole, file);
    else await uploadWhole(ctx, whole, file);
  } catch (err) {
    if (err instanceof FileEndedError)
      throw corruptCheckpoint(ctx.checkpointUuid, file, `ended at byte ${err.position} while being uploaded`);
    throw err;
  } finally {
    await handle.close();
  }
}

async function uploadWhole(ctx: UploadContext, range: FileRange, file: ManifestFile): Promise<void> {
  const release = await ctx.memoryBudget.acquire(Math.min(file.size, ctx.chunks.chunkBytes));
  try {
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    const releaseSlot = await ctx.hashingSlots.acquire();
    try {
      await hashRange(range, [sha256, md5]);
    } finally {
      releaseSlot();
    }
    const actual = sha256.digest('hex');
    if (actual !== file.sha256) {
      throw corruptCheckpoint(ctx.checkpointUuid, file, `has SHA-256 ${actual}; it was not uploaded`);
    }
    await ctx.objects.putRange(blobKey(file.sha256), range, { md5Hex: md5.digest('hex'), sha256Hex: actual });
    ctx.onBytes(file.size);
  } finally {
    release();
  }
}

async function uploadMultipart(ctx: UploadContext, whole: FileRange, file: ManifestFile): Promise<void> {
  const key = blobKey(file.sha256);
  const partSize = partSizeFor(file.size);
  const sha256 = createHash('sha256');
  const parts: CompletedPart[] = [];
  const inFlight: Promise<void>[] = [];
  const failures: unknown[] = [];
  let uploadId: string | null = null;
  try {
    uploadId = await ctx.objects.createMultipartUpload(key);
    const slots = new Semaphore(ctx.partsInFlight);
    for (let offset = 0, partNumber = 1; offset < file.size && failures.length === 0; partNumber++) {
      const range: FileRange = { ...whole, offset, length: Math.min(partSize, file.size - offset) };
      const releaseSlot = await slots.acquire();
      const releaseBytes = await ctx.memoryBudget.acquire(Math.min(range.length, ctx.chunks.chunkBytes));
      const release = () => {
        releaseBytes();
        releaseSlot();
      };
      try {
        const md5 = createHash('md5');
        await hashRange(range, [sha256, md5]);
        const number = partNumber;
        inFlight.push(
          ctx.objects
            .uploadPart(key, uploadId, number, range, md5.digest('hex'))
            .then((part) => {
              parts[number - 1] = part;
              ctx.onBytes(range.length);
            })
            .catch((err: unknown) => {
              failures.push(err);
            })
            .finally(release),
        );
      } catch (err) {
        release();
        throw err;
      }
      offset += range.length;
    }
    await Promise.all(inFlight);
    if (failures.length > 0) throw failures[0];
    const actual = sha256.digest('hex');
    if (actual !== file.sha256) {
      throw corruptCheckpoint(ctx.checkpointUuid, file, `has SHA-256 ${actual}; it was not uploaded`);
    }
    await ctx.objects.completeMultipartUpload(key, uploadId, parts);
  } catch (err) {
    await Promise.allSettled(inFlight);
    if (uploadId !== null) await ctx.objects.abortMultipartUpload(key, uploadId);
    throw err;
  }
}
