/**
 * Where a starting pipeline gets its state from, and the pull that standby and activation
 * repeat (Feldera's "checkpoint resolution priority", docs pipelines/checkpoint-sync.md).
 *
 * 1. The local storage directory: its newest checkpoint that verifies. A pipeline that has run
 *    and kept its storage resumes where it was, whatever `start_from_checkpoint` says (as in
 *    Feldera: a checkpoint is only fetched into cleared storage).
 * 2. If `start_from_checkpoint` is set ('latest' or a uuid): the `bucket` location, then, only
 *    if `bucket` has no such checkpoint, the `read_bucket` location (never written), pulling
 *    the checkpoint into local storage.
 * 3. If no store has one: start empty, or, with `fail_if_no_checkpoint`, fail with
 *    `CheckpointFetchError` saying that the checkpoint was not found and naming every store
 *    looked in.
 * With `start_from_checkpoint` unset, object storage is not consulted at all.
 *
 * "Not found" is only ever a store that answered and holds no such checkpoint. A store that
 * cannot be reached or read (unreachable endpoint, rejected credentials, missing bucket, a
 * damaged checkpoint asked for by uuid) is a `CheckpointFetchError` whatever
 * `fail_if_no_checkpoint` says: starting empty then would silently lose the state the store
 * holds.
 */
import { ApiError } from '../types/errors.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { type PullOptions, type PullSummary, pullCheckpoint } from './pull.js';
import { type RemoteOptions, type RemoteRole, RemoteStore } from './remote-store.js';
import { resolveSyncSettings, type SyncConfig } from './sync-config.js';

export type StartSource = 'local' | RemoteRole | 'none';

export interface StartResolution {
  source: StartSource;
  /** The checkpoint to load from local storage (`CheckpointStore.load`), null to start empty. */
  uuid: string | null;
  /** What was tried and passed over, in order, and why. */
  skipped: Array<{ source: Exclude<StartSource, 'none'>; reason: string }>;
  pulled: PullSummary | null;
}

/** The outcome of looking for a checkpoint in the object store: pulled, or in no store. */
export type RemotePull =
  | { found: true; source: RemoteRole; summary: PullSummary; skipped: StartResolution['skipped'] }
  | { found: false; skipped: StartResolution['skipped'] };

/** Feldera's wording for a checkpoint that could not be fetched (`ControllerError::CheckpointFetchError`). */
function fetchError(message: string, details: Record<string, unknown>): ApiError {
  return new ApiError(
    'CheckpointFetchError',
    `Error fetching checkpoint from object store: ${message}`,
    details,
  );
}

/** A store that failed to answer, as a `CheckpointFetchError` naming it and the store's own error. */
export function storeFailure(role: RemoteRole, err: ApiError): ApiError {
  return fetchError(`${role} could not be read: ${err.message}`, {
    source: role,
    cause: err.errorCode,
    cause_details: err.details,
  });
}

/**
 * Pulls checkpoint `target` ('latest' or a uuid) from `bucket`, or from `read_bucket` when
 * `bucket` has none. Throws `CheckpointFetchError` when a store cannot be reached or read.
 */
export async function pullFromObjectStore(
  config: SyncConfig,
  target: string,
  local: CheckpointStore,
  options: RemoteOptions & PullOptions = {},
): Promise<RemotePull> {
  const skipped: StartResolution['skipped'] = [];
  return RemoteStore.using(config, options, async (bucket, readBucket) => {
    for (const remote of [bucket, readBucket]) {
      if (!remote) continue;
      try {
        const summary = await pullCheckpoint(remote, target, local, options);
        return { found: true, source: remote.role, summary, skipped };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.errorCode !== 'NoCheckpoint') throw storeFailure(remote.role, err);
        skipped.push({ source: remote.role, reason: err.message });
      }
    }
    return { found: false, skipped };
  });
}

/**
 * The `CheckpointFetchError` of an activation whose pull of 'latest' found the store's newest
 * checkpoint(s) damaged and fell back to `ranUuid`: a standby takes over to run the store's
 * newest state (docs/storage.md, Standby), so running an older one in its place is refused.
 * `damaged` are the checkpoints passed over; each reason names the file and both hashes.
 */
export function damagedNewest(
  source: RemoteRole,
  ranUuid: string,
  damaged: ReadonlyArray<{ uuid: string; reason: string }>,
): ApiError {
  return fetchError(
    `activation refused to run checkpoint ${ranUuid} from ${source} in place of a newer damaged one: ${damaged
      .map((d) => d.reason)
      .join('; ')}`,
    { source, fallback: ranUuid, damaged: damaged.map((d) => ({ uuid: d.uuid, reason: d.reason })) },
  );
}

/**
 * The `CheckpointFetchError` of `fail_if_no_checkpoint` when no store has checkpoint
 * `target`: it says so and names the stores looked in (`skipped`, in order). "were not found
 * in source" is the phrase of Feldera's own message (its checkpoint-sync tests match it).
 */
export function checkpointNotFound(target: string, skipped: StartResolution['skipped']): ApiError {
  const what = target === 'latest' ? 'checkpoints' : `checkpoints with uuid ${target}`;
  return fetchError(
    `checkpoint not found: fail_if_no_checkpoint is set and ${what} were not found in source ${skipped
      .map((s) => `${s.source} (${s.reason})`)
      .join(', nor in source ')}`,
    { target, looked_in: skipped },
  );
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

  skipped.push({ source: 'local', reason: `local storage ${local.dir} has no checkpoint` });
  const pulled = await pullFromObjectStore(config, target, local, options);
  skipped.push(...pulled.skipped);
  if (pulled.found) {
    return { source: pulled.source, uuid: pulled.summary.uuid, skipped, pulled: pulled.summary };
  }
  if (settings.failIfNoCheckpoint) throw checkpointNotFound(target, skipped);
  return { source: 'none', uuid: null, skipped, pulled: null };
}
