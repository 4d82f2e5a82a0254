/**
 * Issue 8, item 7: one row that overflows a view fails its step; only that row's request is
 * rejected, everything else accepted (earlier steps and the good requests of the same step)
 * is kept, and the pipeline goes on without it. Real manager, real pipeline processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, queryRows, startAndWait, waitForToken } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, x BIGINT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW s AS SELECT SUM(x) AS total, COUNT(*) AS n FROM t;`;
const MAX = '9223372036854775807';

type Ft = 'none' | 'at_least_once' | 'exactly_once';

const rows = (from: number, to: number) =>
  inserts(Array.from({ length: to - from }, (_, i) => ({ id: from + i, x: 1 })));

async function create(m: TestManager, name: string, storage: boolean, ft: Ft = 'none') {
  const runtime_config = {
    storage: storage ? { backend: { name: 'default' } } : null,
    fault_tolerance: { model: ft, checkpoint_interval_secs: null },
  };
  const res = await m.request('POST', '/v0/pipelines', { name, program_code: PROGRAM, runtime_config });
  assert.equal(res.status, 201, res.text);
  await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
  await startAndWait(m, name);
}

/**
 * 100 rows acknowledged in 10 requests; then, in one step (pushed while paused), a good
 * request, the overflowing row and another good request. Returns their tokens.
 */
async function pushGoodBadGood(m: TestManager, name: string) {
  const base = `/v0/pipelines/${name}`;
  for (let i = 0; i < 10; i++) await ingestAndWait(m, name, 't', rows(i * 10, i * 10 + 10));
  assert.equal((await m.request('POST', `${base}/pause`)).status, 202);
  await m.waitFor(name, (p) => p.deployment_status === 'Paused', 10_000, 'Paused');
  const push = async (body: string) => {
    const res = await m.request('POST', `${base}/ingress/t?format=json&force=true`, body);
    assert.equal(res.status, 200, res.text);
    return res.body.token as string;
  };
  const a = await push(rows(100, 105));
  const bad = await push(`{"insert": {"id": 999, "x": ${MAX}}}`);
  const c = await push(rows(105, 110));
  assert.equal((await m.request('POST', `${base}/resume`)).status, 202);
  return { a, bad, c };
}

/**
 * The error names the view, the table, the count, the input sequence, the token and the row.
 * Its code is Feldera's for a failed step when the pipeline stops on it, ours when it stays
 * alive and paused (storage off).
 */
