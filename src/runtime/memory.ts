/**
 * How a pipeline process spends memory on its state, from `runtime_config`:
 *
 *   resources.memory_mb_max = M   the whole process: V8 heap + buffers + the merge worker
 *     V8 heap limit                0.6 M (set by the runner with --max-old-space-size, see
 *                                   src/types/runtime.ts)
 *     unsealed changes (heads)     0.04 M of encoded bytes (their JS objects take ~4× that),
 *                                   and as much again of sealed changes being written (steps
 *                                   wait beyond that: `Circuit.ready`)
 *     block cache                  0.15 M, unless storage.cache_mib says otherwise
 *     batches kept in memory       0.1 M (batches below min_storage_bytes, until a checkpoint)
 *   storage.min_storage_bytes      batches smaller than this stay in memory until a checkpoint
 *                                   (Feldera's default: 10,048,576 bytes)
 * Without memory_mb_max the heads, the batches in memory and the cache may each reach 256 MiB
 * (Feldera's default cache per thread).
 */
import type { StateSettings } from './checkpointer.js';

const MIB = 1024 * 1024;
export const DEFAULT_MIN_STORAGE_BYTES = 10_048_576;
const DEFAULT_BUDGET_BYTES = 256 * MIB;

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

export function stateSettingsOf(runtimeConfig: Record<string, unknown>): StateSettings {
  const storage = (runtimeConfig.storage ?? {}) as Record<string, unknown>;
  const resources = (runtimeConfig.resources ?? {}) as Record<string, unknown>;
  const memoryMb = count(resources.memory_mb_max);
  const cacheMib = count(storage.cache_mib);
  return {
    minStorageBytes: count(storage.min_storage_bytes) ?? DEFAULT_MIN_STORAGE_BYTES,
    cacheBytes:
      cacheMib !== null
        ? cacheMib * MIB
        : memoryMb
          ? Math.floor(memoryMb * 0.15 * MIB)
          : DEFAULT_BUDGET_BYTES,
    headBudgetBytes: memoryMb ? Math.floor(memoryMb * 0.04 * MIB) : DEFAULT_BUDGET_BYTES,
    memoryBatchBytes: memoryMb ? Math.floor(memoryMb * 0.1 * MIB) : DEFAULT_BUDGET_BYTES,
  };
}
