/**
 * Issue 8, item 3: a web page cannot use the manager through the user's browser, neither by
 * DNS rebinding (unknown `Host` while auth is off) nor by cross-site requests that change
 * state (src/manager/auth/browser-guard.ts). Every request goes through real HTTP with the
 * headers a browser would send.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../../src/manager/auth/api-keys.js';
import { defaultManagerConfig, MANAGER_HELP, parseManagerConfig } from '../../src/manager/config.js';
import { SqliteStore } from '../../src/manager/store/sqlite.js';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, queryRows, startAndWait, stopAndWait } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';
import { http10WithoutHost, type RawRequest, rawRequest } from './raw-http.js';

describe('without --auth: Host must be a loopback name, --host or an --allowed-host', () => {
  let m: TestManager;
  let port: string;
  const get = (host: string, path = '/v0/pipelines') => rawRequest(m.url, { path, headers: { host } });
  before(async () => {
    m = await startTestManager({ allowedHosts: ['sluice.internal'] });
    port = new URL(m.url).port;
  });
  after(async () => {
    await m.close();
  });

  test('loopback names, with any port, are accepted', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'LOCALHOST',
      'localhost.',
      '127.8.9.10:1',
      '[::1]:80',
      '[::1]',
      'sluice.internal:443',
      'Sluice.Internal',
    ]) {
      assert.equal((await get(host)).status, 200, host);
    }
  });

  test('other names are refused with HostNotAllowed: DNS rebinding gets nothing', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      'sluice.internal.evil.example',
      '10.0.0.1',
      '[::2]',
      'user@localhost',
      'localhost/x',
    ]) {
      const res = await get(host);
      assertError(res, 403, 'HostNotAllowed');
      assert.match(res.body.message, /DNS rebinding/);
    }
    // A refused request changes nothing, whatever it asks.
    const created = await rawRequest(m.url, {
      method: 'POST',
      path: '/v0/pipelines',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rebound', program_code: SIMPLE_PROGRAM }),
    });
    assertError(created, 403, 'HostNotAllowed');
    assert.equal((await m.request('GET', '/v0/pipelines/rebound')).status, 404);
  });

  test('a request without Host is refused; /healthz answers whatever the Host', async () => {
    assert.equal(await http10WithoutHost(m.url, '/v0/pipelines'), 403);
    assert.equal((await get('evil.example', '/healthz')).status, 200);
    assert.equal(await http10WithoutHost(m.url, '/healthz'), 200);
  });
});

describe('cross-origin requests that can change state are refused', () => {
  let m: TestManager;
  let self: string;
  const send = (options: RawRequest) => rawRequest(m.url, options);
  before(async () => {
    m = await startTestManager();
    self = m.url; // http://127.0.0.1:<port>, the origin of a page served by the manager itself
    const res = await m.request('POST', '/v0/pipelines', { name: 'web', program_code: SIMPLE_PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('web', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'web');
  });
  after(async () => {
    await m.close();
  });

  test('a form POST /stop and a text/plain ingress from evil.example are refused and change nothing', async () => {
    const stop = await send({
      method: 'POST',
      path: '/v0/pipelines/web/stop?force=true',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    assertError(stop, 403, 'CrossOriginRequest');
    const ingress = await send({
      method: 'POST',
      path: '/v0/pipelines/web/ingress/t?format=json',
      headers: {
        origin: 'http://evil.example',
        'sec-fetch-site': 'cross-site',
        'content-type': 'text/plain',
      },
      body: '{"insert": {"id": 1, "name": "evil"}}',
    });
    assertError(ingress, 403, 'CrossOriginRequest');
    // GET /query runs INSERTs: it is not a safe GET.
    const insert = await send({
      path: `/v0/pipelines/web/query?sql=${encodeURIComponent("INSERT INTO t VALUES (2, 'evil')")}`,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assertError(insert, 403, 'CrossOriginRequest');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await m.request('GET', '/v0/pipelines/web')).body.deployment_status, 'Running');
    assert.deepEqual(await queryRows(m, 'web', 'SELECT * FROM t'), []);
  });

  test('what counts as cross-origin: another host or port, Origin null, Sec-Fetch-Site cross-site or same-site', async () => {
    const port = Number(new URL(self).port);
    const refused: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: `http://localhost:${port}` },
      { origin: 'null' },
      { origin: 'garbage' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: self, 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      const res = await send({ method: 'POST', path: '/v0/pipelines/web/pause', headers });
      assertError(res, 403, 'CrossOriginRequest');
    }
    const allowed: Array<Record<string, string>> = [
      {},
      { origin: self },
      { origin: self, 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of allowed) {
      const res = await send({ method: 'POST', path: '/v0/pipelines/web/resume', headers });
      assert.equal(res.status, 202, `${JSON.stringify(headers)}: ${res.text}`);
    }
  });

  test('a same-origin page (or a non-browser client) ingests as before', async () => {
    const res = await send({
      method: 'POST',
      path: '/v0/pipelines/web/ingress/t?format=json',
      headers: { origin: self, 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' },
      body: '{"insert": {"id": 3, "name": "ok"}}',
    });
    assert.equal(res.status, 200, res.text);
    await ingestAndWait(m, 'web', 't', '{"insert": {"id": 4, "name": "curl"}}');
    assert.deepEqual(
      (await queryRows(m, 'web', 'SELECT id FROM t ORDER BY id')).map((r) => r.id),
      [3, 4],
    );
  });

  test('cross-origin GETs that only read are answered (the page cannot read them: no CORS headers)', async () => {
    for (const path of ['/v0/pipelines', '/v0/pipelines/web', '/v0/pipelines/web/stats', '/healthz']) {
      const res = await send({
        path,
        headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      });
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    }
    const head = await send({
      method: 'HEAD',
      path: `/v0/pipelines/web/query?sql=${encodeURIComponent('SELECT 1')}`,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(head.status, 403, 'HEAD runs the GET handler: it is refused like the GET');
    await stopAndWait(m, 'web', true);
  });
});

describe('with --auth: any Host, but cross-origin state changes are still refused', () => {
  let m: TestManager;
  let key: string;
  before(async () => {
    // The key is issued before the manager opens the database (two connections in one
    // process would wait on each other synchronously).
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-guard-'));
    const store = new SqliteStore(join(dataDir, 'metadata.sqlite'));
    key = (await issueApiKey(store, 'browser')).api_key;
    await store.close();
    m = await startTestManager({ dataDir, auth: { ...defaultManagerConfig().auth, enabled: true } });
  });
  after(async () => {
    await m.close();
  });

  test('Host is not checked (a rebinding page has no credential); Origin is', async () => {
    const authorization = `Bearer ${key}`;
    const any = await rawRequest(m.url, {
      path: '/v0/pipelines',
      headers: { host: 'sluice.example.com', authorization },
    });
    assert.equal(any.status, 200, any.text);
    const anonymous = await rawRequest(m.url, { path: '/v0/pipelines', headers: { host: 'evil.example' } });
    assertError(anonymous, 401, 'Unauthorized');
    const cross = await rawRequest(m.url, {
      method: 'POST',
      path: '/v0/api_keys',
      headers: { origin: 'http://evil.example', authorization, 'content-type': 'application/json' },
      body: '{"name": "stolen"}',
    });
    assertError(cross, 403, 'CrossOriginRequest');
    const keys = await rawRequest(m.url, { path: '/v0/api_keys', headers: { authorization } });
    assert.deepEqual(
      keys.body.map((k: { name: string }) => k.name),
      ['browser'],
    );
  });
});

describe('--allowed-host and SLUICE_ALLOWED_HOSTS', () => {
  test('repeatable flag or comma-separated variable, normalized; a port or scheme is refused', () => {
    const fromFlags = parseManagerConfig(
      ['--allowed-host', 'Sluice.Example', '--allowed-host', '[FD00::1]'],
      {
        SLUICE_ALLOWED_HOSTS: 'ignored.example',
      },
    );
    assert.ok(fromFlags !== 'help');
    assert.deepEqual(fromFlags.allowedHosts, ['sluice.example', 'fd00::1']);
    const fromEnv = parseManagerConfig([], { SLUICE_ALLOWED_HOSTS: 'a.example, b.example,' });
    assert.ok(fromEnv !== 'help');
    assert.deepEqual(fromEnv.allowedHosts, ['a.example', 'b.example']);
    assert.throws(
      () => parseManagerConfig(['--allowed-host', 'a.example:8080'], {}),
      /without port or scheme/,
    );
    assert.throws(
      () => parseManagerConfig(['--allowed-host', 'http://a.example'], {}),
      /without port or scheme/,
    );
    assert.match(MANAGER_HELP, /--allowed-host <name>.*\n.*SLUICE_ALLOWED_HOSTS/);
  });
});
