/**
 * NOW() in a real pipeline process: the clock steps the pipeline every clock_resolution_usecs
 * without input, so a temporal filter drops rows as time passes; the clock survives suspend and
 * resume (the restored view is updated to the new time by retraction).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, queryRows, startAndWait, stopAndWait } from '../helpers/pipeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PROGRAM = `
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, ts TIMESTAMP) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW recent AS SELECT id FROM t WHERE ts > NOW() - INTERVAL '2' SECOND;
CREATE MATERIALIZED VIEW clock AS SELECT NOW() AS n;
`;

/** The SQL text of a TIMESTAMP at `ms` milliseconds since the epoch (UTC). */
function timestampText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Milliseconds since the epoch of a TIMESTAMP as the JSON egress prints it. */
function millisOf(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

async function recentIds(m: TestManager, name: string): Promise<number[]> {
  return (await queryRows(m, name, 'SELECT id FROM recent ORDER BY id')).map((r) => r.id);
}

async function clockMillis(m: TestManager, name: string): Promise<number> {
  const [row] = await queryRows(m, name, 'SELECT n FROM clock');
  return millisOf(row.n);
}

/** Polls `probe` until it holds (every 100 ms, up to `ms`); returns whether it did. */
async function eventually(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(100);
  }
  return probe();
}

describe('NOW() in a pipeline', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const runtime_config = {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'none', checkpoint_interval_secs: null },
      clock_resolution_usecs: 100_000,
    };
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'clk',
      program_code: PROGRAM,
      runtime_config,
    });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('clk', (p) => p.program_status === 'Success', 15_000, 'compiled');
  });
  after(async () => {
    await m.close();
  });

  test('a temporal filter drops a row as time passes, with no new input', async () => {
    await startAndWait(m, 'clk');
    const inserted = Date.now();
    await ingestAndWait(m, 'clk', 't', inserts([{ id: 1, ts: timestampText(inserted) }]));
    assert.deepEqual(await recentIds(m, 'clk'), [1]);
    // The row leaves once NOW() - 2 s reaches its time; the bound is generous for a loaded machine.
    assert.ok(
      await eventually(async () => (await recentIds(m, 'clk')).length === 0, 15_000),
      'row never left',
    );
    const left = Date.now();
    assert.ok(left - inserted >= 1900, `the row left after ${left - inserted} ms, before its 2 s`);
  });

  test('the clock ticks on its own at the resolution, and an ad-hoc NOW() is the query time', async () => {
    const first = await clockMillis(m, 'clk');
    assert.equal(first % 100, 0, 'NOW() is rounded down to the clock resolution');
    assert.ok(
      await eventually(async () => (await clockMillis(m, 'clk')) > first, 5_000),
      'the clock never moved',
    );
    const before = Date.now();
    const [row] = await queryRows(m, 'clk', 'SELECT NOW() AS n');
    const at = millisOf(row.n);
    assert.ok(at >= before - 1 && at <= Date.now() + 1, `ad-hoc NOW() ${row.n} is not the query time`);
  });

  test('after suspend and resume the clock moves to the new time and the views follow', async () => {
    const soon = Date.now() + 4000;
    await ingestAndWait(m, 'clk', 't', inserts([{ id: 2, ts: timestampText(soon) }]));
    assert.deepEqual(await recentIds(m, 'clk'), [2]);
    const suspendedAt = await clockMillis(m, 'clk');
    await stopAndWait(m, 'clk', false);
    // Stay stopped until the row is out of the 2 s window: only the clock can drop it.
    await sleep(Math.max(0, soon + 2200 - Date.now()));
    await startAndWait(m, 'clk');
    assert.ok(
      await eventually(async () => (await recentIds(m, 'clk')).length === 0, 10_000),
      'the resumed clock did not drop the row',
    );
    assert.ok((await clockMillis(m, 'clk')) > suspendedAt);
    await stopAndWait(m, 'clk', true);
  });
});
