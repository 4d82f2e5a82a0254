/**
 * Push: copy one local checkpoint to the pipeline's bucket location.
 *
 *  1. claim the location (ownership.ts) — refused if another pipeline owns it;
 *  2. if the manifest is already there, stop: nothing to upload;
 *  3. list `blobs/` once and upload, `transfers` at a time, the blobs the remote lacks or has
 *     with a different size (a leftover of a push killed mid-PUT on a store without atomic
 *     writes);
 *  4. upload the manifest, last: the checkpoint now exists remotely;
 *  5. apply retention. Its failure does not undo the push; it is reported in the summary.
 * The local checkpoint is pinned throughout, so a local collection cannot delete its files.
 * A push that fails anywhere before step 4 leaves only unreferenced blobs, which the next push
 * reuses (it uploads only what is still missing) or retention eventually deletes.
 */
import type { CheckpointStore } from './checkpoint-store.js';
import { ChunkPool } from './chunk-pool.js';
import { forEachLimit, Semaphore } from './concurrency.js';
import { type CheckpointManifest, distinctBlobs, serializeManifest } from './manifest.js';
import { claimOwnership, type PipelineOwner } from './ownership.js';
import { type ProgressListener, ProgressTracker } from './progress.js';
import { BLOBS_PREFIX, manifestKey, type RemoteStore } from './remote-store.js';
import { applyRetention, type RetentionResult } from './retention.js';
import { HASHING_FILES, uploadBlob } from './upload.js';

/** Read size of a push's file reads (chunk-pool.ts). */
const CHUNK_BYTES = 256 * 1024;
/** Chunks kept for reuse (16 MiB at most); a push of the benchmark's 101 MiB used 9 to 15 in all. */
const MAX_POOLED_CHUNKS = 64;

export interface PushOptions {
  onProgress?: ProgressListener;
}

export interface PushSummary {
  uuid: string;
  location: string;
  /** The manifest was already in the bucket; nothing was uploaded. */
  alreadyPresent: boolean;
  uploadedFiles: number;
  uploadedBytes: number;
  /** Distinct blobs of the checkpoint the bucket already had. */
  skippedFiles: number;
  skippedBytes: number;
  retention: RetentionResult | null;
  /** Set when retention failed after a successful push. */
  retentionError: string | null;
}

/** Copies local checkpoint `uuid` to `remote` on behalf of `owner` (see module header). */
export async function pushCheckpoint(
  remote: RemoteStore,
  local: CheckpointStore,
  uuid: string,
  owner: PipelineOwner,
  options: PushOptions = {},
): Promise<PushSummary> {
  remote.assertWritable();
  const { manifest, release } = await local.pin(uuid);
  try {
    return await push(remote, local, manifest, owner, options);
  } finally {
    release();
  }
}

async function push(
  remote: RemoteStore,
  local: CheckpointStore,
  manifest: CheckpointManifest,
  owner: PipelineOwner,
  options: PushOptions,
): Promise<PushSummary> {
  const { uuid } = manifest;
  const progress = new ProgressTracker(options.onProgress);
  const blobs = distinctBlobs(manifest);
  const summary: PushSummary = {
    uuid,
    location: remote.objects.describe(),
    alreadyPresent: false,
    uploadedFiles: 0,
    uploadedBytes: 0,
    skippedFiles: blobs.length,
    skippedBytes: blobs.reduce((sum, b) => sum + b.size, 0),
    retention: null,
    retentionError: null,
  };

  await claimOwnership(remote.objects, owner);
  if (await remote.objects.exists(manifestKey(uuid))) {
    summary.alreadyPresent = true;
    progress.phase('done');
    return summary;
  }

  const stored = new Map<string, number>();
  for (const object of await remote.objects.list(BLOBS_PREFIX)) {
    stored.set(object.key.slice(BLOBS_PREFIX.length), object.size);
  }
  const missing = blobs.filter((b) => stored.get(b.sha256) !== b.size);
  const missingBytes = missing.reduce((sum, b) => sum + b.size, 0);
  progress.start(missing.length, missingBytes);
  const context = {
    objects: remote.objects,
    checkpointUuid: uuid,
    multipartCutoffBytes: remote.settings.multiThreadCutoffBytes,
    partsInFlight: remote.settings.uploadConcurrency,
    memoryBudget: new Semaphore(remote.memoryBudgetBytes),
    hashingSlots: new Semaphore(HASHING_FILES),
    chunks: new ChunkPool(CHUNK_BYTES, MAX_POOLED_CHUNKS),
    onBytes: (count: number) => progress.bytes(count),
  };
  await forEachLimit(missing, remote.settings.transfers, async (blob) => {
    await uploadBlob(context, local.blobPath(blob.sha256), blob);
    summary.uploadedFiles++;
    summary.uploadedBytes += blob.size;
    progress.fileDone();
  });
  summary.skippedFiles -= missing.length;
  summary.skippedBytes -= missingBytes;

  progress.phase('committing');
  await remote.objects.putBuffer(manifestKey(uuid), serializeManifest(manifest));
  progress.phase('retention');
  try {
    summary.retention = await applyRetention(remote, uuid);
  } catch (err) {
    summary.retentionError = (err as Error).message;
  }
  progress.phase('done');
  return summary;
}
