/**
 * Where a starting pipeline gets its state from.
 *
 * 1. The local storage directory: its newest checkpoint that verifies. A pipeline that has run
 *    and kept its storage resumes where it was, whatever `start_from_checkpoint` says (as in
 *    Feldera: a checkpoint is only fetched into cleared storage).
 * 2. If `start_from_checkpoint` is set ('latest' or a uuid): the `bucket` location, then the
 *    `read_bucket` location (never written), pulling the checkpoint into local storage.
 * 3. Otherwise start empty, unless `fail_if_no_checkpoint`, which turns "nothing found" (or
 *    the error that prevented finding it) into a failure.
 * With `start_from_checkpoint` unset, object storage is not consulted at all.
 */
import { ApiError } from '../types/errors.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { type PullOptions, type PullSummary, pullCheckpoint } from './pull.js';
import { type RemoteOptions, RemoteStore } from './remote-store.js';
import { resolveSyncSettings, type SyncConfig } from './sync-config.js';

export type StartSource = 'local' | 'bucket' | 'read_bucket' | 'none';

export interface StartResolution {
  source: StartSource;
  /** The checkpoint to load from local storage (`CheckpointStore.load`), null to start empty. */
  uuid: string | null;
  /** What was tried and passed over, in order, and why. */
  skipped: Array<{ source: Exclude<StartSource, 'none'>; reason: string }>;
  pulled: PullSummary | null;
}

/** Decides (and if needed pulls) the checkpoint a pipeline starts from; see module header. */
export async function resolveStartCheckpoint(
  config: SyncConfig | null,
  local: CheckpointStore,
  options: RemoteOptions & PullOptions = {},
): Promise<StartResolution> {
  const skipped: StartResolution['skipped'] = [];
  const found = await local.findLatestValid();
  for (const s of found.skipped) skipped.push({ source: 'local', reason: s.reason });
  if (found.checkpoint) return { source: 'local', uuid: found.checkpoint.uuid, skipped, pulled: null };

  const settings = config ? resolveSyncSettings(config) : null;
  const target = settings?.startFromCheckpoint;
  if (!config || !settings || !target) return { source: 'none', uuid: null, skipped, pulled: null };

  const errors: ApiError[] = [];
  const pulled = await RemoteStore.using(config, options, async (bucket, readBucket) => {
    for (const remote of [bucket, readBucket]) {
      if (!remote) continue;
      try {
        return { source: remote.role, summary: await pullCheckpoint(remote, target, local, options) };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        skipped.push({ source: remote.role, reason: err.message });
        if (err.errorCode !== 'NoCheckpoint') errors.push(err);
      }
    }
    return null;
  });
  if (pulled) return { source: pulled.source, uuid: pulled.summary.uuid, skipped, pulled: pulled.summary };
  if (settings.failIfNoCheckpoint) {
    if (errors[0]) throw errors[0];
    throw new ApiError(
      'NoCheckpoint',
      `fail_if_no_checkpoint is set and no checkpoint ${target === 'latest' ? '' : `${target} `}was found: ${skipped.map((s) => `${s.source}: ${s.reason}`).join('; ')}`,
      { skipped },
    );
  }
  return { source: 'none', uuid: null, skipped, pulled: null };
}
