/**
 * Ownership of a bucket location: `owner.json` names the one pipeline that may write there.
 *
 * Two pipelines pushing to one location would collect each other's checkpoints (retention
 * deletes what its own manifests do not reference), so a push first claims the location:
 * absent `owner.json` is created with a conditional write (`If-None-Match: *`), then read back;
 * a location owned by another pipeline id, or with an unreadable `owner.json`, is refused with
 * `SyncOwnershipConflict`. Reading never needs ownership: a standby pipeline pulls from the
 * location of the pipeline it stands in for.
 *
 * `pipeline_name` is Feldera's system name, `pipeline-<id>`, which a rename does not change
 * (Feldera's platform test test_owner_lock_allows_renamed_pipeline reads it);
 * `display_name` keeps the user's name at claim time, for messages only.
 */
import { ApiError } from '../types/errors.js';
import type { ObjectStore } from './object-store.js';
import { OWNER_KEY } from './remote-store.js';

export interface PipelineOwner {
  pipelineId: string;
  pipelineName: string;
}

interface OwnerDocument {
  pipeline_id: string;
  pipeline_name: string;
  display_name?: string;
  claimed_at: string;
}

/** Feldera's system name of a pipeline: stable across renames. */
export function systemPipelineName(pipelineId: string): string {
  return `pipeline-${pipelineId}`;
}

/** Makes sure `owner` owns the location, claiming it if nobody does. */
export async function claimOwnership(objects: ObjectStore, owner: PipelineOwner): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const text = await objects.getBuffer(OWNER_KEY);
    if (text !== null) {
      const current = parseOwner(text);
      if (current?.pipeline_id === owner.pipelineId) return;
      throw conflict(objects, owner, current);
    }
    const claim: OwnerDocument = {
      pipeline_id: owner.pipelineId,
      pipeline_name: systemPipelineName(owner.pipelineId),
      display_name: owner.pipelineName,
      claimed_at: new Date().toISOString(),
    };
    await objects.putBuffer(OWNER_KEY, Buffer.from(`${JSON.stringify(claim)}\n`), { ifAbsent: true });
  }
  throw new ApiError('SyncFailed', `Could not read back ${objects.describe()}${OWNER_KEY} after writing it`);
}

function parseOwner(text: Buffer): OwnerDocument | null {
  try {
    const doc = JSON.parse(text.toString('utf8')) as Partial<OwnerDocument> | null;
    return typeof doc?.pipeline_id === 'string' ? (doc as OwnerDocument) : null;
  } catch {
    return null;
  }
}

function conflict(objects: ObjectStore, owner: PipelineOwner, current: OwnerDocument | null): ApiError {
  const holder = current
    ? `owned by pipeline '${current.display_name ?? current.pipeline_name}' (${current.pipeline_id})`
    : `claimed by an unreadable ${OWNER_KEY}`;
  return new ApiError(
    'SyncOwnershipConflict',
    `${objects.describe()} is ${holder}; pipeline '${owner.pipelineName}' (${owner.pipelineId}) will not write there`,
    {
      location: objects.describe(),
      owner_pipeline_id: current?.pipeline_id ?? null,
      owner_pipeline_name: current?.display_name ?? current?.pipeline_name ?? null,
    },
  );
}
