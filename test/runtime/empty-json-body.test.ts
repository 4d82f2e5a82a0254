/**
 * Issue 9, item 1 on the pipeline process: a request with `Content-Type: application/json`
 * and an empty body is a request with no body. A real controller (real engine, real storage
 * directory) runs in this process behind the pipeline process's own server, and every POST,
 * PUT and PATCH route it registered (src/http/route-list.ts) is sent the SDK's bodiless form.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { compileProgram } from '../../src/engine/index.js';
import { Controller } from '../../src/runtime/controller.js';
import { PipelineLogger } from '../../src/runtime/log.js';
import { buildRuntimeApp } from '../../src/runtime/server.js';
import { PROCESS_CONTROL, TOKEN_HEADER } from '../../src/types/runtime.js';

const PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT id FROM t;`;
const TOKEN = 'test-token';

class QuietLog extends PipelineLogger {
  override info(): void {}
  override warn(): void {}
}

/** A concrete path for a route pattern, naming the program's table or view. */
function concrete(url: string): string {
  return url.replace(/:([a-z_]+)/g, (_, param: string) => (param === 'table_name' ? 't' : 'x'));
}

describe('the pipeline process: an empty JSON body is no body', () => {
  let dir: string;
  let app: FastifyInstance;
  let exits: number[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-empty-body-'));
    exits = [];
    const controller = new Controller(
      {
        pipelineId: 'p',
        pipelineName: 'empty-body',
        deploymentId: 'd',
        programCode: PROGRAM,
        runtimeConfig: { workers: 1, storage: {}, fault_tolerance: { model: 'none' } },
        initial: 'Running',
        pipelineDir: dir,
      },
      new QuietLog(),
      (code) => {
        const result = compileProgram(code);
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        return result.program;
      },
      (code) => exits.push(code),
    );
    app = await buildRuntimeApp(controller, TOKEN);
    await controller.initialize();
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every POST, PUT and PATCH route accepts the bodiless form', async () => {
    // Suspending ends the process: it goes last.
    const routes = app.registeredRoutes
      .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))
      .sort((a, b) => Number(a.url === PROCESS_CONTROL.suspend) - Number(b.url === PROCESS_CONTROL.suspend));
    assert.ok(
      routes.some((r) => r.url === '/checkpoint'),
      JSON.stringify(routes),
    );
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const { method, url } of routes) {
      // Real HTTP: egress answers a stream that never ends, so only its headers are awaited.
      const res = await fetch(`${address}${concrete(url)}`, {
        method,
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: TOKEN },
        body: '',
      });
      const streaming = url.startsWith('/egress/');
      const text = streaming ? '' : await res.text();
      if (streaming) await res.body?.cancel();
      const what = `${method} ${url}: ${res.status} ${text.slice(0, 300)}`;
      const body = text ? JSON.parse(text) : {};
      assert.notEqual(body.error_code, 'InvalidJson', what);
      assert.notEqual(body.details?.context, 'body', what);
      assert.ok(res.status < 500, what);
    }
    for (let i = 0; i < 100 && exits.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(exits, [0], 'the suspend at the end ended the process cleanly');
  });

  test('POST /checkpoint with the header and no body writes a checkpoint', async () => {
    const list = await app.inject({ method: 'GET', url: '/checkpoints', headers: { [TOKEN_HEADER]: TOKEN } });
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(JSON.parse(list.body).length >= 1, list.body);
  });
});
