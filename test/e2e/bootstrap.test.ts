/**
 * Bootstrapping a modified program from a checkpoint of the previous one, through a real
 * manager and real pipeline processes: `bootstrap_policy` allow / await_approval (+ /approve)
 * / reject, the program diff in `deployment_runtime_status_details`, the refusal when a
 * new view needs the contents of a table that was not materialized, and a renamed view over
 * such a table, which keeps its state (the sequence of Feldera's SDK test of HTTP connector
 * status across restarts and program changes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  ingestAndWait,
  inserts,
  pipelineStats,
  queryRows,
  stopAndWait,
  waitForToken,
} from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const BASE = `CREATE TABLE t1 (x INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v1 AS SELECT COUNT(*) AS c FROM t1;
`;

async function create(m: TestManager, name: string, program: string) {
  const runtime_config = {
    storage: { backend: { name: 'default' } },
    fault_tolerance: { model: 'none', checkpoint_interval_secs: null },
  };
  const res = await m.request('POST', '/v0/pipelines', { name, program_code: program, runtime_config });
  assert.equal(res.status, 201, res.text);
  await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
}

async function modify(m: TestManager, name: string, program: string) {
  const res = await m.request('PATCH', `/v0/pipelines/${name}`, { program_code: program });
  assert.equal(res.status, 200, res.text);
  await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'recompiled');
}

/** Starts with a policy and waits for one of `statuses` or a deployment error. */
async function start(m: TestManager, name: string, policy: string, statuses: string[]) {
  const res = await m.request('POST', `/v0/pipelines/${name}/start?bootstrap_policy=${policy}`);
  assert.equal(res.status, 202, res.text);
  return m.waitFor(
    name,
    (p) => statuses.includes(p.deployment_status) || p.deployment_error !== null,
    30_000,
    statuses.join('|'),
  );
}

const EMPTY_PROGRAM_DIFF = {
  added_tables: [],
  added_views: [],
  modified_tables: [],
  modified_views: [],
  removed_tables: [],
  removed_views: [],
};

