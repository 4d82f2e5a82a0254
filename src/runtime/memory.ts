/**
 * How a pipeline process spends memory on its state, from `runtime_config`. With
 * `resources.memory_mb_max` = M every part below but the last has a bound, and those bounds
 * add up to less than M, leaving room for the last (the issue-11 target is a peak RSS of at
 * most 1.25 M; bench/checkpoint prints the ratio):
 *
 *   part                         bound                       where it lives
 *   main thread's V8 heap        old generation 0.6 M,       --max-old-space-size and
 *                                young generation 24 MiB     --max-semi-space-size, set by the
 *                                                            runner (src/types/runtime.ts)
 *     of which unsealed heads    0.04 M of encoded bytes     JS objects, ~4× their encoding;
 *     and sealed heads waiting   as much again (steps wait   `Circuit.ready`)
 *   merge worker's V8 heap       old generation 0.1 M,       `resourceLimits` of the worker
 *                                young generation 8 MiB      thread (a V8 isolate of its own;
 *                                (src/engine/trace/storage)  the process flag does not bound it)
 *   block cache                  0.12 M, unless              Buffers + decoded keys, estimated
 *                                storage.cache_mib says      by `BlockView.bytes`, and the
 *                                                            indexes and bloom filters of open
 *                                                            batches (reserved in its budget)
 *   batches kept in memory       0.05 M                      Buffers (below min_storage_bytes,
 *                                                            until a checkpoint writes them)
 *   the rest                     not bounded                 the node binary (~42 MiB), the
 *                                                            worker's isolate, stacks, glibc's
 *                                                            arenas beyond what is in use (cut
 *                                                            by `pipelineMallocEnv`): 250–290 MiB
 *                                                            of RSS at M = 512 before that
 *                                                            (bench/README.md, 1 GiB run)
 *
 *   storage.min_storage_bytes    batches smaller than this stay in memory until a checkpoint
 *                                (Feldera's default: 10,048,576 bytes)
 *
 * Without memory_mb_max the heads, the batches in memory and the cache may each reach 256 MiB
 * (Feldera's default cache per thread), and the merge worker's heap is V8's default.
 */
import type { StateSettings } from './checkpointer.js';

const MIB = 1024 * 1024;
/**
 * Below this `memory_mb_max` (MiB) no bound can hold: an idle pipeline process takes about
 * 100 MiB (Node's code and runtime, the program, the merge worker); the process logs a warning.
 */
export const MIN_BOUNDED_MEMORY_MB = 128;
export const DEFAULT_MIN_STORAGE_BYTES = 10_048_576;
const DEFAULT_BUDGET_BYTES = 256 * MIB;
/** The merge worker's old generation never gets less than this (its code and a build's keys). */
const MIN_WORKER_HEAP_MB = 24;

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
          ? Math.floor(memoryMb * 0.12 * MIB)
          : DEFAULT_BUDGET_BYTES,
    headBudgetBytes: memoryMb ? Math.floor(memoryMb * 0.04 * MIB) : DEFAULT_BUDGET_BYTES,
    memoryBatchBytes: memoryMb ? Math.floor(memoryMb * 0.05 * MIB) : DEFAULT_BUDGET_BYTES,
    workerHeapMb: memoryMb ? Math.max(MIN_WORKER_HEAP_MB, Math.floor(memoryMb * 0.1)) : null,
  };
}
