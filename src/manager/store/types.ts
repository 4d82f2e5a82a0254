/**
 * The metadata store: everything the manager persists, behind one transactional interface.
 *
 * The API layer and the runner only see `MetadataStore`; the embedded SQLite store is the
 * default, and a PostgreSQL store (several managers behind one database) can implement the
 * same interface. Every method is async so that a networked database fits; a transaction
 * either applies all of its writes or none.
 */
import type { ErrorBody } from '../../types/errors.js';
import type {
  BootstrapPolicy,
  CombinedDesiredStatus,
  CombinedStatus,
  ProgramError,
  ProgramStatus,
  ResourcesDesiredStatus,
  ResourcesStatus,
  RuntimeDesiredStatus,
  RuntimeStatus,
  StorageStatus,
} from '../../types/pipeline.js';

/** Where a deployed pipeline process can be found; internal, never sent to clients. */
export interface DeploymentLocation {
  pid: number;
  port: number | null;
  /** Shared secret the manager sends to the process; the process rejects requests without it. */
  token: string;
  logPath: string;
}

/** A pipeline as stored: its definition, its program's compilation outcome and its deployment state. */
export interface PipelineRecord {
  id: string;
  name: string;
  description: string;
  created_at: string;
  version: number;
  platform_version: string;
  runtime_config: Record<string, unknown>;
  program_code: string;
  udf_rust: string;
  udf_toml: string;
  program_config: Record<string, unknown>;
  program_version: number;
  program_status: ProgramStatus;
  program_status_since: string;
  program_error: ProgramError;
  program_info: unknown | null;
  deployment_error: ErrorBody | null;
  refresh_version: number;
  storage_status: StorageStatus;
  storage_status_details: unknown | null;
  deployment_id: string | null;
  deployment_initial: RuntimeDesiredStatus | null;
  /** `/start?bootstrap_policy=` (default `await_approval`), set with `deployment_initial`, unset with it. */
  bootstrap_policy: BootstrapPolicy | null;
  /** `/start?silent_bootstrap=`, set and unset with `deployment_initial`. */
  silent_bootstrap: boolean | null;
  deployment_status: CombinedStatus;
  deployment_status_since: string;
  deployment_desired_status: CombinedDesiredStatus;
  deployment_desired_status_since: string;
  deployment_resources_status: ResourcesStatus;
  deployment_resources_status_details: unknown | null;
  deployment_resources_status_since: string;
  deployment_resources_desired_status: ResourcesDesiredStatus;
  deployment_resources_desired_status_since: string;
  deployment_runtime_status: RuntimeStatus | null;
  deployment_runtime_status_details: unknown | null;
  deployment_runtime_status_since: string | null;
  deployment_runtime_desired_status: RuntimeDesiredStatus | null;
  deployment_runtime_desired_status_since: string | null;
  deployment_location: DeploymentLocation | null;
}

/** A pipeline's statuses at one moment (Feldera's `PipelineMonitorEvent`; monitor-events.ts). */
export interface PipelineMonitorEvent {
  event_id: string;
  recorded_at: string;
  deployment_resources_status: PipelineRecord['deployment_resources_status'];
  deployment_resources_status_details: unknown;
  deployment_resources_desired_status: PipelineRecord['deployment_resources_desired_status'];
  deployment_runtime_status: PipelineRecord['deployment_runtime_status'];
  deployment_runtime_status_details: unknown;
  deployment_runtime_desired_status: PipelineRecord['deployment_runtime_desired_status'];
  deployment_has_error: boolean;
  deployment_error: PipelineRecord['deployment_error'];
  program_status: PipelineRecord['program_status'];
  storage_status: PipelineRecord['storage_status'];
  storage_status_details: unknown;
}

/** An API key as stored: only a hash of the secret is kept. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  hash: string;
  scopes: Array<'Read' | 'Write'>;
  created_at: string;
}

/** Reads and writes inside one transaction. */
export interface StoreTx {
  listPipelines(): Promise<PipelineRecord[]>;
  getPipelineByName(name: string): Promise<PipelineRecord | undefined>;
  getPipelineById(id: string): Promise<PipelineRecord | undefined>;
  /** Inserts a new pipeline; the caller has checked that the name is free. */
  insertPipeline(record: PipelineRecord): Promise<void>;
  /** Replaces the stored pipeline with the same id (the name may change). */
  updatePipeline(record: PipelineRecord): Promise<void>;
  /** Deletes the pipeline and its monitor events. */
  deletePipeline(id: string): Promise<void>;
  /** The pipeline's monitor events, newest first (insert and update store them; monitor-events.ts). */
  listPipelineEvents(pipelineId: string): Promise<PipelineMonitorEvent[]>;

  listApiKeys(): Promise<ApiKeyRecord[]>;
  getApiKeyByName(name: string): Promise<ApiKeyRecord | undefined>;
  getApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  insertApiKey(record: ApiKeyRecord): Promise<void>;
  deleteApiKey(id: string): Promise<void>;
}

export interface MetadataStore {
  /** Runs `fn` in a transaction: its writes are applied together when it resolves, none if it throws. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
