/**
 * The limits ad-hoc SELECTs run under, from the pipeline's `runtime_config`.
 *
 * | setting | default | meaning |
 * | --- | --- | --- |
 * | `datafusion_memory_mb` | 5% of `max_rss_mb` (else `resources.memory_mb_max`), at most 2048; 1024 when neither is set | memory shared by the running queries: each query's worker gets an equal share as its JS heap limit, never less than 64 MiB |
 * | `dev_tweaks.adhoc_timeout_secs` | 60 | wall-clock time a query may run, from when it has a slot and a ready worker to its last row, not counting time spent waiting for the client to read |
 * | `dev_tweaks.adhoc_max_concurrent` | 2 | queries running at once |
 * | `dev_tweaks.adhoc_max_queued` | 8 | queries waiting for a free slot; 0 refuses any query beyond the running ones; beyond the queue: `TooManyAdHocQueries` |
 *
 * `datafusion_memory_mb` is Feldera's own setting for the memory of its ad-hoc engine, with
 * Feldera's default (a share of the pipeline's memory budget); Feldera has no time limit or
 * concurrency bound, so those are Sluice's and live in `dev_tweaks`. A value of the wrong kind
 * is ignored with a warning in the pipeline log.
 */

export interface AdHocLimits {
  /** Wall-clock budget of one query's own work, in milliseconds (see service.ts). */
  timeoutMs: number;
  /** JS heap limit of one query's worker, in MiB. */
  heapMb: number;
  maxConcurrent: number;
  maxQueued: number;
}

const DEFAULT_TIMEOUT_SECS = 60;
const DEFAULT_MAX_CONCURRENT = 2;
const DEFAULT_MAX_QUEUED = 8;
/** Memory for ad-hoc queries when the pipeline has no memory budget. */
const DEFAULT_MEMORY_MB = 1024;
/** Feldera's default share of the pipeline's memory budget, and its cap. */
const BUDGET_SHARE = 0.05;
const BUDGET_SHARE_CAP_MB = 2048;
/** Below this a worker cannot hold the engine and a small query. */
export const MIN_HEAP_MB = 64;

type Json = Record<string, unknown>;

export function adHocLimits(runtimeConfig: Json, warn: (message: string) => void): AdHocLimits {
  const tweaks = (runtimeConfig.dev_tweaks ?? {}) as Json;
  const resources = (runtimeConfig.resources ?? {}) as Json;
  /** The setting if it is a number of the right kind (> 0, or >= 0 with `zero`), else null. */
  const setting = (
    where: string,
    value: unknown,
    kind: 'integer' | 'number',
    zero = false,
  ): number | null => {
    if (value === undefined || value === null) return null;
    if (
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (zero ? value >= 0 : value > 0) &&
      (kind === 'number' || Number.isInteger(value))
    )
      return value;
    const what = `a ${zero ? 'non-negative' : 'positive'} ${kind}`;
    warn(`runtime_config.${where} = ${JSON.stringify(value)} is not ${what}; using the default`);
    return null;
  };
  const maxConcurrent =
    setting('dev_tweaks.adhoc_max_concurrent', tweaks.adhoc_max_concurrent, 'integer') ??
    DEFAULT_MAX_CONCURRENT;
  const budget =
    setting('max_rss_mb', runtimeConfig.max_rss_mb, 'integer') ??
    setting('resources.memory_mb_max', resources.memory_mb_max, 'integer');
  const memoryMb =
    setting('datafusion_memory_mb', runtimeConfig.datafusion_memory_mb, 'integer') ??
    (budget === null ? DEFAULT_MEMORY_MB : Math.min(BUDGET_SHARE_CAP_MB, Math.floor(budget * BUDGET_SHARE)));
  return {
    timeoutMs:
      1000 *
      (setting('dev_tweaks.adhoc_timeout_secs', tweaks.adhoc_timeout_secs, 'number') ?? DEFAULT_TIMEOUT_SECS),
    heapMb: Math.max(MIN_HEAP_MB, Math.floor(memoryMb / maxConcurrent)),
    maxConcurrent,
    maxQueued:
      setting('dev_tweaks.adhoc_max_queued', tweaks.adhoc_max_queued, 'integer', true) ?? DEFAULT_MAX_QUEUED,
  };
}
