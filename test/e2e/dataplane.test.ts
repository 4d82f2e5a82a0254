import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { egressSnapshot, waitForToken } from '../helpers/pipeline.js';
import { assertError, assertMatchesReference } from '../helpers/reference.js';

const PROGRAM = `
CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer VARCHAR NOT NULL, amount DECIMAL(10, 2), placed DATE)
  WITH ('materialized' = 'true');
CREATE TABLE customers (name VARCHAR NOT NULL PRIMARY KEY, city VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW big_orders AS SELECT id, customer, amount FROM orders WHERE amount > 100;
CREATE MATERIALIZED VIEW totals AS
  SELECT c.city, COUNT(*) AS n, SUM(o.amount) AS total
  FROM orders o JOIN customers c ON o.customer = c.name GROUP BY c.city;
`;

describe('data plane end to end through the manager', () => {
  let m: TestManager;
  const base = '/v0/pipelines/shop';
  before(async () => {
    m = await startTestManager();
    assert.equal(
      (await m.request('POST', '/v0/pipelines', { name: 'shop', program_code: PROGRAM })).status,
      201,
    );
    await m.waitFor('shop', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await m.request('POST', `${base}/start`);
    await m.waitFor('shop', (p) => p.deployment_status === 'Running', 20_000, 'Running');
  });
  after(async () => {
    await m.close();
  });

  async function waitComplete(token: string) {
    await waitForToken(m, 'shop', token);
    const res = await m.request('GET', `${base}/completion_status?token=${encodeURIComponent(token)}`);
    assertMatchesReference('CompletionStatusResponse', res.body);
    assert.equal(res.body.status, 'complete');
  }

  test('egress streams view changes as chunks while JSON and CSV are ingested', async () => {
    const controller = new AbortController();
    const egress = await fetch(`${m.url}${base}/egress/big_orders?format=json`, {
      method: 'POST',
      signal: controller.signal,
    });
    assert.equal(egress.status, 200);
    const reader = egress.body!.getReader();

    const customers = await m.request(
      'POST',
      `${base}/ingress/customers?format=csv`,
      'alice,Paris\nbob,Oslo\n',
    );
    assert.equal(customers.status, 200, customers.text);
    const json = [
      { insert: { id: 1, customer: 'alice', amount: 250.5, placed: '2026-01-02' } },
      { insert: { id: 2, customer: 'bob', amount: 20, placed: '2026-01-03' } },
      { insert: { id: 3, customer: 'alice', amount: 99999.99, placed: null } },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const res = await m.request('POST', `${base}/ingress/orders?format=json`, json);
    assert.equal(res.status, 200, res.text);
    assertMatchesReference('CompletionTokenResponse', res.body);
    await waitComplete(res.body.token);

    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('99999.99') && Date.now() < deadline) {
      const { value } = await reader.read();
      text += Buffer.from(value ?? new Uint8Array()).toString('utf8');
    }
    controller.abort();
    const lines = text
      .split('\r\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l));
    // As Feldera, a stream with nothing to say sends chunks with only a sequence number.
    const empty = lines.filter((c) => !('json_data' in c));
    for (const c of empty) assert.deepEqual(Object.keys(c), ['sequence_number']);
    const chunks = lines.filter((c) => 'json_data' in c);
    for (const c of chunks) {
      // Like Feldera, json_data is an array of updates (the reference types it as a generic JSON value).
      assert.ok(Number.isInteger(c.sequence_number) && c.sequence_number >= 0);
      assert.equal(c.snapshot, false);
      assert.ok(Array.isArray(c.json_data));
    }
    const inserted = chunks.flatMap((c) => c.json_data.map((u: { insert: { id: number } }) => u.insert.id));
    assert.deepEqual(inserted.sort(), [1, 3]);
    assert.match(text, /"amount":250.50/);
  });

  test('egress with send_snapshot starts with the current contents; CSV egress carries weights', async () => {
    const first = await egressSnapshot(m, 'shop', 'big_orders', 'csv');
    assert.equal(first.snapshot, true);
    assert.deepEqual(first.text_data.trim().split('\n').sort(), ['1,alice,250.50,1', '3,alice,99999.99,1']);
  });

  test('ad-hoc queries read materialized state in text and json', async () => {
    const json = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent('SELECT city, n, total FROM totals ORDER BY city')}&format=json`,
    );
    assert.equal(json.status, 200, json.text);
    const rows = json.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r: { city: string; n: number }) => [r.city, r.n]),
      [
        ['Oslo', 1],
        ['Paris', 2],
      ],
    );
    const text = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent('SELECT COUNT(*) FROM orders')}&format=text`,
    );
    assert.equal(text.status, 200);
    assert.match(text.text, /3/);
    const insert = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent("INSERT INTO customers VALUES ('carol', 'Rome')")}&format=json`,
    );
    assert.equal(insert.status, 200, insert.text);
    const after = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent('SELECT name FROM customers ORDER BY name')}&format=json`,
    );
    assert.match(after.text, /carol/);
  });

  test('bad records are reported; a newline-delimited body keeps its good records, an array body nothing', async () => {
    const before = await m.request('GET', `${base}/stats`);
    // As Feldera: the good record of a newline-delimited body is ingested, the bad one reported.
    const mixed = await m.request(
      'POST',
      `${base}/ingress/orders?format=json`,
      '{"insert": {"id": 10, "customer": "x", "amount": 1}}\n{"insert": {"id": "eleven", "customer": "x"}}',
    );
    assertError(mixed, 400, 'ParseErrors');
    assert.match(
      mixed.body.message,
      /^Errors parsing input data \(1 errors\):\n {4}Parse error \(event #2\): column 'id'/,
    );
    assert.equal(mixed.body.details.num_errors, 1);
    assert.equal(mixed.body.details.errors[0].event_number, 2);
    assert.equal(mixed.body.details.errors[0].field, 'id');
    assert.match(mixed.body.details.errors[0].invalid_text, /"eleven"/);
    assert.equal(mixed.body.details.ingested_records, 1);
    await waitComplete(mixed.body.details.token);
    // A JSON array is all or nothing: id 13 is not ingested.
    const array = await m.request(
      'POST',
      `${base}/ingress/orders?format=json&array=true`,
      '[{"insert": {"id": 13, "customer": "x"}}, {"insert": {"id": 14, "oops": 1}}, {"insert": {"customer": "x"}}]',
    );
    assertError(array, 400, 'ParseErrors');
    assert.match(array.body.message, /^Errors parsing input data \(2 errors\)/);
    assert.deepEqual(
      array.body.details.errors.map((e: { event_number: number }) => e.event_number),
      [2, 3],
    );
    assert.equal(array.body.details.ingested_records, 0);
    assert.equal(array.body.details.token, null);
    assertError(
      await m.request('POST', `${base}/ingress/orders?format=json`, '{"insert": {"customer": "x"}}'),
      400,
      'ParseErrors',
    );
    assertError(await m.request('POST', `${base}/ingress/orders?format=csv`, '1,2\n'), 400, 'ParseErrors');
    // Broken syntax: the reader cannot go on past it, so nothing of the body is ingested.
    const broken = await m.request(
      'POST',
      `${base}/ingress/orders?format=json`,
      '{"insert": {"id": 15, "customer": "x"}}\n{"insert": {',
    );
    assertError(broken, 400, 'ParseErrors');
    assert.equal(broken.body.details.ingested_records, 0);
    assertError(await m.request('POST', `${base}/ingress/orders?format=xml`, '<a/>'), 400, 'InvalidFormat');
    assertError(await m.request('POST', `${base}/ingress/nope?format=json`, '{}'), 404, 'UnknownInputTable');
    assertError(await m.request('POST', `${base}/egress/nope?format=json`), 404, 'UnknownOutputView');
    const ids = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent('SELECT id FROM orders WHERE id >= 10 ORDER BY id')}&format=json`,
    );
    assert.deepEqual(
      ids.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
      [10],
    );
    const after = await m.request('GET', `${base}/stats`);
    assert.equal(
      after.body.global_metrics.total_input_records,
      before.body.global_metrics.total_input_records + 1,
    );
  });

  test('upserts by primary key and deletes by key', async () => {
    const res = await m.request(
      'POST',
      `${base}/ingress/orders?format=json`,
      '{"insert": {"id": 2, "customer": "bob", "amount": 500}}\n{"delete": {"id": 3}}',
    );
    assert.equal(res.status, 200, res.text);
    await waitComplete(res.body.token);
    const q = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent('SELECT id, amount FROM big_orders ORDER BY id')}&format=json`,
    );
    assert.deepEqual(
      q.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
      [1, 2],
    );
  });

  test('stats report real figures', async () => {
    const stats = await m.request('GET', `${base}/stats`);
    assert.equal(stats.status, 200);
    assertMatchesReference('ControllerStatus', stats.body);
    const g = stats.body.global_metrics;
    assert.ok(g.total_input_records >= 7);
    assert.equal(g.total_processed_records, g.total_input_records);
    assert.ok(g.total_completed_steps >= 3);
    assert.ok(
      stats.body.inputs.some((i: { endpoint_name: string }) =>
        /^orders\.api-ingress-[0-9a-f]{16}$/.test(i.endpoint_name),
      ),
    );
  });

  test('queries reading non-materialized relations are a clear 400', async () => {
    const res = await m.request(
      'GET',
      `${base}/query?sql=${encodeURIComponent('SELECT * FROM nowhere')}&format=json`,
    );
    assert.equal(res.status, 400);
    assertMatchesReference('ErrorResponse', res.body);
  });

  test('a paused pipeline refuses ingress unless forced, and processes it on resume', async () => {
    await m.request('POST', `${base}/pause`);
    await m.waitFor('shop', (p) => p.deployment_status === 'Paused', 10_000, 'Paused');
    assertError(
      await m.request('POST', `${base}/ingress/customers?format=csv`, 'dave,Lima\n'),
      400,
      'PipelinePaused',
    );
    const forced = await m.request('POST', `${base}/ingress/customers?format=csv&force=true`, 'erin,Quito\n');
    assert.equal(forced.status, 200);
    const pending = await m.request(
      'GET',
      `${base}/completion_status?token=${encodeURIComponent(forced.body.token)}`,
    );
    assert.equal(pending.status, 202);
    await m.request('POST', `${base}/resume`);
    await m.waitFor('shop', (p) => p.deployment_status === 'Running', 10_000, 'Running');
    await waitComplete(forced.body.token);
    assertError(
      await m.request('GET', `${base}/completion_status?token=garbage`),
      400,
      'InvalidCompletionToken',
    );
  });
});
