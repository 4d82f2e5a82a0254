/**
 * Uploading one local state file as the blob `blobs/<sha256>`, verified end to end.
 *
 * The bytes read from disk are hashed on the way out, and a blob is only made visible under its
 * name if their SHA-256 is that name: a local file that rotted is reported as
 * `CheckpointCorrupt` and never uploaded. On the wire, every request carries Content-MD5 and
 * its ETag is checked (object-store.ts).
 *
 * - Files up to `multi_thread_cutoff` (capped at 512 MiB), and larger ones that fit in one part
 *   (a one-part multipart upload is a single PUT plus two requests and, in the store, a copy of
 *   the part): hashed in one streaming pass
 *   (SHA-256 and MD5), then sent in one PUT streamed from disk, so a push holds buffers, never
 *   whole files (the file is immutable and pinned, so both passes read the same bytes). At most
 *   `HASHING_FILES` files are hashed at a time, in the order the push starts them: hashing all
 *   `transfers` files at once interleaved them on the one JavaScript thread, so that none was
 *   ready to send, and the store had nothing to do, until most of the push's bytes were hashed;
 *   in turn, the first files go out while the next ones are hashed.
 * - Larger files: multipart. Parts are read in order (the SHA-256 needs them in order) and up
 *   to `upload_concurrency` are in flight; CompleteMultipartUpload is sent only once all parts
 *   are stored and the whole file verified, and the upload is aborted on any failure, so a
 *   half-sent blob never appears under its name.
 * Every buffer holds permits of a byte budget shared by all transfers of a push while it is in
 * flight, which bounds memory whatever `transfers` and `upload_concurrency` are.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { corruptCheckpoint } from './checkpoint-store.js';
import { Semaphore } from './concurrency.js';
import { isMissing } from './fs-atomic.js';
import { digestFile, updateHashes } from './hash.js';
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
/** What a streamed upload holds in memory (its read-ahead), counted against the push's budget. */
const STREAM_BUDGET_BYTES = 2 * MIB;

export interface UploadContext {
  objects: ObjectStore;
  checkpointUuid: string;
  multipartCutoffBytes: number;
  partsInFlight: number;
  memoryBudget: Semaphore;
  /** Shared by a push's transfers: `HASHING_FILES` permits. */
  hashingSlots: Semaphore;
  onBytes: (count: number) => void;
}

/** Size of each part (the last may be smaller) of a multipart transfer of `size` bytes. */
export function partSizeFor(size: number): number {
  return Math.max(MIN_PART_BYTES, Math.ceil(size / MAX_PARTS / MIB) * MIB);
}

export async function uploadBlob(ctx: UploadContext, path: string, file: ManifestFile): Promise<void> {
  if (
    file.size > Math.min(ctx.multipartCutoffBytes, MAX_SINGLE_PUT_BYTES) &&
    file.size > partSizeFor(file.size)
  )
    await uploadMultipart(ctx, path, file);
  else await uploadWhole(ctx, path, file);
}

async function uploadWhole(ctx: UploadContext, path: string, file: ManifestFile): Promise<void> {
  const release = await ctx.memoryBudget.acquire(Math.min(file.size, STREAM_BUDGET_BYTES));
  try {
    let digest: { sha256: string; md5: string; size: number };
    const releaseSlot = await ctx.hashingSlots.acquire();
    try {
      digest = await digestFile(path, ['sha256', 'md5']);
    } catch (err) {
      if (isMissing(err)) throw corruptCheckpoint(ctx.checkpointUuid, file, 'is missing');
      throw err;
    } finally {
      releaseSlot();
    }
    if (digest.size !== file.size) {
      throw corruptCheckpoint(ctx.checkpointUuid, file, `has ${digest.size} bytes instead of ${file.size}`);
    }
    if (digest.sha256 !== file.sha256) {
      throw corruptCheckpoint(ctx.checkpointUuid, file, `has SHA-256 ${digest.sha256}; it was not uploaded`);
    }
    await ctx.objects.putFile(blobKey(file.sha256), path, file.size, {
      md5Hex: digest.md5,
      sha256Hex: digest.sha256,
    });
    ctx.onBytes(file.size);
  } finally {
    release();
  }
}

async function uploadMultipart(ctx: UploadContext, path: string, file: ManifestFile): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (isMissing(err)) throw corruptCheckpoint(ctx.checkpointUuid, file, 'is missing');
    throw err;
  }
  const key = blobKey(file.sha256);
  const partSize = partSizeFor(file.size);
  const sha256 = createHash('sha256');
  const parts: CompletedPart[] = [];
  const inFlight: Promise<void>[] = [];
  const failures: unknown[] = [];
  let uploadId: string | null = null;
  try {
    const { size } = await handle.stat();
    if (size !== file.size)
      throw corruptCheckpoint(ctx.checkpointUuid, file, `has ${size} bytes instead of ${file.size}`);
    uploadId = await ctx.objects.createMultipartUpload(key);
    const slots = new Semaphore(ctx.partsInFlight);
    for (let offset = 0, partNumber = 1; offset < file.size && failures.length === 0; partNumber++) {
      const length = Math.min(partSize, file.size - offset);
      const releaseSlot = await slots.acquire();
      const releaseBytes = await ctx.memoryBudget.acquire(length);
      const release = () => {
        releaseBytes();
        releaseSlot();
      };
      try {
        const body = await readExactly(handle, offset, length);
        if (!body)
          throw corruptCheckpoint(ctx.checkpointUuid, file, `ended at byte ${offset} while being uploaded`);
        const md5 = createHash('md5');
        await updateHashes([sha256, md5], body);
        const number = partNumber;
        inFlight.push(
          ctx.objects
            .uploadPart(key, uploadId, number, body, md5.digest('hex'))
            .then((part) => {
              parts[number - 1] = part;
              ctx.onBytes(length);
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
      offset += length;
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
  } finally {
    await handle.close();
  }
}

/** `length` bytes at `position`, or null if the file ends first. */
async function readExactly(handle: FileHandle, position: number, length: number): Promise<Buffer | null> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) return null;
    filled += bytesRead;
  }
  return buffer;
}
