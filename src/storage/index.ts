/**
 * Sluice's storage library: crash-safe local checkpoints (checkpoint-store.ts) and their sync
 * with S3-compatible object storage (push, pull, retention, ownership). Import from here.
 */
export {
  type CheckpointFileInput,
  CheckpointStore,
  type CheckpointStoreOptions,
  DEFAULT_KEEP,
  type LatestValid,
  type LoadedCheckpoint,
  type NewCheckpoint,
  type SkippedCheckpoint,
  type WriteResult,
  type WriteStage,
} from './checkpoint-store.js';
export {
  type PushOutcome,
  SyncCoordinator,
  type SyncCoordinatorOptions,
  type SyncStatus,
} from './coordinator.js';
export {
  type CheckpointManifest,
  type CheckpointMetadata,
  type ManifestFile,
  toCheckpointMetadata,
} from './manifest.js';
export type { PipelineOwner } from './ownership.js';
export type { ProgressListener, TransferPhase, TransferProgress } from './progress.js';
export { type PullOptions, type PullSummary, pullCheckpoint } from './pull.js';
export { type PushOptions, type PushSummary, pushCheckpoint } from './push.js';
export { listRemoteCheckpoints, type RemoteOptions, type RemoteRole, RemoteStore } from './remote-store.js';
export {
  checkpointNotFound,
  pullFromObjectStore,
  type RemotePull,
  resolveStartCheckpoint,
  type StartResolution,
  type StartSource,
  storeFailure,
} from './resolve.js';
export { applyRetention, type RetentionResult } from './retention.js';
export type { RetryPolicy } from './retry.js';
export {
  parseSize,
  resolveSyncSettings,
  type SyncConfig,
  type SyncConfigValidation,
  type SyncSettings,
  validateSyncConfig,
} from './sync-config.js';
