/**
 * `storage_status_details` of a pipeline whose storage is in use: `{"checkpoints": [...]}`,
 * the checkpoints its storage directory holds in Feldera's `CheckpointMetadata` shape, oldest
 * first, as Feldera 0.312 reports them (the OpenAPI document leaves the field untyped).
 *
 * The manager reads the manifests the pipeline process wrote (`<storage>/checkpoints/<uuid>.json`,
 * src/storage/manifest.ts) without opening a `CheckpointStore`, which would collect and
 * remove files: the directory belongs to the process. A manifest that cannot be read or parsed
 * (a write in flight, a damaged file) is left out; the process reports it when it resumes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  byAge,
  type CheckpointManifest,
  type CheckpointMetadata,
  parseManifest,
  toCheckpointMetadata,
  uuidOfManifestFileName,
} from '../../storage/manifest.js';

export interface StorageStatusDetails {
  checkpoints: CheckpointMetadata[];
}

/** The details of the storage directory `storageDir`; no checkpoints when it does not exist. */
export function readStorageDetails(storageDir: string): StorageStatusDetails {
  const dir = join(storageDir, 'checkpoints');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { checkpoints: [] };
  }
  const manifests: CheckpointManifest[] = [];
  for (const name of names) {
    const uuid = uuidOfManifestFileName(name);
    if (!uuid) continue;
    try {
      manifests.push(parseManifest(readFileSync(join(dir, name)), uuid));
    } catch {
      // Skipped, as the module header says.
    }
  }
  return { checkpoints: manifests.sort(byAge).map(toCheckpointMetadata) };
}
