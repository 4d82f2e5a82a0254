/**
 * Pull: install a remote checkpoint into the local store.
 *
 * The manifest is read first; every blob the local store lacks is downloaded into a staging
 * file and verified (download.ts). The staging files are fsynced while the downloads go on
 * (staged-sync.ts: each once it is complete, large ones also as they are written; no transfer
 * holds its slot waiting for the disk); once every download is done and every one of those
 * fsyncs succeeded, the local store installs the checkpoint with the same order as a local
 * write: state files, then the manifest last (CheckpointStore.install). A checkpoint with any
 * damaged part is never installed, and its staging files are deleted.
 *
 * With 'latest', a damaged newest checkpoint (bad manifest, missing or corrupt blob) is skipped
 * and the next older one tried, so a location with one whole checkpoint stays restorable; the
 * summary lists what was skipped and why. When every checkpoint of the location is damaged, the
 * pull fails with `SyncChecksumMismatch` listing them: the location holds state that cannot be
 * read, which is not the same as holding none (`NoCheckpoint`), and a start must not go on
 * empty as if it were. Failures to talk to the store are not skipped over: they are thrown as
 * they are.
 */
import { unlink } from 'node:fs/promises';
import { ApiError } from '../types/errors.js';
import type { CheckpointStore, SkippedCheckpoint } from './checkpoint-store.js';
import { ChunkPool } from './chunk-pool.js';
import { forEachLimit } from './concurrency.js';
import { downloadBlob, READ_BACK_BYTES, SLOW_WRITE_MS } from './download.js';
import { distinctBlobs } from './manifest.js';
import { type ProgressListener, ProgressTracker } from './progress.js';
import type { RemoteStore } from './remote-store.js';
import { StagedSync } from './staged-sync.js';

/** fsyncs in flight while a pull downloads: half of Node's thread pool (4), the rest opens files and reads ranges back. */
const FSYNC_CONCURRENCY = 2;
/** fsyncs in flight once the downloads are done: enough to keep the thread pool busy. */
const FSYNC_DRAIN_CONCURRENCY = 8;
/** A staging file is also fsynced each time this many more bytes of it were written. */
const FSYNC_EVERY_BYTES = 8 * 1024 * 1024;
/**
 * Read-back buffers kept for reuse within one pull. A ranged download reads back one range at a
 * time; with more than this many hashing at once the extra buffers are allocated and dropped.
 */
const MAX_POOLED_READ_BUFFERS = 8;

export interface PullOptions {
  onProgress?: ProgressListener;
}

export interface PullSummary {
  uuid: string;
  location: string;
  /** The local store already had this checkpoint; nothing was downloaded. */
  alreadyLocal: boolean;
  downloadedFiles: number;
  downloadedBytes: number;
  /** Distinct blobs the local store already had. */
  reusedFiles: number;
  /** Newer checkpoints passed over by a 'latest' pull, with the reason. */
  skipped: SkippedRemoteCheckpoint[];
}

/**
 * A newer checkpoint a 'latest' pull passed over: `damaged` when it failed verification (the
 * reason names the file and the expected and actual hash), not when its manifest was deleted
 * while pulling (retention), so a caller can refuse to run older state in place of a damaged one.
 */
export interface SkippedRemoteCheckpoint extends SkippedCheckpoint {
  damaged: boolean;
}

