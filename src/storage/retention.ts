/**
 * Remote retention, run after each successful push.
 *
 * Manifests are ordered newest first by uuid (v7, so by creation time). The newest
 * `retention_min_count` are kept; of the others, those created at least `retention_min_age`
 * days ago (the time in their uuid v7) are deleted, except the checkpoint just pushed. Then,
 * if any manifest was deleted, the blobs that no remaining manifest references are deleted.
 * The order (manifests first, then blobs) keeps every remaining checkpoint whole if retention
 * dies half way; blobs left over by a failed push are collected the next time a checkpoint
 * expires.
 *
 * Deciding what expires needs only the listing; the sweep reads every remaining manifest (with
 * `checkers` in parallel), which is why it runs only when something expired. Two safety rules
 * for the sweep:
 * - if any remaining manifest cannot be read or parsed, no blob is deleted (its references
 *   are unknown);
 * - a blob younger than `orphanBlobGraceSeconds` before the just-pushed manifest (both times by
 *   the store's clock, so client clock skew does not matter) is kept even when unreferenced:
 *   it may belong to a push whose manifest is not written yet, e.g. a pipeline that is still
 *   running somewhere during a fail-over.
 */
import { ApiError } from '../types/errors.js';
import { forEachLimit } from './concurrency.js';
import {
  BLOBS_PREFIX,
  blobKey,
  manifestKey,
  type RemoteManifestEntry,
  type RemoteStore,
} from './remote-store.js';
import { uuidv7Time } from './uuid.js';

export interface RetentionResult {
  deletedCheckpoints: string[];
  deletedBlobs: number;
  keptCheckpoints: number;
  /** Why unreferenced blobs were not looked for, if they were not. */
  blobSweepSkipped: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Applies the location's retention settings, never deleting checkpoint `protectUuid`. */
export async function applyRetention(
  remote: RemoteStore,
  protectUuid: string,
  now = new Date(),
): Promise<RetentionResult> {
  remote.assertWritable();
  const { retentionMinCount, retentionMinAgeDays } = remote.settings;
  const entries = (await remote.listManifestEntries()).reverse();
  const latestCreation = now.getTime() - retentionMinAgeDays * DAY_MS;
  const expired = entries.slice(retentionMinCount).filter(({ uuid }) => {
    const created = uuidv7Time(uuid);
    return uuid !== protectUuid && created !== null && created <= latestCreation;
  });
  const expiredUuids = expired.map((e) => e.uuid).reverse();
  await remote.objects.deleteKeys(expiredUuids.map(manifestKey));
  const remaining = entries.filter((e) => !expiredUuids.includes(e.uuid));
  const base = { deletedCheckpoints: expiredUuids, keptCheckpoints: remaining.length };
  if (expired.length === 0) return { ...base, deletedBlobs: 0, blobSweepSkipped: 'no checkpoint expired' };
  const sweep = await sweepBlobs(remote, remaining, protectUuid);
  return { ...base, deletedBlobs: sweep.deleted, blobSweepSkipped: sweep.skipped };
}

/** Deletes the blobs no remaining manifest references (see the module header for the rules). */
async function sweepBlobs(
  remote: RemoteStore,
  remaining: readonly RemoteManifestEntry[],
  protectUuid: string,
): Promise<{ deleted: number; skipped: string | null }> {
  const pushed = remaining.find((e) => e.uuid === protectUuid);
  if (!pushed) return { deleted: 0, skipped: `checkpoint ${protectUuid} is not listed` };
  const referenced = new Set<string>();
  const unreadable: string[] = [];
  await forEachLimit(remaining, remote.settings.checkers, async ({ uuid }) => {
    try {
      for (const file of (await remote.readManifest(uuid))?.files ?? []) referenced.add(file.sha256);
    } catch (err) {
      if (!(err instanceof ApiError && err.errorCode === 'SyncChecksumMismatch')) throw err;
      unreadable.push(uuid);
    }
  });
  if (unreadable.length > 0) {
    return { deleted: 0, skipped: `manifests ${unreadable.sort().join(', ')} could not be read` };
  }
  const cutoff = pushed.lastModified.getTime() - remote.orphanBlobGraceSeconds * 1000;
  const orphans = (await remote.objects.list(BLOBS_PREFIX))
    .map((object) => ({ sha256: object.key.slice(BLOBS_PREFIX.length), lastModified: object.lastModified }))
    .filter(({ sha256, lastModified }) => !referenced.has(sha256) && lastModified.getTime() <= cutoff);
  await remote.objects.deleteKeys(orphans.map((o) => blobKey(o.sha256)));
  return { deleted: orphans.length, skipped: null };
}
