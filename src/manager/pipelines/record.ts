/**
 * Pipeline records: creation, updates, the combined deployment status, and the wire form.
 *
 * The runner and the API write the "resources" and "runtime" statuses (and their desired
 * counterparts) that Feldera's reference defines; `deployment_status` and
 * `deployment_desired_status` are derived from them here, in one place, and their `_since`
 * timestamps move only when the derived value changes.
 */
import { randomUUID } from 'node:crypto';
import type {
  CombinedDesiredStatus,
  CombinedStatus,
  PipelineFieldSelector,
  PostPutPipeline,
} from '../../types/pipeline.js';
import { redactSecrets } from '../../types/secrets.js';
import type { PipelineRecord } from '../store/types.js';
import { PLATFORM_VERSION } from '../version.js';
import { fillProgramConfig, fillRuntimeConfig } from './defaults.js';

export function nowIso(): string {
  return new Date().toISOString();
}

/** A new, stopped pipeline whose program awaits compilation. */
export function newPipelineRecord(body: PostPutPipeline, now = nowIso()): PipelineRecord {
  return {
    id: randomUUID(),
    name: body.name,
    description: body.description ?? '',
    created_at: now,
    version: 1,
    platform_version: PLATFORM_VERSION,
    runtime_config: fillRuntimeConfig(body.runtime_config),
    program_code: body.program_code,
    udf_rust: body.udf_rust ?? '',
    udf_toml: body.udf_toml ?? '',
    program_config: fillProgramConfig(body.program_config),
    program_version: 1,
    program_status: 'Pending',
    program_status_since: now,
    program_error: { sql_compilation: null, rust_compilation: null, system_error: null },
    program_info: null,
    deployment_error: null,
    refresh_version: 1,
    storage_status: 'Cleared',
    storage_status_details: null,
    deployment_id: null,
    deployment_initial: null,
    bootstrap_policy: null,
    silent_bootstrap: null,
    deployment_status: 'Stopped',
    deployment_status_since: now,
    deployment_desired_status: 'Stopped',
    deployment_desired_status_since: now,
    deployment_resources_status: 'Stopped',
    deployment_resources_status_details: null,
    deployment_resources_status_since: now,
    deployment_resources_desired_status: 'Stopped',
    deployment_resources_desired_status_since: now,
    deployment_runtime_status: null,
    deployment_runtime_status_details: null,
    deployment_runtime_status_since: null,
    deployment_runtime_desired_status: null,
    deployment_runtime_desired_status_since: null,
    deployment_location: null,
  };
}

/** The fields of a pipeline that a PUT or PATCH may change. */
export interface DefinitionChange {
  name?: string;
  description?: string;
  program_code?: string;
  udf_rust?: string;
  udf_toml?: string;
  program_config?: Record<string, unknown>;
  runtime_config?: Record<string, unknown>;
}

/**
 * Applies a definition change. `version` moves when anything changes; `program_version`
 * (and a recompilation) only when the program, its UDFs or its program config change.
 * Returns whether anything changed.
 */
export function applyDefinitionChange(
  rec: PipelineRecord,
  change: DefinitionChange,
  now = nowIso(),
): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const programChanged =
    (change.program_code !== undefined && change.program_code !== rec.program_code) ||
    (change.udf_rust !== undefined && change.udf_rust !== rec.udf_rust) ||
    (change.udf_toml !== undefined && change.udf_toml !== rec.udf_toml) ||
    (change.program_config !== undefined && !same(change.program_config, rec.program_config));
  const otherChanged =
    (change.name !== undefined && change.name !== rec.name) ||
    (change.description !== undefined && change.description !== rec.description) ||
    (change.runtime_config !== undefined && !same(change.runtime_config, rec.runtime_config));
  if (!programChanged && !otherChanged) return false;
  if (change.name !== undefined) rec.name = change.name;
  if (change.description !== undefined) rec.description = change.description;
  if (change.runtime_config !== undefined) rec.runtime_config = change.runtime_config;
  if (change.program_code !== undefined) rec.program_code = change.program_code;
  if (change.udf_rust !== undefined) rec.udf_rust = change.udf_rust;
  if (change.udf_toml !== undefined) rec.udf_toml = change.udf_toml;
  if (change.program_config !== undefined) rec.program_config = change.program_config;
  rec.version += 1;
  rec.refresh_version += 1;
  if (programChanged) {
    // Recompiled by this manager: it now has this platform's version (Feldera's rule).
    rec.platform_version = PLATFORM_VERSION;
    rec.program_version += 1;
    rec.program_status = 'Pending';
    rec.program_status_since = now;
    rec.program_error = { sql_compilation: null, rust_compilation: null, system_error: null };
    rec.program_info = null;
  }
  return true;
}

function combinedStatus(rec: PipelineRecord): CombinedStatus {
  if (rec.deployment_resources_status !== 'Provisioned') return rec.deployment_resources_status;
  return rec.deployment_runtime_status ?? 'Initializing';
}

function combinedDesiredStatus(rec: PipelineRecord): CombinedDesiredStatus {
  if (rec.deployment_resources_desired_status === 'Stopped') return 'Stopped';
  const runtime = rec.deployment_runtime_desired_status ?? 'Running';
  return runtime === 'Coordination' ? 'Running' : runtime;
}

/** Recomputes the derived statuses after the runner or the API changed the parts. */
export function refreshDerivedStatus(rec: PipelineRecord, now = nowIso()): void {
  const status = combinedStatus(rec);
  if (status !== rec.deployment_status) {
    rec.deployment_status = status;
    rec.deployment_status_since = now;
  }
  const desired = combinedDesiredStatus(rec);
  if (desired !== rec.deployment_desired_status) {
    rec.deployment_desired_status = desired;
    rec.deployment_desired_status_since = now;
  }
}

/** What `selector=status` leaves out, as Feldera 0.312's `PipelineSelectedInfo::new_status`. */
const STATUS_OMITS = [
  'program_code',
  'udf_rust',
  'udf_toml',
  'program_config',
  'runtime_config',
  'program_error',
  'program_info',
];

/** The pipeline as clients see it (`PipelineInfo`, or `PipelineSelectedInfo` for a selector). */
export function toPipelineInfo(
  rec: PipelineRecord,
  selector: PipelineFieldSelector = 'all',
  connectors: unknown = null,
): Record<string, unknown> {
  const { deployment_location: _internal, ...wire } = rec;
  // Records stored before these fields existed lack them; clients expect them present.
  const info: Record<string, unknown> = redactSecrets({
    ...wire,
    bootstrap_policy: rec.bootstrap_policy ?? null,
    silent_bootstrap: rec.silent_bootstrap ?? null,
  });
  if (selector !== 'all') {
    for (const field of STATUS_OMITS) delete info[field];
    if (selector === 'status_with_connectors') info.connectors = connectors;
  }
  return info;
}
