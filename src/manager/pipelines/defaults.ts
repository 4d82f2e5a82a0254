/**
 * Defaults of `runtime_config` and `program_config`, as the reference documents them.
 *
 * A stored pipeline always holds complete configurations: what the user gave, with every
 * missing field filled in. Nested objects (`storage`, `fault_tolerance`, `resources`) are
 * filled field by field, so `{"fault_tolerance": {"model": "exactly_once"}}` still gets its
 * `checkpoint_interval_secs`.
 */
import type { ProgramConfig, RuntimeConfig } from '../../types/pipeline.js';

type Json = Record<string, unknown>;

const RESOURCES_DEFAULT: Json = {
  cpu_cores_min: null,
  cpu_cores_max: null,
  memory_mb_min: null,
  memory_mb_max: null,
  storage_mb_max: null,
  storage_class: null,
  service_account_name: null,
  namespace: null,
};

const STORAGE_DEFAULT: Json = {
  backend: { name: 'default' },
  min_storage_bytes: null,
  min_step_storage_bytes: null,
  compression: 'default',
  cache_mib: null,
};

const FT_DEFAULT: Json = { model: 'none', checkpoint_interval_secs: 60 };

const RUNTIME_DEFAULT: Json = {
  workers: 8,
  hosts: 1,
  storage: STORAGE_DEFAULT,
  fault_tolerance: FT_DEFAULT,
  cpu_profiler: true,
  tracing: false,
  tracing_endpoint_jaeger: '127.0.0.1:6831',
  min_batch_size_records: 0,
  max_buffering_delay_usecs: 0,
  resources: RESOURCES_DEFAULT,
  clock_resolution_usecs: 1000000,
  pin_cpus: [],
  provisioning_timeout_secs: null,
  max_parallel_connector_init: null,
  init_containers: null,
  checkpoint_during_suspend: true,
  http_workers: null,
  io_workers: null,
  max_rss_mb: null,
  datafusion_memory_mb: null,
  env: {},
  dev_tweaks: {},
  logging: null,
  pipeline_template_configmap: null,
};

const PROGRAM_DEFAULT: Json = {
  profile: null,
  cache: true,
  runtime_version: null,
  use_platform_compiler: false,
};

function withDefaults(given: Json | null | undefined, defaults: Json): Json {
  return { ...structuredClone(defaults), ...(given ?? {}) };
}

/**
 * Maps the legacy forms Feldera 0.312's RuntimeConfig deserializer accepts onto the current ones,
 * as it does: `storage: true` = default storage options, `false` = none (null);
 * `fault_tolerance: "initial_state" | "latest_checkpoint"` = enabled with the default model
 * (`exactly_once`), `null` = the default FtConfig (disabled).
 */
function withoutLegacyForms(config: Json): void {
  if (config.storage === true) config.storage = {};
  else if (config.storage === false) config.storage = null;
  const ft = config.fault_tolerance;
  if (ft === 'initial_state' || ft === 'latest_checkpoint')
    config.fault_tolerance = { model: 'exactly_once' };
  else if (ft === null) config.fault_tolerance = {};
}

/** The complete runtime configuration for what the user gave (null or partial, legacy forms mapped). */
export function fillRuntimeConfig(given: RuntimeConfig | null | undefined): Json {
  const config = withDefaults(given as Json | null | undefined, RUNTIME_DEFAULT);
  withoutLegacyForms(config);
  // `storage: null` means "no storage" and stays null; an object is completed.
  if (config.storage !== null) config.storage = withDefaults(config.storage as Json, STORAGE_DEFAULT);
  const ft = withDefaults(config.fault_tolerance as Json, FT_DEFAULT);
  if (!('checkpoint_interval_secs' in ((config.fault_tolerance as Json | undefined) ?? {}))) {
    ft.checkpoint_interval_secs = 60;
  }
  config.fault_tolerance = ft;
  config.resources = withDefaults(config.resources as Json, RESOURCES_DEFAULT);
  return config;
}

/** The complete program configuration for what the user gave (null or partial). */
export function fillProgramConfig(given: ProgramConfig | null | undefined): Json {
  return withDefaults(given as Json | null | undefined, PROGRAM_DEFAULT);
}
