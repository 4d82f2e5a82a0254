/**
 * Issue 9, item 10 (manager side): pipeline monitor events, cluster events and health, and a
 * log stream that opens at once for a pipeline that never started.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../../helpers/manager.js';
import { startAndWait, stopAndWait } from '../../helpers/pipeline.js';
import { assertError } from '../../helpers/reference.js';

describe('monitoring endpoints', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    assert.equal(
      (await m.request('POST', '/v0/pipelines', { name: 'ev', program_code: SIMPLE_PROGRAM })).status,
      201,
    );
    await m.waitFor('ev', (p) => p.program_status === 'Success', 20_000, 'compiled');
  });
  after(async () => {
    await m.close();
  });

  test('GET /logs of a pipeline that never started answers its headers at once', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const res = await fetch(`${m.url}/v0/pipelines/ev/logs`, { signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.ok(Date.now() - started < 2000, `headers after ${Date.now() - started} ms`);
    abort.abort();
  });

  test('pipeline events record each status change, newest first; by id and latest', async () => {
    await startAndWait(m, 'ev');
    await stopAndWait(m, 'ev', true);
    const list = await m.request('GET', '/v0/pipelines/ev/events');
    assert.equal(list.status, 200);
    const events = list.body as Array<Record<string, unknown>>;
    assert.ok(events.length >= 4, `events: ${JSON.stringify(events)}`);
    const times = events.map((e) => Date.parse(e.recorded_at as string));
    assert.deepEqual(
      [...times].sort((a, b) => b - a),
      times,
      'newest first',
    );
    assert.equal(events[0]!.deployment_resources_status, 'Stopped');
    assert.ok(events.some((e) => e.deployment_runtime_status === 'Running'));
    assert.ok(events.some((e) => e.program_status === 'Pending'));
    for (const e of events) {
      assert.equal(typeof e.deployment_has_error, 'boolean');
      assert.ok(!('deployment_error' in e), 'selector=status leaves out the details');
    }
    const all = await m.request('GET', '/v0/pipelines/ev/events?selector=all');
    assert.ok('storage_status_details' in all.body[0]);

    const one = await m.request('GET', `/v0/pipelines/ev/events/${events[1]!.event_id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, events[1]);
    const latest = await m.request('GET', '/v0/pipelines/ev/events/latest?selector=all');
    assert.equal(latest.body.event_id, events[0]!.event_id);
    assertError(await m.request('GET', '/v0/pipelines/ev/events/not-a-uuid'), 400, 'InvalidUuidParam');
    assertError(
      await m.request('GET', '/v0/pipelines/ev/events/00000000-0000-4000-8000-000000000000'),
      404,
      'UnknownPipelineMonitorEvent',
    );
    assertError(await m.request('GET', '/v0/pipelines/nope/events'), 404, 'UnknownPipelineName');
  });

  test('cluster health and cluster events', async () => {
    const health = await m.request('GET', '/v0/cluster_healthz');
    assert.equal(health.status, 200, health.text);
    assert.equal(health.body.all_healthy, true);
    for (const service of ['api', 'compiler', 'runner']) {
      assert.equal(health.body[service].healthy, true, service);
      assert.equal(typeof health.body[service].message, 'string');
      assert.ok(!Number.isNaN(Date.parse(health.body[service].unchanged_since)));
    }
    const events = await m.request('GET', '/v0/cluster/events');
    assert.equal(events.status, 200);
    assert.ok(events.body.length >= 1);
    const [newest] = events.body;
    assert.equal(newest.all_healthy, true);
    assert.equal(newest.runner_status, 'Healthy');
    assert.ok(!('api_self_info' in newest), 'the list has the status fields only');
    const full = await m.request('GET', `/v0/cluster/events/${newest.id}?selector=all`);
    assert.equal(full.status, 200);
    assert.equal(typeof full.body.api_self_info, 'string');
    assert.equal((await m.request('GET', '/v0/cluster/events/latest')).body.id, events.body[0].id);
    assertError(
      await m.request('GET', '/v0/cluster/events/00000000-0000-4000-8000-000000000000'),
      404,
      'UnknownClusterMonitorEvent',
    );
  });

  test('deleting a pipeline deletes its events', async () => {
    assert.equal((await m.request('POST', '/v0/pipelines/ev/clear')).status, 202);
    await m.waitFor('ev', (p) => p.storage_status === 'Cleared', 10_000, 'Cleared');
    assert.equal((await m.request('DELETE', '/v0/pipelines/ev')).status, 200);
    assert.equal(
      (await m.request('POST', '/v0/pipelines', { name: 'ev', program_code: SIMPLE_PROGRAM })).status,
      201,
    );
    const events = (await m.request('GET', '/v0/pipelines/ev/events')).body;
    // The new pipeline of the same name never ran: nothing of the old one's history shows.
    assert.ok(events.length >= 1);
    for (const e of events) assert.equal(e.deployment_runtime_status, null, JSON.stringify(e));
  });
});
