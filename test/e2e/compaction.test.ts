/**
 * `POST /start_compaction` through the manager on a running pipeline with storage: 200 with
 * an empty body at once, the state's batches merged in the background (metrics and log say
 * so), the views unchanged, and a pipeline without storage answers the same and merges nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  ingestAndWait,
  inserts,
  pipelineLog,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';

const PROGRAM = `
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, grp VARCHAR NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n FROM items GROUP BY grp;
`;
const GROUPS = 'SELECT grp, n FROM per_group ORDER BY grp';

async function metric(m: TestManager, name: string, key: string): Promise<number> {
  const res = await m.request('GET', `/v0/pipelines/${name}/metrics?format=json`);
  assert.equal(res.status, 200, res.text);
  const found = (res.body as Array<{ key: string; values: Array<{ value: number }> }>).find(
    (x) => x.key === key,
  );
  assert.ok(found, `metric ${key}`);
  return found.values[0]!.value;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('start_compaction', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('merges the batches of a pipeline with storage and leaves its views unchanged', async () => {
    const res0 = await m.request('POST', '/v0/pipelines', {
      name: 'cmp',
      program_code: PROGRAM,
      runtime_config: { storage: { backend: { name: 'default' } }, fault_tolerance: { model: 'none' } },
    });
    assert.equal(res0.status, 201, res0.text);
    await m.waitFor('cmp', (p) => p.program_status === 'Success', 15_000, 'compiled');
    const p = await startAndWait(m, 'cmp');
    // Each checkpoint seals the traces' heads into a batch: three checkpoints, three batches each.
    for (let round = 0; round < 3; round++) {
      const rows = [0, 1, 2].map((i) => ({ id: round * 10 + i, grp: `g${i % 2}` }));
      await ingestAndWait(m, 'cmp', 'items', inserts(rows));
      await checkpointAndWait(m, 'cmp');
    }
    const before = await queryRows(m, 'cmp', GROUPS);
    assert.equal(await metric(m, 'cmp', 'compactions_total'), 0);

    const res = await m.request('POST', '/v0/pipelines/cmp/start_compaction');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    await until('the compaction to finish', async () => (await metric(m, 'cmp', 'compactions_total')) === 1);
    assert.ok((await metric(m, 'cmp', 'compaction_batches_merged_total')) >= 3);
    assert.equal(await metric(m, 'cmp', 'compaction_in_progress'), 0);
    assert.deepEqual(await queryRows(m, 'cmp', GROUPS), before);
    assert.match(pipelineLog(m, p), /compaction finished in \d+ ms: \d+ batches merged across \d+ traces/);

    // Input after a compaction lands on the compacted state.
    await ingestAndWait(m, 'cmp', 'items', inserts([{ id: 100, grp: 'g0' }]));
    const after = await queryRows(m, 'cmp', GROUPS);
    assert.equal(after.find((r) => r.grp === 'g0').n, before.find((r) => r.grp === 'g0').n + 1);
    assert.equal((await m.request('POST', '/v0/pipelines/cmp/start_compaction')).status, 200);
    await until('the second compaction', async () => (await metric(m, 'cmp', 'compactions_total')) === 2);
    await stopAndWait(m, 'cmp', true);
    const stopped = await m.request('POST', '/v0/pipelines/cmp/start_compaction');
    assert.equal(stopped.status, 503, stopped.text);
    assert.equal(stopped.body.error_code, 'PipelineInteractionNotDeployed');
  });

  test('a pipeline without storage answers 200 and merges nothing', async () => {
    const res0 = await m.request('POST', '/v0/pipelines', {
      name: 'cmp_mem',
      program_code: PROGRAM,
      runtime_config: { storage: null },
    });
    assert.equal(res0.status, 201, res0.text);
    await m.waitFor('cmp_mem', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'cmp_mem');
    await ingestAndWait(m, 'cmp_mem', 'items', inserts([{ id: 1, grp: 'a' }]));
    assert.equal((await m.request('POST', '/v0/pipelines/cmp_mem/start_compaction')).status, 200);
    await until(
      'the compaction to finish',
      async () => (await metric(m, 'cmp_mem', 'compactions_total')) === 1,
    );
    assert.equal(await metric(m, 'cmp_mem', 'compaction_batches_merged_total'), 0);
    assert.deepEqual(await queryRows(m, 'cmp_mem', GROUPS), [{ grp: 'a', n: 1 }]);
    await stopAndWait(m, 'cmp_mem', true);
  });
});