describe('bootstrapping a modified program (bootstrap_policy)', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('reject fails the start, allow backfills a new view, await_approval waits for /approve', async () => {
    await create(m, 'bs', BASE);
    assert.equal((await start(m, 'bs', 'allow', ['Running'])).deployment_error, null);
    await ingestAndWait(m, 'bs', 't1', inserts([{ x: 1 }, { x: 2 }, { x: 3 }]));
    await checkpointAndWait(m, 'bs');
    await stopAndWait(m, 'bs', true);
    const withV2 = `${BASE}CREATE MATERIALIZED VIEW v2 AS SELECT MAX(x) AS m, COUNT(*) AS c FROM t1;\n`;
    await modify(m, 'bs', withV2);

    const rejected = await start(m, 'bs', 'reject', ['Running']);
    assert.equal(rejected.deployment_status, 'Stopped');
    assert.match(rejected.deployment_error.message, /bootstrap_policy is 'reject' \(added views: v2\)/);
    await m.waitFor('bs', (p) => p.deployment_status === 'Stopped', 20_000, 'Stopped');
    assert.equal((await m.request('POST', '/v0/pipelines/bs/dismiss_error')).status < 300, true);

    const allowed = await start(m, 'bs', 'allow', ['Running']);
    assert.equal(allowed.deployment_error, null, JSON.stringify(allowed.deployment_error));
    assert.deepEqual(await queryRows(m, 'bs', 'SELECT m, c FROM v2'), [{ m: 3, c: 3 }]);
    await ingestAndWait(m, 'bs', 't1', inserts([{ x: 10 }]));
    assert.deepEqual(await queryRows(m, 'bs', 'SELECT c FROM v1'), [{ c: 4 }]);
    assert.deepEqual(await queryRows(m, 'bs', 'SELECT m, c FROM v2'), [{ m: 10, c: 4 }]);
    await stopAndWait(m, 'bs', true);

    // No checkpoint since: the old one is still the newest, so the diff is the same.
    const waiting = await start(m, 'bs', 'await_approval', ['AwaitingApproval', 'Running']);
    assert.equal(waiting.deployment_status, 'AwaitingApproval');
    assert.deepEqual(waiting.deployment_runtime_status_details, {
      program_diff: { ...EMPTY_PROGRAM_DIFF, added_views: ['v2'] },
      program_diff_error: null,
      added_input_connectors: [],
      modified_input_connectors: [],
      removed_input_connectors: [],
      added_output_connectors: [],
      modified_output_connectors: [],
      removed_output_connectors: [],
    });
    assert.equal((await m.request('POST', '/v0/pipelines/bs/approve')).status, 202);
    await m.waitFor('bs', (p) => p.deployment_status === 'Running', 30_000, 'Running');
    assert.deepEqual(await queryRows(m, 'bs', 'SELECT m, c FROM v2'), [{ m: 3, c: 3 }]);
    // A second approval is refused: nothing awaits it.
    assert.equal((await m.request('POST', '/v0/pipelines/bs/approve')).status, 400);
    await checkpointAndWait(m, 'bs');
    await stopAndWait(m, 'bs', true);

    // A modified table starts empty; the views reading it are modified; others keep theirs.
    await modify(
      m,
      'bs',
      `${withV2}CREATE TABLE t2 (y INT) WITH ('materialized' = 'true');\nCREATE MATERIALIZED VIEW v3 AS SELECT MAX(y) AS m FROM t2;\n`,
    );
    const added = await start(m, 'bs', 'await_approval', ['AwaitingApproval', 'Running']);
    assert.deepEqual(added.deployment_runtime_status_details.program_diff, {
      ...EMPTY_PROGRAM_DIFF,
      added_tables: ['t2'],
      added_views: ['v3'],
    });
    assert.equal((await m.request('POST', '/v0/pipelines/bs/approve')).status, 202);
    await m.waitFor('bs', (p) => p.deployment_status === 'Running', 30_000, 'Running');
    await ingestAndWait(m, 'bs', 't2', inserts([{ y: 7 }]));
    await checkpointAndWait(m, 'bs');
    await stopAndWait(m, 'bs', true);
    await modify(
      m,
      'bs',
      `${withV2}CREATE TABLE t2 (y INT, s VARCHAR) WITH ('materialized' = 'true');\nCREATE MATERIALIZED VIEW v3 AS SELECT MAX(y) AS m FROM t2;\n`,
    );
    const changed = await start(m, 'bs', 'allow', ['Running']);
    assert.equal(changed.deployment_error, null, JSON.stringify(changed.deployment_error));
    assert.deepEqual(await queryRows(m, 'bs', 'SELECT m FROM v3'), [{ m: null }]);
    assert.deepEqual(await queryRows(m, 'bs', 'SELECT c FROM v1'), [{ c: 3 }]);
    await stopAndWait(m, 'bs', true);
  });

  test('a new view over a table that was not materialized cannot be bootstrapped', async () => {
    await create(
      m,
      'nm',
      'CREATE TABLE t1 (x INT);\nCREATE MATERIALIZED VIEW v1 AS SELECT COUNT(*) AS c FROM t1;\n',
    );
    await start(m, 'nm', 'allow', ['Running']);
    await ingestAndWait(m, 'nm', 't1', inserts([{ x: 1 }]));
    await checkpointAndWait(m, 'nm');
    await stopAndWait(m, 'nm', true);
    await modify(
      m,
      'nm',
      'CREATE TABLE t1 (x INT);\nCREATE MATERIALIZED VIEW v1 AS SELECT COUNT(*) AS c FROM t1;\nCREATE MATERIALIZED VIEW v2 AS SELECT MAX(x) AS m FROM t1;\n',
    );
    const failed = await start(m, 'nm', 'allow', ['Running']);
    assert.equal(failed.deployment_status, 'Stopped');
    assert.match(failed.deployment_error.message, /table 't1' \(read by 'v2'\) is not materialized/);
  });

  test('a renamed view over a table that is not materialized keeps its state; HTTP input counters carry over', async () => {
    const table = 'CREATE TABLE input_t (c1 INT);\n';
    await create(m, 'rn', `${table}CREATE MATERIALIZED VIEW output_v AS SELECT * FROM input_t;\n`);
    await start(m, 'rn', 'allow', ['Running']);
    const json = (rows: number[]) => JSON.stringify(rows.map((c1) => ({ c1 })));
    const push = async (rows: number[]) => {
      const res = await m.request(
        'POST',
        '/v0/pipelines/rn/ingress/input_t?format=json&update_format=raw&array=true',
        json(rows),
      );
      assert.equal(res.status, 200, res.text);
      await waitForToken(m, 'rn', res.body.token);
    };
    /** The HTTP input connectors' [records, parse errors]. */
    const httpInputs = async () =>
      (await pipelineStats(m, 'rn')).inputs
        .filter((i: { endpoint_name: string }) => i.endpoint_name.includes('.api-ingress-'))
        .map((i: { metrics: Record<string, number> }) => [
          i.metrics.total_records,
          i.metrics.num_parse_errors,
        ]);
    const values = async (view: string) =>
      (await queryRows(m, 'rn', `SELECT c1 FROM ${view}`)).map((r) => r.c1).sort((a, b) => a - b);

    await push([0, 1, 2, 3, 4]);
    const bad = await m.request(
      'POST',
      '/v0/pipelines/rn/ingress/input_t?format=json&update_format=raw&array=true',
      '[{"c1": "not_an_int"}]',
    );
    assertError(bad, 400, 'ParseErrors');
    assert.deepEqual(await httpInputs(), [[5, 1]]);
    // A graceful stop checkpoints; the same program starts from it.
    await stopAndWait(m, 'rn', false);
    await start(m, 'rn', 'allow', ['Running']);
    await push([5, 6, 7, 8, 9]);
    assert.deepEqual(await httpInputs(), [[10, 1]]);
    await stopAndWait(m, 'rn', false);

    // Renamed view, same query: Feldera's diff, and no table contents needed.
    await modify(m, 'rn', `${table}CREATE MATERIALIZED VIEW output_v_renamed AS SELECT * FROM input_t;\n`);
    const waiting = await start(m, 'rn', 'await_approval', ['AwaitingApproval', 'Running']);
    assert.equal(waiting.deployment_status, 'AwaitingApproval', JSON.stringify(waiting.deployment_error));
    assert.deepEqual(waiting.deployment_runtime_status_details.program_diff, {
      ...EMPTY_PROGRAM_DIFF,
      added_views: ['output_v_renamed'],
      removed_views: ['output_v'],
    });
    assert.equal((await m.request('POST', '/v0/pipelines/rn/approve')).status, 202);
    await m.waitFor('rn', (p) => p.deployment_status === 'Running', 30_000, 'Running');
    assert.deepEqual(await values('output_v_renamed'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await httpInputs(), [[10, 1]]);
    await push([10, 11, 12, 13, 14]);
    assert.deepEqual(await httpInputs(), [[15, 1]]);
    assert.equal((await values('output_v_renamed')).length, 15);
    await stopAndWait(m, 'rn', false);

    // A modified table starts empty, without its connectors; its reader is recomputed over nothing.
    await modify(
      m,
      'rn',
      'CREATE TABLE input_t (c1 INT, c2 INT);\nCREATE MATERIALIZED VIEW output_v_renamed AS SELECT c1 FROM input_t;\n',
    );
    const modified = await start(m, 'rn', 'await_approval', ['AwaitingApproval', 'Running']);
    assert.deepEqual(modified.deployment_runtime_status_details.program_diff, {
      ...EMPTY_PROGRAM_DIFF,
      modified_tables: ['input_t'],
      modified_views: ['output_v_renamed'],
    });
    assert.equal((await m.request('POST', '/v0/pipelines/rn/approve')).status, 202);
    await m.waitFor('rn', (p) => p.deployment_status === 'Running', 30_000, 'Running');
    assert.deepEqual(await httpInputs(), []);
    assert.deepEqual(await values('output_v_renamed'), []);
    await stopAndWait(m, 'rn', true);
  });
});