/** Installs checkpoint `target` ('latest' or a uuid) of `remote` into `local`. */
export async function pullCheckpoint(
  remote: RemoteStore,
  target: 'latest' | string,
  local: CheckpointStore,
  options: PullOptions = {},
): Promise<PullSummary> {
  const candidates =
    target === 'latest'
      ? (await remote.listManifestEntries()).map((e) => e.uuid).reverse()
      : [target.toLowerCase()];
  const skipped: SkippedRemoteCheckpoint[] = [];
  let damaged = 0;
  for (const uuid of candidates) {
    try {
      const summary = await pullOne(remote, uuid, local, options);
      if (summary) return { ...summary, skipped };
      if (target !== 'latest') break;
      skipped.push({ uuid, reason: 'its manifest disappeared while pulling', damaged: false });
    } catch (err) {
      if (target !== 'latest' || !(err instanceof ApiError && err.errorCode === 'SyncChecksumMismatch'))
        throw err;
      skipped.push({ uuid, reason: err.message, damaged: true });
      damaged++;
    }
  }
  if (damaged > 0) {
    throw new ApiError(
      'SyncChecksumMismatch',
      `Every checkpoint in ${remote.describe()} is damaged: ${skipped.map((s) => s.reason).join('; ')}`,
      { location: remote.objects.describe(), skipped },
    );
  }
  const what = target === 'latest' ? 'no restorable checkpoint' : `no checkpoint ${target}`;
  throw new ApiError('NoCheckpoint', `There is ${what} in ${remote.describe()}`, {
    location: remote.objects.describe(),
    skipped,
  });
}

async function pullOne(
  remote: RemoteStore,
  uuid: string,
  local: CheckpointStore,
  options: PullOptions,
): Promise<Omit<PullSummary, 'skipped'> | null> {
  const base = {
    uuid,
    location: remote.objects.describe(),
    downloadedFiles: 0,
    downloadedBytes: 0,
    reusedFiles: 0,
  };
  if (await local.manifest(uuid)) return { ...base, alreadyLocal: true };
  const manifest = await remote.readManifest(uuid);
  if (!manifest) return null;

  const blobs = distinctBlobs(manifest);
  const release = local.retainBlobs(blobs.map((b) => b.sha256));
  const staged = new Map<string, string>();
  const syncs = new StagedSync(FSYNC_CONCURRENCY, FSYNC_DRAIN_CONCURRENCY, FSYNC_EVERY_BYTES);
  try {
    const present = new Set<string>();
    await forEachLimit(blobs, remote.settings.checkers, async (blob) => {
      if (await local.hasBlob(blob.sha256, blob.size)) present.add(blob.sha256);
    });
    // Largest first: a large blob started late is still downloading when everything else is
    // done, on the few connections it has, which keep a store far from busy (alternated one-shot
    // pulls: 0.59 -> 0.56 s and 0.65 -> 0.63 s at the median, within the spread of each;
    // bench/README.md, "Sync, ninth pass").
    const missing = blobs.filter((blob) => !present.has(blob.sha256)).sort((a, b) => b.size - a.size);
    const progress = new ProgressTracker(options.onProgress);
    progress.start(
      missing.length,
      missing.reduce((sum, b) => sum + b.size, 0),
    );
    const context = {
      remote,
      checkpointUuid: uuid,
      verifySha256: !remote.settings.ignoreChecksum,
      readBuffers: new ChunkPool(READ_BACK_BYTES, MAX_POOLED_READ_BUFFERS),
      writes: { blocking: true, slowWriteMs: SLOW_WRITE_MS },
      onBytes: (count: number) => progress.bytes(count),
      onWritten: (dest: string, bytes: number) => syncs.written(dest, bytes),
    };
    await forEachLimit(missing, remote.settings.transfers, async (blob) => {
      const dest = local.stagingPath();
      staged.set(blob.sha256, dest);
      await downloadBlob(context, blob, dest);
      syncs.complete(dest);
      progress.fileDone();
    });
    progress.phase('committing');
    await syncs.drain();
    await local.install(manifest, staged);
    progress.phase('done');
    return {
      ...base,
      alreadyLocal: false,
      downloadedFiles: missing.length,
      downloadedBytes: missing.reduce((sum, b) => sum + b.size, 0),
      reusedFiles: blobs.length - missing.length,
    };
  } catch (err) {
    // No fsync of a staging file may still run once the pull has returned.
    await syncs.drain().catch(() => undefined);
    for (const path of staged.values()) await unlink(path).catch(() => undefined);
    throw err;
  } finally {
    release();
  }
}
