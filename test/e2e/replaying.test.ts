/**
 * `Replaying` over real HTTP: an exactly-once pipeline SIGKILLed with acknowledged input after
 * its last checkpoint replays its journal at the next start, reports `Replaying` (pipeline
 * process, manager status, `/stats` keeping Feldera's `PipelineState`) until every replayed
 * input is processed, and only then `Running` (or `Paused`), so a query once it runs sees every
 * acknowledged row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type InProcessTestManager, startTestManager } from '../helpers/manager.js';
import {
  createAndCompile,
  ingestAndWait,
  inserts,
  pipelineLog,
  pipelinePid,
  queryRows,
  stopAndWait,
} from '../helpers/pipeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PROGRAM = `
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_bucket AS SELECT id % 10 AS bucket, COUNT(*) AS n FROM t GROUP BY id % 10;
`;
/** Rows per request, and requests per round: enough steps that the replay lasts many polls. */
const ROWS_PER_REQUEST = 20_000;
const REQUESTS = 3;

/** Pushes `REQUESTS` requests of fresh rows from `firstId`, each acknowledged and processed. */
async function pushRound(m: InProcessTestManager, firstId: number): Promise<number> {
  let id = firstId;
  for (let r = 0; r < REQUESTS; r++) {
    const rows = Array.from({ length: ROWS_PER_REQUEST }, () => ({ id: id, v: `row-${id++}` }));
    await ingestAndWait(m, 'rp', 't', inserts(rows));
  }
  return id - firstId;
}

/**
 * POSTs `/start?initial=...` and polls the pipeline every 20 ms until it reaches `want`;
 * returns the statuses seen (consecutive repeats dropped) and the `/stats` state read while
 * `Replaying` was reported, if it was.
 */
async function startAndWatch(m: InProcessTestManager, initial: 'running' | 'paused', want: string) {
  assert.equal((await m.request('POST', `/v0/pipelines/rp/start?initial=${initial}`)).status, 202);
  const seen: string[] = [];
  let statsState: string | null = null;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const p = (await m.request('GET', '/v0/pipelines/rp')).body;
    assert.equal(p.deployment_error, null, JSON.stringify(p.deployment_error));
    if (seen.at(-1) !== p.deployment_status) seen.push(p.deployment_status);
    if (p.deployment_status === 'Replaying' && statsState === null) {
      const stats = await m.request('GET', '/v0/pipelines/rp/stats');
      assert.equal(stats.status, 200, stats.text);
      statsState = stats.body.global_metrics.state;
    }
    if (p.deployment_status === want) return { seen, statsState };
    assert.ok(Date.now() < deadline, `never ${want}; seen ${seen.join(' -> ')}`);
    await sleep(20);
  }
}

/** SIGKILLs the pipeline process and waits until the manager has noticed. */
async function crash(m: InProcessTestManager) {
  const p = (await m.request('GET', '/v0/pipelines/rp')).body;
  process.kill(pipelinePid(m, p), 'SIGKILL');
  await m.waitFor('rp', (x) => x.deployment_status === 'Stopped', 15_000, 'crash noticed');
}

async function count(m: InProcessTestManager): Promise<number> {
  const rows = await queryRows(m, 'rp', 'SELECT COUNT(*) AS c FROM t');
  return Number(rows[0].c);
}

describe('Replaying after a crash of an exactly-once pipeline', () => {
  let m: InProcessTestManager;
  let pipeline: { id: string };
  let total = 0;
  before(async () => {
    // The runner polls the process every 50 ms, so a replay of a fraction of a second shows.
    m = await startTestManager({ pollIntervalMs: 50 });
    pipeline = await createAndCompile(m, 'rp', PROGRAM, {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: null },
      // Many small steps: the replay yields between them, so /status and /stats answer.
      dev_tweaks: { max_batch_size: 1000 },
    });
  });
  after(async () => {
    await m.close();
  });

  test('Replaying, then Running; a query once it runs sees every acknowledged row', async () => {
    const first = await startAndWatch(m, 'running', 'Running');
    assert.ok(!first.seen.includes('Replaying'), `nothing to replay at the first start: ${first.seen}`);
    total += await pushRound(m, 0);
    await crash(m);

    const { seen, statsState } = await startAndWatch(m, 'running', 'Running');
    const replaying = seen.indexOf('Replaying');
    assert.ok(replaying >= 0, `Replaying never reported: ${seen.join(' -> ')}`);
    assert.equal(seen.indexOf('Running'), seen.length - 1, `Running before the replay ended: ${seen}`);
    // Feldera's PipelineState has no Replaying: /stats gives the state that follows the replay.
    assert.equal(statsState, 'Running');
    assert.equal(await count(m), total);
    const log = pipelineLog(m, pipeline);
    const since = log.lastIndexOf('runtime status: Initializing -> Replaying');
    assert.ok(since >= 0, 'the pipeline process logs its Replaying status');
    assert.match(log.slice(since), /journal replay done[\s\S]*runtime status: Replaying -> Running/);
  });

  test('started paused: Replaying, then Paused, with every acknowledged row processed', async () => {
    total += await pushRound(m, total);
    await crash(m);

    const { seen, statsState } = await startAndWatch(m, 'paused', 'Paused');
    assert.ok(seen.includes('Replaying'), `Replaying never reported: ${seen.join(' -> ')}`);
    assert.ok(!seen.includes('Running'), `a paused start never runs: ${seen.join(' -> ')}`);
    assert.equal(statsState, 'Paused');
    // Paused: nothing new is processed, yet the replayed input was.
    assert.equal(await count(m), total);
    const stats = (await m.request('GET', '/v0/pipelines/rp/stats')).body.global_metrics;
    assert.equal(stats.buffered_input_records, 0);
    assert.equal(stats.total_processed_records, stats.total_input_records);
    await stopAndWait(m, 'rp', true);
  });
});
