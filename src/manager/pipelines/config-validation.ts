/**
 * Semantic checks of a complete runtime configuration, run when a pipeline is created or
 * updated so that a bad value is refused with the field named, not discovered at start.
 */
import { validateSyncConfig } from '../../storage/sync-config.js';
import { ApiError } from '../../types/errors.js';
import { placeholderSecretPaths, REDACTED } from '../../types/secrets.js';
import { unsignedMax } from '../../types/unsigned.js';
import { checkPipelineEnv } from './pipeline-env.js';

function invalid(field: string, message: string): never {
  throw new ApiError('InvalidRuntimeConfig', `Invalid runtime_config.${field}: ${message}`, {
    field: `runtime_config.${field}`,
  });
}

/**
 * Feldera's `FileBackendConfig` besides `sync`: `ioop_delay` an `Option<u64>`, `async_threads`
 * an `Option<bool>` (Sluice accepts both and ignores them; Feldera's types bound them).
 */
function checkFileBackendOptions(fileConfig: Record<string, unknown>): void {
  const delay = fileConfig.ioop_delay;
  if (
    delay !== undefined &&
    delay !== null &&
    (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > unsignedMax('u64'))
  ) {
    const got = typeof delay === 'number' ? `, got ${delay}` : '';
    invalid(
      'storage.backend.config.ioop_delay',
      `must be an integer from 0 to 18446744073709551615 or null${got}`,
    );
  }
  const asyncThreads = fileConfig.async_threads;
  if (asyncThreads !== undefined && asyncThreads !== null && typeof asyncThreads !== 'boolean') {
    invalid('storage.backend.config.async_threads', 'must be true or false or null');
  }
}

/** Throws `InvalidRuntimeConfig` naming the first invalid field. */
export function validatePipelineConfig(config: Record<string, unknown>): void {
  const [placeholder] = placeholderSecretPaths(config);
  if (placeholder !== undefined) {
    invalid(
      placeholder,
      `'${REDACTED}' is the placeholder responses show in place of a secret, not a secret; ` +
        'give the secret itself (a write-back to an existing pipeline keeps its stored secret ' +
        'only where it has one at this field)',
    );
  }
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
    checkFileBackendOptions((fileConfig ?? {}) as Record<string, unknown>);
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
