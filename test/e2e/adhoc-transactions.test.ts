/**
 * Through the manager: several `;`-separated statements in one ad-hoc query,
 * `/start_transaction` / `/commit_transaction` with the `/stats` fields Feldera's SDK reads,
 * and `/metrics` in both of Feldera's formats.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, queryRows, startAndWait } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const PROGRAM = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');";

describe('ad-hoc statements and transactions through the manager', () => {
  let m: TestManager;

  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'txn', program_code: PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('txn', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'txn');
  });
  after(async () => {
    await m.close();
  });

  test('several statements run in order; the last one answers', async () => {
    const rows = await queryRows(
      m,
      'txn',
      "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);\nSELECT COUNT(*) AS n FROM t; SELECT MAX(id) AS m, ';' AS s FROM t;",
    );
    assert.deepEqual(rows, [{ m: 2, s: ';' }]);
    const bad = await m.request(
      'GET',
      `/v0/pipelines/txn/query?format=json&sql=${encodeURIComponent('INSERT INTO t VALUES (3); SELECT nope FROM t')}`,
    );
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error_code, 'InvalidQuery');
    assert.deepEqual(await queryRows(m, 'txn', 'SELECT COUNT(*) AS n FROM t'), [{ n: 2 }], 'nothing ran');
  });

  test('a transaction commits its inputs together; the SDK reads transaction_id', async () => {
    const stats = async () => (await m.request('GET', '/v0/pipelines/txn/stats')).body.global_metrics;
    assertError(
      await m.request('POST', '/v0/pipelines/txn/commit_transaction'),
      400,
      'NoTransactionInProgress',
    );
    const started = await m.request('POST', '/v0/pipelines/txn/start_transaction');
    assert.equal(started.status, 200, started.text);
    const id = started.body.transaction_id;
    assert.equal(typeof id, 'number');
    assert.equal((await stats()).transaction_id, id);
    assert.match(
      (await stats()).incarnation_uuid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-7/,
      'incarnation uuids are UUIDv7',
    );
    assert.equal((await stats()).transaction_status, 'TransactionInProgress');
    assertError(await m.request('POST', '/v0/pipelines/txn/start_transaction'), 409, 'TransactionInProgress');

    const ingest = await m.request(
      'POST',
      '/v0/pipelines/txn/ingress/t?format=json',
      '{"insert": {"id": 10}}',
    );
    assert.equal(ingest.status, 200, ingest.text);
    assert.deepEqual(await queryRows(m, 'txn', 'SELECT COUNT(*) AS n FROM t WHERE id = 10'), [{ n: 0 }]);
    const commit = await m.request('POST', '/v0/pipelines/txn/commit_transaction');
    assert.equal(commit.status, 200, commit.text);
    const deadline = Date.now() + 10_000;
    while ((await stats()).transaction_id !== 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal((await stats()).transaction_status, 'NoTransaction');
    assert.deepEqual(await queryRows(m, 'txn', 'SELECT COUNT(*) AS n FROM t WHERE id = 10'), [{ n: 1 }]);
    await ingestAndWait(m, 'txn', 't', '{"insert": {"id": 11}}');
  });

  test('/metrics answers Prometheus text by default and JSON with ?format=json', async () => {
    const text = await m.request('GET', '/v0/pipelines/txn/metrics');
    assert.equal(text.status, 200);
    assert.match(text.text, /# TYPE records_processed_total counter\nrecords_processed_total \d+/);
    assert.match(text.text, /# TYPE checkpoint_sync_push_success_total counter/);
    assert.match(text.text, /checkpoint_sync_pull_duration_seconds_bucket\{le="\+Inf"\} 0/);
    assert.equal(
      (await m.request('GET', '/v0/pipelines/txn/metrics?format=prometheus')).text.length > 0,
      true,
    );
    const json = await m.request('GET', '/v0/pipelines/txn/metrics?format=json');
    assert.equal(json.status, 200, json.text);
    assert.ok(Array.isArray(json.body));
    const processed = json.body.find((x: { key: string }) => x.key === 'records_processed_total');
    assert.equal(processed.type, 'counter');
    assert.ok(processed.values[0].value >= 3);
    assertError(
      await m.request('GET', '/v0/pipelines/txn/metrics?format=does-not-exist'),
      400,
      'InvalidFormat',
    );
  });
});
