/**
 * `GET /time_series` and `GET /time_series_stream` of a real pipeline process through a real
 * manager: one sample per second of records processed, resident memory and storage bytes
 * (Feldera 0.312's `TimeSeries`), and `/stats` `storage_bytes` counting the checkpoint on disk.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  createAndCompile,
  ingestAndWait,
  inserts,
  pipelineStats,
  startAndWait,
} from '../helpers/pipeline.js';

const PROGRAM = `
CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT COUNT(*) AS n FROM t;
`;

describe('time series', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    await createAndCompile(m, 'ts', PROGRAM, { storage: { backend: { name: 'default' } } });
    await startAndWait(m, 'ts');
    await ingestAndWait(m, 'ts', 't', inserts([{ id: 1 }, { id: 2 }, { id: 3 }]));
  });
  after(async () => {
    await m.close();
  });

  test('/time_series: samples one second apart, the last counting the records processed', async () => {
    let body: { now: string; samples: Array<{ t: string; r: number; m: number; s: number }> } | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await m.request('GET', '/v0/pipelines/ts/time_series');
      assert.equal(res.status, 200, res.text);
      body = res.body;
      if (body!.samples.length >= 2 && body!.samples.at(-1)!.r === 3) break;
      await sleep(100);
    }
    const { now, samples } = body!;
    assert.ok(samples.length >= 2, JSON.stringify(body));
    assert.ok(samples.length <= 60);
    const last = samples.at(-1)!;
    assert.equal(last.r, 3);
    assert.ok(last.m > 1_000_000, 'resident memory in bytes');
    const gap = Date.parse(last.t) - Date.parse(samples.at(-2)!.t);
    assert.ok(gap >= 900 && gap <= 3000, `samples ${gap} ms apart`);
    assert.ok(Date.parse(now) >= Date.parse(last.t));
  });

  test('/stats storage_bytes and the samples count the checkpoint on disk', async () => {
    await checkpointAndWait(m, 'ts');
    let stored = 0;
    for (let i = 0; i < 100 && stored === 0; i++) {
      stored = (await pipelineStats(m, 'ts')).global_metrics.storage_bytes;
      if (stored === 0) await sleep(100);
    }
    assert.ok(stored > 0, 'storage_bytes after a checkpoint');
  });

  test('/time_series_stream: NDJSON, the kept samples then each new one', async () => {
    const res = await fetch(`${m.url}/v0/pipelines/ts/time_series_stream`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const kept = (await m.request('GET', '/v0/pipelines/ts/time_series')).body.samples.length;
    const deadline = Date.now() + 10_000;
    while (text.split('\n').filter(Boolean).length < kept + 1 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.ok(lines.length >= kept + 1, `${lines.length} lines for ${kept} kept samples`);
    for (const line of lines) assert.deepEqual(Object.keys(line).sort(), ['m', 'r', 's', 't']);
    const times = lines.map((l) => Date.parse(l.t));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'oldest first, then new samples',
    );
  });
});
