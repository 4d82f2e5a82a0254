import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adHocLimits } from '../../../src/runtime/adhoc/limits.js';

function limits(runtimeConfig: Record<string, unknown>) {
  const warnings: string[] = [];
  return { ...adHocLimits(runtimeConfig, (m) => warnings.push(m)), warnings };
}

describe('ad-hoc query limits', () => {
  test('defaults: 60 s, 1024 MiB shared by 2 running queries, 8 waiting', () => {
    assert.deepEqual(limits({}), {
      timeoutMs: 60_000,
      heapMb: 512,
      maxConcurrent: 2,
      maxQueued: 8,
      warnings: [],
    });
    // The manager fills in Feldera's defaults: nulls and an empty dev_tweaks.
    assert.equal(
      limits({ datafusion_memory_mb: null, max_rss_mb: null, resources: { memory_mb_max: null } }).heapMb,
      512,
    );
  });

  test('memory: datafusion_memory_mb first, else 5% of max_rss_mb or resources.memory_mb_max (at most 2048)', () => {
    assert.equal(limits({ datafusion_memory_mb: 300 }).heapMb, 150);
    assert.equal(limits({ datafusion_memory_mb: 300, dev_tweaks: { adhoc_max_concurrent: 3 } }).heapMb, 100);
    assert.equal(limits({ max_rss_mb: 8000 }).heapMb, 200);
    assert.equal(limits({ resources: { memory_mb_max: 8000 } }).heapMb, 200);
    assert.equal(limits({ max_rss_mb: 8000, resources: { memory_mb_max: 100_000 } }).heapMb, 200);
    assert.equal(limits({ max_rss_mb: 1_000_000 }).heapMb, 1024);
    // Never below what a worker needs to hold the engine.
    assert.equal(limits({ resources: { memory_mb_max: 1000 } }).heapMb, 64);
  });

  test('dev_tweaks set the time limit and the bounds; values of the wrong kind are ignored with a warning', () => {
    const l = limits({
      dev_tweaks: { adhoc_timeout_secs: 2.5, adhoc_max_concurrent: 1, adhoc_max_queued: 0 },
    });
    assert.deepEqual(l, { timeoutMs: 2500, heapMb: 1024, maxConcurrent: 1, maxQueued: 0, warnings: [] });
    const bad = limits({
      datafusion_memory_mb: -5,
      dev_tweaks: { adhoc_timeout_secs: 'soon', adhoc_max_concurrent: 0, adhoc_max_queued: 1.5 },
    });
    assert.deepEqual(
      { ...bad, warnings: bad.warnings.length },
      { timeoutMs: 60_000, heapMb: 512, maxConcurrent: 2, maxQueued: 8, warnings: 4 },
    );
    assert.match(
      bad.warnings.join('\n'),
      /runtime_config.dev_tweaks.adhoc_timeout_secs = "soon" is not a positive number/,
    );
    assert.match(bad.warnings.join('\n'), /adhoc_max_queued = 1.5 is not a non-negative integer/);
  });
});