function assertNamesTheInput(
  error: { message: string; error_code: string; details: unknown },
  bad: string,
  code: 'RuntimeError.WorkerPanic' | 'InputRejected',
) {
  assert.equal(error.error_code, code);
  assert.match(error.message, /Error computing 's' in step \d+: SUM overflow/);
  assert.match(error.message, /the ingress request to table 't' \(1 record, input sequence 12, /);
  assert.ok(error.message.includes(`completion token ${bad}`), error.message);
  assert.ok(error.message.includes(`first row {"id":999,"x":${MAX}}`), error.message);
  const [rejected] = (error.details as { rejected: Array<{ seq: number; completion_token: string }> })
    .rejected;
  assert.equal(rejected?.seq, 12);
  assert.equal(rejected?.completion_token, bad);
}

/** Everything accepted but the bad row is there, and the view agrees. */
async function assertKeptAllButTheBadRow(m: TestManager, name: string) {
  const [count] = await queryRows(m, name, 'SELECT COUNT(*) AS n, SUM(x) AS total FROM t');
  assert.deepEqual(count, { n: 110, total: 110 });
  assert.deepEqual(await queryRows(m, name, 'SELECT id FROM t WHERE id = 999'), []);
  assert.deepEqual(await queryRows(m, name, 'SELECT total, n FROM s'), [{ total: 110, n: 110 }]);
}

async function assertTokens(m: TestManager, name: string, tokens: { a: string; bad: string; c: string }) {
  const status = (token: string) =>
    m.request('GET', `/v0/pipelines/${name}/completion_status?token=${encodeURIComponent(token)}`);
  await waitForToken(m, name, tokens.a);
  await waitForToken(m, name, tokens.c);
  const bad = await status(tokens.bad);
  assertError(bad, 422, 'InputRejected');
  assert.match(bad.body.message, /was rejected and is not part of the pipeline's state/);
}

// The pipelines are independent: run them side by side.
describe('a row that fails its step is rejected alone; nothing else accepted is lost', {
  concurrency: true,
}, () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  for (const ft of ['none', 'at_least_once', 'exactly_once'] as const) {
    test(`storage on, fault tolerance ${ft}: checkpoint without it, stop with the error, /start resumes without it`, async () => {
      const name = `rej-${ft.replace(/_/g, '-')}`;
      await create(m, name, true, ft);
      const tokens = await pushGoodBadGood(m, name);
      const stopped = await m.waitFor(
        name,
        (p) => p.deployment_status === 'Stopped' && p.deployment_error !== null,
        30_000,
        'stopped with the error',
      );
      assertNamesTheInput(stopped.deployment_error, tokens.bad, 'RuntimeError.WorkerPanic');
      assert.match(
        stopped.deployment_error.message,
        /everything else accepted is kept in checkpoint [0-9a-f-]{36}; \/start resumes from it without it/,
      );

      await startAndWait(m, name);
      await assertKeptAllButTheBadRow(m, name);
      await assertTokens(m, name, tokens);
      // The pipeline goes on as before.
      await ingestAndWait(m, name, 't', rows(110, 120));
      assert.deepEqual(await queryRows(m, name, 'SELECT n FROM s'), [{ n: 120 }]);
    });
  }

  test('storage off: stays alive and Paused with the error; /resume, and later /start, go on without it', async () => {
    const name = 'rej-nostorage';
    const base = `/v0/pipelines/${name}`;
    await create(m, name, false);
    const tokens = await pushGoodBadGood(m, name);
    const paused = await m.waitFor(
      name,
      (p) => p.deployment_status === 'Paused' && p.deployment_error !== null,
      30_000,
      'paused with the error',
    );
    assertNamesTheInput(paused.deployment_error, tokens.bad, 'InputRejected');
    assert.match(paused.deployment_error.message, /stays paused with this error: \/resume \(or \/start\)/);
    assert.equal(paused.deployment_desired_status, 'Paused', 'the runner does not resume it by itself');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await m.request('GET', base)).body.deployment_status, 'Paused');
    await assertKeptAllButTheBadRow(m, name);
    await assertTokens(m, name, tokens);
    assertError(
      await m.request('POST', `${base}/ingress/t?format=json`, rows(200, 201)),
      400,
      'PipelinePaused',
    );

    assert.equal((await m.request('POST', `${base}/resume`)).status, 202);
    await m.waitFor(
      name,
      (p) => p.deployment_status === 'Running' && p.deployment_error === null,
      20_000,
      'running without the error',
    );
    await ingestAndWait(m, name, 't', rows(110, 120));
    assert.deepEqual(await queryRows(m, name, 'SELECT n FROM s'), [{ n: 120 }]);

    // A second bad row; this time /start goes on.
    const bad = await m.request(
      'POST',
      `${base}/ingress/t?format=json`,
      `{"insert": {"id": 998, "x": ${MAX}}}`,
    );
    assert.equal(bad.status, 200, bad.text);
    await m.waitFor(
      name,
      (p) => p.deployment_status === 'Paused' && p.deployment_error !== null,
      20_000,
      'paused again',
    );
    assert.equal((await m.request('POST', `${base}/start`)).status, 202);
    await m.waitFor(
      name,
      (p) => p.deployment_status === 'Running' && p.deployment_error === null,
      20_000,
      'running after /start',
    );
    assert.deepEqual(await queryRows(m, name, 'SELECT n, total FROM s'), [{ n: 120, total: 120 }]);
  });
});

describe('a step that fails with no input to reject', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('stops the pipeline with RuntimeError.WorkerPanic naming the step, instead of retrying it', async () => {
    const program_code =
      "CREATE TABLE t (id INT);\nCREATE VIEW bad AS SELECT CAST(s AS INT) AS n FROM (VALUES ('abc')) AS v(s);";
    const res = await m.request('POST', '/v0/pipelines', { name: 'noinput', program_code });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('noinput', (p) => p.program_status === 'Success', 15_000, 'compiled');
    assert.equal((await m.request('POST', '/v0/pipelines/noinput/start')).status, 202);
    const stopped = await m.waitFor(
      'noinput',
      (p) => p.deployment_status === 'Stopped' && p.deployment_error !== null,
      30_000,
      'stopped with the error',
    );
    assert.equal(stopped.deployment_error.error_code, 'RuntimeError.WorkerPanic');
    assert.ok('details' in stopped.deployment_error, JSON.stringify(stopped.deployment_error));
    assert.match(stopped.deployment_error.message, /^step 1 failed with no input to reject: .*'abc'/);
  });
});
