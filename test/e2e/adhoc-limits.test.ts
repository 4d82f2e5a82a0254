/**
 * Ad-hoc queries cannot hurt the pipeline: through a real manager and pipeline process, the
 * queries that used to block the step loop and kill the process (a 10,000 × 10,000 cross
 * join) run in a worker under time and memory limits, stream their rows, stop when their
 * client goes away, and end with clear errors, while ingress and `/stats` go on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, pipelineLog, pipelinePid, queryRows } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const PROGRAM = `
CREATE TABLE a (x INT NOT NULL) WITH ('materialized' = 'true');
CREATE TABLE b (y INT NOT NULL) WITH ('materialized' = 'true');
CREATE TABLE c (id INT NOT NULL PRIMARY KEY, v INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW c_total AS SELECT COUNT(*) AS n, SUM(v) AS total FROM c;
`;
const N = 10_000;
const TIMEOUT_SECS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sql = (text: string) => encodeURIComponent(text);

describe('ad-hoc queries under limits, through the manager', () => {
  let m: TestManager;
  // biome-ignore lint/suspicious/noExplicitAny: pipeline JSON
  let pipeline: any;
  // biome-ignore lint/suspicious/noExplicitAny: pipeline JSON
  let memPipeline: any;
  let pid: number;
  let nextId = 0;
  const base = '/v0/pipelines/adhoc';

  /** Creates, starts and fills a pipeline with `a` and `b` of N rows each; returns it. */
  async function deploy(name: string, runtimeConfig: Record<string, unknown>) {
    const created = await m.request('POST', '/v0/pipelines', {
      name,
      program_code: PROGRAM,
      runtime_config: runtimeConfig,
    });
    assert.equal(created.status, 201, created.text);
    await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
    assert.equal((await m.request('POST', `/v0/pipelines/${name}/start`)).status, 202);
    const p = await m.waitFor(name, (x) => x.deployment_status === 'Running', 30_000, 'Running');
    const ints = (column: string) => inserts(Array.from({ length: N }, (_, i) => ({ [column]: i })));
    await ingestAndWait(m, name, 'a', ints('x'));
    await ingestAndWait(m, name, 'b', ints('y'));
    return p;
  }

  before(async () => {
    m = await startTestManager();
    // One after the other: two pipelines loading at once on a loaded 2-core machine can keep
    // a process from answering the runner for a few seconds.
    // 64 MiB of heap for each of the 2 queries that may run at once; one more may wait.
    pipeline = await deploy('adhoc', {
      datafusion_memory_mb: 128,
      dev_tweaks: { adhoc_timeout_secs: TIMEOUT_SECS, adhoc_max_concurrent: 2, adhoc_max_queued: 1 },
    });
    // Reaching a memory limit takes a while on a loaded machine (the heap fills, then the
    // collector gives up): this pipeline's time limit leaves it all the time it needs.
    memPipeline = await deploy('mem', {
      datafusion_memory_mb: 64,
      dev_tweaks: { adhoc_timeout_secs: 600, adhoc_max_concurrent: 1 },
    });
    pid = pipelinePid(m, pipeline);
  });
  after(async () => {
    await m.close();
  });

  /** The process is the one started in `before`, still running, with no error. */
  async function assertPipelineUnharmed(): Promise<void> {
    const p = (await m.request('GET', '/v0/pipelines/adhoc')).body;
    assert.equal(p.deployment_status, 'Running');
    assert.equal(p.deployment_error, null);
    assert.equal(pipelinePid(m, p), pid, 'the pipeline process was replaced');
    assert.deepEqual(await queryRows(m, 'adhoc', 'SELECT COUNT(*) AS n FROM a'), [{ n: N }]);
  }

  /** Pushes one row into `c` and waits for its completion token. */
  async function pushOne(): Promise<void> {
    const id = nextId++;
    await ingestAndWait(m, 'adhoc', 'c', inserts([{ id, v: id }]));
  }

  async function waitForLog(pattern: RegExp, count: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if ((pipelineLog(m, pipeline).match(new RegExp(pattern, 'g')) ?? []).length >= count) return;
      await sleep(100);
    }
    assert.fail(
      `the pipeline log never showed ${count} × ${pattern}:\n${pipelineLog(m, pipeline).slice(-3000)}`,
    );
  }

  test('COUNT(*) over the 10,000 × 10,000 cross join stops at the time limit while ingress and /stats go on', async () => {
    const started = Date.now();
    const query = m.request('GET', `${base}/query?format=json&sql=${sql('SELECT COUNT(*) FROM a, b')}`);
    let finished = false;
    void query.finally(() => {
      finished = true;
    });
    const statsMs: number[] = [];
    let pushed = 0;
    while (!finished) {
      const t = performance.now();
      const stats = await m.request('GET', `${base}/stats`);
      statsMs.push(performance.now() - t);
      assert.equal(stats.status, 200, stats.text);
      await pushOne();
      pushed++;
      await sleep(50);
    }
    const res = await query;
    const elapsed = (Date.now() - started) / 1000;
    assertError(res, 400, 'AdHocQueryTimeout');
    assert.match(res.body.message, /time limit of 8 s/);
    assert.deepEqual(res.body.details, { limit_secs: TIMEOUT_SECS });
    assert.ok(elapsed >= TIMEOUT_SECS - 0.5, `answered after ${elapsed} s, before its time limit`);
    // Generous for a loaded 2-core machine; a blocked event loop answers after the whole query.
    assert.ok(Math.max(...statsMs) < 1000, `/stats took up to ${Math.max(...statsMs).toFixed(0)} ms`);
    assert.ok(pushed >= 3, `only ${pushed} pushes completed during the query`);
    assert.deepEqual(await queryRows(m, 'adhoc', 'SELECT n, total FROM c_total'), [
      { n: nextId, total: (nextId * (nextId - 1)) / 2 },
    ]);
    await assertPipelineUnharmed();
  });

  test('LIMIT 3 over the cross join answers at once: the product is never computed', async () => {
    const rows = await queryRows(m, 'adhoc', 'SELECT x, y FROM a, b LIMIT 3');
    assert.equal(rows.length, 3);
    for (const r of rows) assert.ok(r.x >= 0 && r.x < N && r.y >= 0 && r.y < N);
    const text = await m.request('GET', `${base}/query?format=text&sql=${sql('SELECT x FROM a, b LIMIT 2')}`);
    assert.equal(text.status, 200);
    assert.equal(text.text.trim().split('\n').length, 6); // Rule, header, rule, 2 rows, rule.
  });

  test('ORDER BY over the cross join exceeds the memory limit: a clear error, the pipeline unharmed', async () => {
    const memPid = pipelinePid(m, memPipeline);
    const res = await m.request(
      'GET',
      `/v0/pipelines/mem/query?format=text&sql=${sql('SELECT x, y FROM a, b ORDER BY y, x')}`,
    );
    assertError(res, 400, 'AdHocQueryOutOfMemory');
    assert.match(res.body.message, /memory limit of 64 MiB/);
    assert.deepEqual(res.body.details, { limit_mb: 64 });
    await ingestAndWait(m, 'mem', 'a', inserts([{ x: -1 }]));
    assert.deepEqual(await queryRows(m, 'mem', 'SELECT COUNT(*) AS n FROM a'), [{ n: N + 1 }]);
    const p = (await m.request('GET', '/v0/pipelines/mem')).body;
    assert.equal(p.deployment_status, 'Running');
    assert.equal(p.deployment_error, null);
    assert.equal(pipelinePid(m, p), memPid, 'the pipeline process was replaced');
  });

  test('a large result streams; an error after the first rows is the last line', async () => {
    const big = await queryRows(m, 'adhoc', 'SELECT x, y FROM a, b WHERE y < 5');
    assert.equal(big.length, 5 * N);
    assert.equal(new Set(big.map((r) => `${r.x},${r.y}`)).size, 5 * N);

    const text = await m.request(
      'GET',
      `${base}/query?format=text&sql=${sql('SELECT x, y FROM a, b WHERE y < 3')}`,
    );
    assert.equal(text.status, 200);
    const lines = text.text.trimEnd().split('\n');
    assert.match(lines[0]!, /^\+-+\+-+\+$/);
    assert.match(lines[1]!, /^\| x +\| y +\|$/);
    assert.equal(lines.filter((l) => /^\| x /.test(l)).length, 1, 'the header is drawn once');
    assert.equal(lines.filter((l) => /^\| \d/.test(l)).length, 3 * N);
    assert.match(lines.at(-1)!, /^\+-+\+-+\+$/);

    // Rows arrive in the order the snapshot holds them (insertion order): x = 6000 comes after
    // several batches of rows have been sent.
    const failing = sql('SELECT 100 / (x - 6000) AS r FROM a');
    const json = await m.request('GET', `${base}/query?format=json&sql=${failing}`);
    assert.equal(json.status, 200, json.text.slice(0, 500));
    const jsonLines = json.text.trimEnd().split('\n');
    assert.ok(jsonLines.length > 1000, `only ${jsonLines.length} lines before the error`);
    const last = JSON.parse(jsonLines.at(-1)!);
    assert.equal(last.error_code, 'InvalidQuery');
    assert.match(last.message, /'100 \/ 0' causes overflow for type INTEGER/); // Feldera's words
    assert.ok('details' in last);
    assert.ok(jsonLines.slice(0, -1).every((l) => 'r' in JSON.parse(l)));

    const plain = await m.request('GET', `${base}/query?format=text&sql=${failing}`);
    assert.equal(plain.status, 200, plain.text.slice(0, 500));
    assert.match(
      plain.text.trimEnd().split('\n').at(-1)!,
      /^ERROR: .*'100 \/ 0' causes overflow for type INTEGER \[InvalidQuery\]$/,
    );
  });

  test('a client that goes away, before or after the first rows, terminates its worker', async () => {
    const before = new AbortController();
    const counting = fetch(`${m.url}${base}/query?format=json&sql=${sql('SELECT COUNT(*) FROM a, b')}`, {
      signal: before.signal,
    }).catch((e: Error) => e);
    await sleep(1500);
    before.abort();
    assert.ok((await counting) instanceof Error);
    await waitForLog(/cancelled: the client disconnected; its worker was terminated/, 1);

    // The whole product would take minutes to send: its first rows arrive long before.
    const during = new AbortController();
    const res = await fetch(`${m.url}${base}/query?format=json&sql=${sql('SELECT x, y FROM a, b')}`, {
      signal: during.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      assert.ok(!done);
      text += Buffer.from(value).toString('utf8');
    }
    assert.deepEqual(Object.keys(JSON.parse(text.split('\n')[0]!)), ['x', 'y']);
    during.abort();
    await waitForLog(/cancelled: the client disconnected; its worker was terminated/, 2);
    await pushOne();
    await assertPipelineUnharmed();
  });

  test('at most 2 queries run and 1 waits; more are refused with TooManyAdHocQueries', async () => {
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const long = controllers.map((c, i) =>
      sleep(i * 300).then(() =>
        fetch(`${m.url}${base}/query?format=json&sql=${sql('SELECT COUNT(*) FROM a, b')}`, {
          signal: c.signal,
        }).catch((e: Error) => e),
      ),
    );
    await sleep(1500);
    const refused = await m.request('GET', `${base}/query?format=json&sql=${sql('SELECT COUNT(*) FROM a')}`);
    assertError(refused, 429, 'TooManyAdHocQueries');
    assert.deepEqual(refused.body.details, { running: 2, queued: 1 });
    const cancelledBefore = (pipelineLog(m, pipeline).match(/cancelled: the client disconnected/g) ?? [])
      .length;
    for (const c of controllers) c.abort();
    for (const r of await Promise.all(long)) assert.ok(r instanceof Error);
    await waitForLog(/cancelled: the client disconnected/, cancelledBefore + 3);
    // The slots are free again.
    assert.deepEqual(await queryRows(m, 'adhoc', 'SELECT COUNT(*) AS n FROM b'), [{ n: N }]);
    await assertPipelineUnharmed();
  });
});
