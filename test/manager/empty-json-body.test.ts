/**
 * Issue 9, item 1: a request with `Content-Type: application/json` and an empty body is a
 * request with no body, on every route of the manager (Feldera's Python SDK sends that header
 * on every request). The sweep takes the routes from the running manager, so a route added
 * later is covered without editing this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type InProcessTestManager, SIMPLE_PROGRAM, startTestManager } from '../helpers/manager.js';
import { assertError } from '../helpers/reference.js';

const JSON_HEADER = { 'content-type': 'application/json' };

/** A concrete path for a route pattern: an unknown pipeline, so that nothing changes. */
function concrete(url: string): string {
  return url.replace(/:([a-z_]+)/g, (_, param: string) =>
    param === 'pipeline_name' ? 'no-such-pipeline' : 'x',
  );
}

describe('an empty body with Content-Type: application/json is no body', () => {
  let m: InProcessTestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('every POST, PUT and PATCH route answers as if no body and no content type were sent', async () => {
    const routes = m.routes.filter(
      (r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !r.url.includes('*'),
    );
    assert.ok(routes.length >= 10, `the sweep sees the manager's routes (${routes.length})`);
    for (const { method, url } of routes) {
      const path = concrete(url);
      const withHeader = await m.request(method, path, '', JSON_HEADER);
      const bare = await m.request(method, path);
      const what = `${method} ${url}: ${withHeader.status} ${withHeader.text.slice(0, 300)}`;
      assert.notEqual(withHeader.body?.error_code, 'InvalidJson', what);
      assert.equal(withHeader.status, bare.status, what);
      assert.equal(withHeader.body?.error_code, bare.body?.error_code, what);
    }
  });

  test("the SDK's bodiless calls on a real pipeline: start, checkpoint, pause, resume, stop, clear", async () => {
    const created = await m.request('POST', '/v0/pipelines', {
      name: 'bodiless',
      program_code: SIMPLE_PROGRAM,
      runtime_config: { storage: {} },
    });
    assert.equal(created.status, 201);
    await m.waitFor('bodiless', (p) => p.program_status === 'Success', 20_000, 'compiled');
    await m.request('POST', '/v0/pipelines/bodiless/dismiss_error', '', JSON_HEADER);
    const start = await m.request('POST', '/v0/pipelines/bodiless/start?initial=running', '', JSON_HEADER);
    assert.equal(start.status, 202, start.text);
    await m.waitFor('bodiless', (p) => p.deployment_status === 'Running', 30_000, 'Running');
    // Proxied to the pipeline process with the same header and no body.
    const checkpoint = await m.request('POST', '/v0/pipelines/bodiless/checkpoint', '', JSON_HEADER);
    assert.equal(checkpoint.status, 200, checkpoint.text);
    assert.equal(typeof checkpoint.body.checkpoint_sequence_number, 'number');
    for (const action of ['pause', 'resume']) {
      const res = await m.request('POST', `/v0/pipelines/bodiless/${action}`, '', JSON_HEADER);
      assert.equal(res.status, 202, `${action}: ${res.text}`);
    }
    const stop = await m.request('POST', '/v0/pipelines/bodiless/stop?force=true', '', JSON_HEADER);
    assert.equal(stop.status, 202, stop.text);
    await m.waitFor('bodiless', (p) => p.deployment_status === 'Stopped', 20_000, 'Stopped');
    const clear = await m.request('POST', '/v0/pipelines/bodiless/clear', '', JSON_HEADER);
    assert.equal(clear.status, 202, clear.text);
  });

  test('a non-empty body is still parsed strictly', async () => {
    assertError(await m.request('POST', '/v0/pipelines', '{', JSON_HEADER), 400, 'InvalidJson');
    assertError(await m.request('POST', '/v0/pipelines', 'nul', JSON_HEADER), 400, 'InvalidJson');
    const empty = await m.request('POST', '/v0/pipelines', '', JSON_HEADER);
    assertError(empty, 400, 'InvalidRequest');
  });
});
