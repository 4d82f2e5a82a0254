/**
 * Wire types of pipelines, shared by the manager and the pipeline process.
 *
 * The shapes follow Feldera's v0.312 OpenAPI document (`PostPutPipeline`, `PatchPipeline`,
 * `PipelineInfo`, `RuntimeConfig`, `ProgramConfig`, the status enums). TypeBox gives the JSON
 * schema that validates requests, the TypeScript type, and the OpenAPI document from one
 * definition. Unknown fields are accepted and ignored, as Feldera does; known fields are
 * type-checked, and semantic checks (e.g. the object-store configuration) run when a
 * pipeline is created or updated.
 *
 * Integers are bounded by the Rust type Feldera deserializes them into (`feldera_types::config`:
 * `workers` is a u16, `storage.min_storage_bytes` a usize, `resources.memory_mb_max` a u64...),
 * and a field Feldera holds in an `Option` is nullable, others are not: a value Feldera's
 * `serde_json::from_value::<RuntimeConfig>` refuses is refused here too, as
 * `InvalidRuntimeConfig` (src/http/errors.ts), instead of being stored and misread later.
 */
import { type Static, Type as T, type TSchema } from '@sinclair/typebox';
import { type UnsignedType, unsignedMax } from './unsigned.js';

const Nullable = <S extends TSchema>(schema: S) => T.Union([schema, T.Null()]);

/** An integer in the range of the Rust type `rust` (0 to its maximum). */
export const Unsigned = (rust: UnsignedType) => T.Integer({ minimum: 0, maximum: unsignedMax(rust) });

export const PIPELINE_NAME_PATTERN = '^([A-Za-z0-9][-A-Za-z0-9_]*)?[A-Za-z0-9]$';
export const PIPELINE_NAME_MAX_LENGTH = 100;

export const FtConfigSchema = T.Object(
  {
    model: T.Optional(T.Union([T.Literal('none'), T.Literal('at_least_once'), T.Literal('exactly_once')])),
    checkpoint_interval_secs: T.Optional(Nullable(Unsigned('u64'))),
  },
  { additionalProperties: true },
);

export const StorageBackendSchema = T.Object(
  {
    name: T.Union([T.Literal('default'), T.Literal('file'), T.Literal('object')]),
    config: T.Optional(T.Unknown()),
  },
  { additionalProperties: true },
);

export const StorageOptionsSchema = T.Object(
  {
    backend: T.Optional(StorageBackendSchema),
    min_storage_bytes: T.Optional(Nullable(Unsigned('usize'))),
    min_step_storage_bytes: T.Optional(Nullable(Unsigned('usize'))),
    compression: T.Optional(T.Union([T.Literal('default'), T.Literal('none'), T.Literal('snappy')])),
    cache_mib: T.Optional(Nullable(Unsigned('usize'))),
  },
  { additionalProperties: true },
);

/** An `Option<u64>` of Feldera's: absent, null, or an integer from 0 to u64::MAX. */
const NullableU64 = () => T.Optional(Nullable(Unsigned('u64')));

/** 0.312's `ResourceConfig`: every field optional and nullable, typed as the OpenAPI document has it. */
export const ResourceConfigSchema = T.Object(
  {
    cpu_cores_min: T.Optional(Nullable(T.Number({ minimum: 0 }))),
    cpu_cores_max: T.Optional(Nullable(T.Number({ minimum: 0 }))),
    memory_mb_min: NullableU64(),
    memory_mb_max: NullableU64(),
    storage_mb_max: NullableU64(),
    storage_class: T.Optional(Nullable(T.String())),
    service_account_name: T.Optional(Nullable(T.String())),
    namespace: T.Optional(Nullable(T.String())),
  },
  { additionalProperties: true },
);

export const RuntimeConfigSchema = T.Object(
  {
    workers: T.Optional(Unsigned('u16')),
    hosts: T.Optional(Unsigned('usize')),
    // Feldera's RuntimeConfig deserializer also takes the legacy forms `storage: true|false` and
    // `fault_tolerance: "initial_state"|"latest_checkpoint"|null`; `fillRuntimeConfig` maps them.
    storage: T.Optional(T.Union([StorageOptionsSchema, T.Boolean(), T.Null()])),
    fault_tolerance: T.Optional(
      T.Union([FtConfigSchema, T.Literal('initial_state'), T.Literal('latest_checkpoint'), T.Null()]),
    ),
    cpu_profiler: T.Optional(T.Boolean()),
    tracing: T.Optional(T.Boolean()),
    tracing_endpoint_jaeger: T.Optional(T.String()),
    min_batch_size_records: T.Optional(Unsigned('u64')),
    max_buffering_delay_usecs: T.Optional(Unsigned('u64')),
    resources: T.Optional(ResourceConfigSchema),
    clock_resolution_usecs: NullableU64(),
    pin_cpus: T.Optional(T.Array(Unsigned('usize'))),
    provisioning_timeout_secs: NullableU64(),
    max_parallel_connector_init: NullableU64(),
    init_containers: T.Optional(T.Unknown()),
    checkpoint_during_suspend: T.Optional(T.Boolean()),
    http_workers: NullableU64(),
    io_workers: NullableU64(),
    max_rss_mb: NullableU64(),
    datafusion_memory_mb: NullableU64(),
    env: T.Optional(T.Record(T.String(), T.String())),
    dev_tweaks: T.Optional(T.Object({}, { additionalProperties: true })),
    logging: T.Optional(Nullable(T.String())),
    pipeline_template_configmap: T.Optional(Nullable(T.Object({}, { additionalProperties: true }))),
  },
  { additionalProperties: true },
);
export type RuntimeConfig = Static<typeof RuntimeConfigSchema>;

