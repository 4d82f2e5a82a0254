/**
 * Issue 8, item 8 (pipeline side): input accepted but not processed is bounded per table by
 * `runtime_config.dev_tweaks.max_queued_records`; past it an ingress request waits, holding
 * its client, and is dropped if the client goes away. Real manager, real pipeline processes,
 * a real egress client that never reads.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { inserts, pipelineLog, queryRows, startAndWait } from '../helpers/pipeline.js';

const BOUND = 50;
const PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, note VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT id, note FROM t;`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function create(m: TestManager, name: string) {
  const runtime_config = { storage: null, dev_tweaks: { max_queued_records: BOUND } };
  const res = await m.request('POST', '/v0/pipelines', { name, program_code: PROGRAM, runtime_config });
  assert.equal(res.status, 201, res.text);
  await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
  return startAndWait(m, name);
}

/** Starts an ingress POST; `done` settles with its status, `abort` hangs up. */
function push(m: TestManager, name: string, body: string, query = '') {
  const controller = new AbortController();
  const done = fetch(`${m.url}/v0/pipelines/${name}/ingress/t?format=json${query}`, {
    method: 'POST',
    body,
    signal: controller.signal,
  }).then(async (res) => ({ status: res.status, text: await res.text() }));
  return { done, abort: () => controller.abort() };
}

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    sleep(ms).then(() => false),
  ]);
}

async function queued(m: TestManager, name: string): Promise<number> {
  const stats = await m.request('GET', `/v0/pipelines/${name}/stats`);
  assert.equal(stats.status, 200, stats.text);
  return stats.body.global_metrics.buffered_input_records;
}

const batch = (from: number, n: number, note = '') =>
  inserts(Array.from({ length: n }, (_, i) => ({ id: from + i, note })));

// The pipelines are independent: run them side by side.
describe('ingress is bounded by max_queued_records and pushes back', { concurrency: true }, () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('paused with force=true: a request past the bound waits, is dropped if its client leaves, and goes in on resume', async () => {
    const name = 'bp-paused';
    const base = `/v0/pipelines/${name}`;
    await create(m, name);
    assert.equal((await m.request('POST', `${base}/pause`)).status, 202);
    await m.waitFor(name, (p) => p.deployment_status === 'Paused', 10_000, 'Paused');

    const first = push(m, name, batch(0, BOUND), '&force=true');
    assert.equal((await first.done).status, 200);
    const leaving = push(m, name, batch(1000, 1), '&force=true');
    const staying = push(m, name, batch(2000, 1), '&force=true');
    assert.equal(await settlesWithin(leaving.done, 1500), false, 'waits: the queue is full');
    assert.equal(await settlesWithin(staying.done, 10), false);
    assert.equal(await queued(m, name), BOUND);
    leaving.abort();
    await assert.rejects(leaving.done);
    const pipeline = (await m.request('GET', base)).body;
    const log = () => pipelineLog(m, pipeline);
    for (let i = 0; i < 50 && !/client went away/.test(log()); i++) await sleep(100);
    assert.match(log(), /ingress request to 't' \(1 record\) not accepted: The client went away/);

    assert.equal((await m.request('POST', `${base}/resume`)).status, 202);
    const kept = await staying.done;
    assert.equal(kept.status, 200, kept.text);
    await m.waitFor(name, (p) => p.deployment_status === 'Running', 10_000, 'Running');
    for (let i = 0; i < 50 && (await queued(m, name)) > 0; i++) await sleep(100);
    const [count] = await queryRows(m, name, 'SELECT COUNT(*) AS n FROM t');
    assert.deepEqual(count, { n: BOUND + 1 });
    assert.deepEqual(await queryRows(m, name, 'SELECT id FROM t WHERE id >= 1000 ORDER BY id'), [
      { id: 2000 },
    ]);
  });

  test('an egress subscriber that never reads (backpressure=true) stalls the steps; ingress then waits at the bound instead of growing', async () => {
    const name = 'bp-egress';
    await create(m, name);
    // A real HTTP client that subscribes and never reads a byte.
    const stalled: IncomingMessage = await new Promise((resolve, reject) => {
      const url = new URL(`${m.url}/v0/pipelines/${name}/egress/v?format=json&backpressure=true`);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST' },
        (res) => {
          res.pause();
          resolve(res);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(stalled.statusCode, 200);

    // Each request is BOUND records of 40 KB: until the sockets and buffers between the
    // pipeline and the subscriber are full, every step sends 2 MB of output.
    const note = 'x'.repeat(40_000);
    let accepted = 0;
    let blocked: ReturnType<typeof push> | null = null;
    for (let i = 0; i < 100 && blocked === null; i++) {
      const p = push(m, name, batch(i * BOUND, BOUND, note));
      // Not answered after 3 s with the queue at the bound: it waits for room (on a slow
      // machine it may just be slow, then it answers and the loop goes on).
      if (!(await settlesWithin(p.done, 3000)) && (await queued(m, name)) === BOUND) blocked = p;
      else {
        assert.equal((await p.done).status, 200);
        accepted++;
      }
    }
    assert.ok(blocked, 'a push ended up waiting');
    assert.equal(await settlesWithin(blocked.done, 1000), false, 'and keeps waiting');
    // More clients pile up; what is queued stays at the bound.
    const more = [1, 2, 3].map((k) => push(m, name, batch(1_000_000 + k * BOUND, BOUND, note)));
    await sleep(1000);
    assert.equal(await queued(m, name), BOUND);
    for (const p of more) assert.equal(await settlesWithin(p.done, 10), false);

    // The subscriber reads again: the steps drain the queue and every waiting request goes in.
    stalled.resume();
    stalled.on('data', () => undefined);
    for (const p of [blocked, ...more]) assert.equal((await p.done).status, 200);
    for (let i = 0; i < 100 && (await queued(m, name)) > 0; i++) await sleep(100);
    const [count] = await queryRows(m, name, 'SELECT COUNT(*) AS n FROM t');
    assert.deepEqual(count, { n: (accepted + 4) * BOUND });
    stalled.destroy();
  });

  test('a bad max_queued_records is a deployment error naming the setting', async () => {
    const name = 'bp-bad';
    const runtime_config = { storage: null, dev_tweaks: { max_queued_records: 0 } };
    assert.equal(
      (await m.request('POST', '/v0/pipelines', { name, program_code: PROGRAM, runtime_config })).status,
      201,
    );
    await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
    assert.equal((await m.request('POST', `/v0/pipelines/${name}/start`)).status, 202);
    const failed = await m.waitFor(name, (p) => p.deployment_error !== null, 30_000, 'deployment error');
    assert.match(failed.deployment_error.message, /max_queued_records must be a positive integer, got 0/);
  });
});
