/**
 * Semantic checks of a complete runtime configuration, run when a pipeline is created or
 * updated so that a bad value is refused with the field named, not discovered at start.
 */
import { validateSyncConfig } from '../../storage/sync-config.js';
import { ApiError } from '../../types/errors.js';
import { checkPipelineEnv } from './pipeline-env.js';

function invalid(field: string, message: string): never {
  throw new ApiError('InvalidRuntimeConfig', `Invalid runtime_config.${field}: ${message}`, {
    field: `runtime_config.${field}`,
  });
}

/** Throws `InvalidRuntimeConfig` naming the first invalid field. */
export function validatePipelineConfig(config: Record<string, unknown>): void {
  checkPipelineEnv(config.env);
  const workers = config.workers;
  if (typeof workers === 'number' && workers < 1) invalid('workers', 'must be at least 1');
  const storage = config.storage as { backend?: { name?: string; config?: unknown } } | null;
  if (storage?.backend?.name === 'object') {
    invalid(
      'storage.backend',
      "the 'object' backend is not supported; use 'file' with a 'sync' configuration",
    );
  }
  if (storage?.backend?.name === 'file') {
    const fileConfig = storage.backend.config;
    if (
      fileConfig !== undefined &&
      fileConfig !== null &&
      (typeof fileConfig !== 'object' || Array.isArray(fileConfig))
    ) {
      invalid('storage.backend.config', 'must be an object');
    }
    const sync = (fileConfig as { sync?: unknown } | null | undefined)?.sync;
    if (sync !== undefined && sync !== null) {
      const checked = validateSyncConfig(sync);
      if (!checked.ok) invalid(`storage.backend.config.sync.${checked.field}`, checked.message);
    }
  }
  const ft = config.fault_tolerance as { model?: string } | undefined;
  if (ft && ft.model !== undefined && ft.model !== 'none' && config.storage === null) {
    invalid('fault_tolerance.model', `'${ft.model}' needs storage; set runtime_config.storage`);
  }
}