export const ProgramConfigSchema = T.Object(
  {
    profile: T.Optional(
      Nullable(
        T.Union([
          T.Literal('dev'),
          T.Literal('unoptimized'),
          T.Literal('optimized'),
          T.Literal('optimized_symbols'),
        ]),
      ),
    ),
    cache: T.Optional(T.Boolean()),
    runtime_version: T.Optional(Nullable(T.String())),
    use_platform_compiler: T.Optional(T.Boolean()),
  },
  { additionalProperties: true },
);
export type ProgramConfig = Static<typeof ProgramConfigSchema>;

export const PostPutPipelineSchema = T.Object(
  {
    name: T.String(),
    description: T.Optional(Nullable(T.String())),
    program_code: T.String(),
    udf_rust: T.Optional(Nullable(T.String())),
    udf_toml: T.Optional(Nullable(T.String())),
    program_config: T.Optional(Nullable(ProgramConfigSchema)),
    runtime_config: T.Optional(Nullable(RuntimeConfigSchema)),
  },
  { additionalProperties: true, $id: 'PostPutPipeline' },
);
export type PostPutPipeline = Static<typeof PostPutPipelineSchema>;

export const PatchPipelineSchema = T.Object(
  {
    name: T.Optional(Nullable(T.String())),
    description: T.Optional(Nullable(T.String())),
    program_code: T.Optional(Nullable(T.String())),
    udf_rust: T.Optional(Nullable(T.String())),
    udf_toml: T.Optional(Nullable(T.String())),
    program_config: T.Optional(Nullable(ProgramConfigSchema)),
    runtime_config: T.Optional(Nullable(RuntimeConfigSchema)),
  },
  { additionalProperties: true, $id: 'PatchPipeline' },
);
export type PatchPipeline = Static<typeof PatchPipelineSchema>;

export const ProgramStatus = [
  'Pending',
  'CompilingSql',
  'SqlCompiled',
  'CompilingRust',
  'Success',
  'SqlError',
  'RustError',
  'SystemError',
] as const;
export type ProgramStatus = (typeof ProgramStatus)[number];

export type ResourcesStatus = 'Stopped' | 'Provisioning' | 'Provisioned' | 'Stopping';
export type ResourcesDesiredStatus = 'Stopped' | 'Provisioned';
export type RuntimeStatus =
  | 'Unavailable'
  | 'Coordination'
  | 'Standby'
  | 'Initializing'
  | 'AwaitingApproval'
  | 'Bootstrapping'
  | 'Replaying'
  | 'Paused'
  | 'Running'
  | 'Suspended';
export type RuntimeDesiredStatus =
  | 'Unavailable'
  | 'Coordination'
  | 'Standby'
  | 'Paused'
  | 'Running'
  | 'Suspended';
/** What a started pipeline does when its program changed since its checkpoint (Feldera's `BootstrapPolicy`). */
export const BOOTSTRAP_POLICIES = ['allow', 'reject', 'await_approval'] as const;
export type BootstrapPolicy = (typeof BOOTSTRAP_POLICIES)[number];
export type CombinedStatus =
  | 'Stopped'
  | 'Provisioning'
  | 'Unavailable'
  | 'Coordination'
  | 'Standby'
  | 'AwaitingApproval'
  | 'Initializing'
  | 'Bootstrapping'
  | 'Replaying'
  | 'Paused'
  | 'Running'
  | 'Suspended'
  | 'Stopping';
export type CombinedDesiredStatus =
  | 'Stopped'
  | 'Unavailable'
  | 'Standby'
  | 'Paused'
  | 'Running'
  | 'Suspended';
export type StorageStatus = 'Cleared' | 'InUse' | 'Clearing';

export const PipelineFieldSelectorSchema = T.Union(
  [T.Literal('all'), T.Literal('status'), T.Literal('status_with_connectors')],
  { default: 'all' },
);
export type PipelineFieldSelector = Static<typeof PipelineFieldSelectorSchema>;

/** `SqlCompilerMessage` of the reference: one error or warning of the SQL compiler. */
export interface SqlCompilerMessage {
  start_line_number: number;
  start_column: number;
  end_line_number: number;
  end_column: number;
  warning: boolean;
  error_type: string;
  message: string;
  snippet: string | null;
}

export interface ProgramError {
  sql_compilation: { exit_code: number; messages: SqlCompilerMessage[] } | null;
  /** 0.312's `RustCompilationInfo`: set once the (Rust) build step finished, ok or not. */
  rust_compilation: { exit_code: number; stdout: string; stderr: string } | null;
  system_error: string | null;
}

/** The initial runtime status asked for by `/start?initial=`. */
export const START_INITIAL = ['running', 'paused', 'standby'] as const;
export type StartInitial = (typeof START_INITIAL)[number];
