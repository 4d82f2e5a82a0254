/**
 * Memory pressure as Feldera computes it (src/runtime/memory-pressure.ts): the thresholds at
 * and around each bound, the hysteresis of the reported level, the epoch, the limit taken from
 * `max_rss_mb` or `resources.memory_mb_max`; and a real pipeline process whose limit is below
 * its own RSS reporting it in `/stats`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type MemoryPressure,
  MemoryPressureMonitor,
  maxRssBytesOf,
  nextMemoryPressure,
  rawMemoryPressure,
} from '../../src/runtime/memory-pressure.js';
import { type InProcessTestManager, startTestManager } from '../helpers/manager.js';
import { createAndCompile, pipelineStats, startAndWait, stopAndWait } from '../helpers/pipeline.js';

const MIB = 1024 * 1024;

describe('rawMemoryPressure', () => {
  const limit = 1000 * MIB;
  const at = (fraction: number) => rawMemoryPressure(Math.round(fraction * limit), limit);

  test('each bound belongs to the higher level; one byte below it, to the lower', () => {
    assert.equal(at(0), 'low');
    assert.equal(at(0.5), 'low');
    assert.equal(rawMemoryPressure(0.85 * limit - 1, limit), 'low');
    assert.equal(at(0.85), 'moderate');
    assert.equal(at(0.87), 'moderate');
    assert.equal(rawMemoryPressure(0.9 * limit - 1, limit), 'moderate');
    assert.equal(at(0.9), 'high');
    assert.equal(at(0.93), 'high');
    assert.equal(rawMemoryPressure(0.95 * limit - 1, limit), 'high');
    assert.equal(at(0.95), 'critical');
    assert.equal(at(1), 'critical');
    assert.equal(at(3), 'critical');
  });

  test('without a limit the pressure is always low', () => {
    assert.equal(rawMemoryPressure(0, null), 'low');
    assert.equal(rawMemoryPressure(64 * 1024 * MIB, null), 'low');
  });
});

describe('nextMemoryPressure (hysteresis)', () => {
  const levels: MemoryPressure[] = ['low', 'moderate', 'high', 'critical'];

  test('from low or moderate the reported level follows the raw level', () => {
    for (const previous of ['low', 'moderate'] as const)
      for (const raw of levels) assert.equal(nextMemoryPressure(previous, raw), raw, `${previous} -> ${raw}`);
  });

  test('from high it stays high until the raw level is low, and rises to critical at once', () => {
    assert.equal(nextMemoryPressure('high', 'critical'), 'critical');
    assert.equal(nextMemoryPressure('high', 'high'), 'high');
    assert.equal(nextMemoryPressure('high', 'moderate'), 'high');
    assert.equal(nextMemoryPressure('high', 'low'), 'low');
  });

  test('from critical it stays critical until the raw level is moderate or low', () => {
    assert.equal(nextMemoryPressure('critical', 'critical'), 'critical');
    assert.equal(nextMemoryPressure('critical', 'high'), 'critical');
    assert.equal(nextMemoryPressure('critical', 'moderate'), 'moderate');
    assert.equal(nextMemoryPressure('critical', 'low'), 'low');
  });
});

describe('MemoryPressureMonitor', () => {
  test('samples the RSS it is given; the epoch counts rises to high or above', () => {
    const limit = 100 * MIB;
    let rss = 10 * MIB;
    const monitor = new MemoryPressureMonitor(limit, () => rss);
    const seen: Array<[MemoryPressure, number]> = [];
    for (const mib of [10, 86, 91, 86, 80, 96, 91, 88, 97, 50]) {
      rss = mib * MIB;
      monitor.sample();
      seen.push([monitor.pressure, monitor.epoch]);
    }
    assert.deepEqual(seen, [
      ['low', 0],
      ['moderate', 0],
      ['high', 1],
      ['high', 1], // 86%: moderate, held at high
      ['low', 1],
      ['critical', 2],
      ['critical', 2], // 91%: high, held at critical
      ['moderate', 2],
      ['critical', 3],
      ['low', 3],
    ]);
  });

  test('start() takes a sample at once, so the first /stats already has the level', () => {
    const monitor = new MemoryPressureMonitor(MIB, () => 2 * MIB);
    assert.equal(monitor.pressure, 'low');
    monitor.start();
    try {
      assert.equal(monitor.pressure, 'critical');
      assert.equal(monitor.epoch, 1);
    } finally {
      monitor.stop();
    }
  });
});

describe('maxRssBytesOf', () => {
  test('max_rss_mb first, then resources.memory_mb_max, in MiB; null without either', () => {
    assert.equal(maxRssBytesOf({ max_rss_mb: 300, resources: { memory_mb_max: 500 } }), 300 * MIB);
    assert.equal(maxRssBytesOf({ resources: { memory_mb_max: 300 } }), 300 * MIB);
    assert.equal(maxRssBytesOf({ max_rss_mb: null, resources: { memory_mb_max: 300 } }), 300 * MIB);
    assert.equal(maxRssBytesOf({}), null);
    assert.equal(maxRssBytesOf({ max_rss_mb: null, resources: { memory_mb_max: null } }), null);
    assert.equal(maxRssBytesOf({ max_rss_mb: 0 }), null);
  });
});

describe('/stats memory_pressure of a real pipeline process', () => {
  let m: InProcessTestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('a limit below the process RSS is reported as critical; no limit as low', async () => {
    const sql = 'CREATE TABLE t (x INT);';
    // 1 MiB: any Node.js process holds more than 95% of it resident, whatever the load.
    await createAndCompile(m, 'tight', sql, { max_rss_mb: 1 });
    await createAndCompile(m, 'free', sql, {});
    await startAndWait(m, 'tight');
    await startAndWait(m, 'free');
    const tight = (await pipelineStats(m, 'tight')).global_metrics;
    assert.ok(tight.rss_bytes > 1 * MIB, `rss ${tight.rss_bytes}`);
    assert.equal(tight.memory_pressure, 'critical');
    assert.equal(tight.memory_pressure_epoch, 1);
    const free = (await pipelineStats(m, 'free')).global_metrics;
    assert.equal(free.memory_pressure, 'low');
    assert.equal(free.memory_pressure_epoch, 0);
    await stopAndWait(m, 'tight', true);
    await stopAndWait(m, 'free', true);
  });
});
