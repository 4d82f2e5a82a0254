/**
 * resources.memory_mb_max bounds every part of a pipeline process's state memory
 * (src/runtime/memory.ts), and the merge worker thread, a V8 isolate of its own, really runs
 * under the heap limit derived from it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceStorage } from '../../src/engine/trace/storage.js';
import { DEFAULT_MIN_STORAGE_BYTES, stateSettingsOf } from '../../src/runtime/memory.js';
import {
  BOUNDED_SEMI_SPACE_MB,
  heapLimitMb,
  pipelineMallocEnv,
  pipelineNodeFlags,
} from '../../src/types/runtime.js';
import { scratchDir } from '../helpers/trace-storage.js';

const MIB = 2 ** 20;

describe('memory_mb_max', () => {
  test('the bounded parts (main heap, worker heap, cache, heads, batches in memory) fit inside the limit', () => {
    // Below ~256 MiB the process's own code and baseline (~70 MiB) leave no room for a bound.
    for (const memoryMb of [256, 512, 2048, 16_384]) {
      const s = stateSettingsOf({ resources: { memory_mb_max: memoryMb }, storage: {} });
      const mainHeapMb = heapLimitMb(memoryMb)! + 3 * BOUNDED_SEMI_SPACE_MB;
      const workerMb = s.workerHeapMb! + 8;
      const buffersMb = (s.cacheBytes + s.memoryBatchBytes) / MIB;
      const total = mainHeapMb + workerMb + buffersMb;
      assert.ok(total <= memoryMb, `${memoryMb} MiB: parts add up to ${total.toFixed(0)} MiB`);
      // Heads and the sealed heads waiting for the worker live in the main heap, at ~4× their
      // encoded bytes: together well inside it.
      assert.ok((2 * 4 * s.headBudgetBytes) / MIB < mainHeapMb, `${memoryMb} MiB: heads fit the heap`);
      assert.equal(s.minStorageBytes, DEFAULT_MIN_STORAGE_BYTES);
    }
  });

  test('512 MiB: 307 MiB heap, 51 MiB worker heap, 61 MiB cache, 20 MiB heads, 26 MiB of batches', () => {
    const s = stateSettingsOf({ resources: { memory_mb_max: 512 } });
    assert.equal(heapLimitMb(512), 307);
    assert.equal(s.workerHeapMb, 51);
    assert.equal(Math.round(s.cacheBytes / MIB), 61);
    assert.equal(Math.round(s.headBudgetBytes / MIB), 20);
    assert.equal(Math.round(s.memoryBatchBytes / MIB), 26);
    assert.deepEqual(pipelineNodeFlags(512), ['--max-old-space-size=307', '--max-semi-space-size=8']);
    assert.deepEqual(pipelineNodeFlags(null), []);
    assert.deepEqual(pipelineMallocEnv(512), {
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      MALLOC_TRIM_THRESHOLD_: '131072',
    });
    assert.deepEqual(pipelineMallocEnv(null), {});
  });

  test('storage.cache_mib and min_storage_bytes win; without memory_mb_max the worker heap is V8 default', () => {
    const s = stateSettingsOf({
      resources: { memory_mb_max: 512 },
      storage: { cache_mib: 10, min_storage_bytes: 0 },
    });
    assert.equal(s.cacheBytes, 10 * MIB);
    assert.equal(s.minStorageBytes, 0);
    const free = stateSettingsOf({});
    assert.equal(free.workerHeapMb, null);
    assert.equal(free.cacheBytes, 256 * MIB);
    assert.equal(heapLimitMb(null), null);
  });

  test('the merge worker thread runs under the heap limit derived from memory_mb_max', async () => {
    for (const workerHeapMb of [40, null]) {
      const storage = new TraceStorage({
        dir: scratchDir(),
        minStorageBytes: 0,
        memoryBatchBytes: 0,
        cacheBytes: MIB,
        headBudgetBytes: MIB,
        workerHeapMb,
        mode: 'background',
        pin: () => () => undefined,
      });
      try {
        const built = await storage.run({
          kind: 'write',
          image: Buffer.from('bytes'),
          entries: 0,
          dir: scratchDir(),
        });
        assert.equal(built.kind, 'file');
        const limits = storage.workerResourceLimits;
        assert.ok(limits, 'the worker started');
        if (workerHeapMb === null) assert.ok(limits.maxOldGenerationSizeMb! > 40, JSON.stringify(limits));
        else {
          assert.equal(limits.maxOldGenerationSizeMb, workerHeapMb);
          assert.equal(limits.maxYoungGenerationSizeMb, 8);
        }
      } finally {
        await storage.close();
      }
    }
  });
});
