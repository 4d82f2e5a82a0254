/**
 * Issue 8, item 8 (manager side): the body limit holds for proxied bodies, streams end with
 * the credential that opened them, and JSON bodies are parsed strictly (depth, UTF-8).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.js';
import { issueApiKey } from '../../src/manager/auth/api-keys.js';
import { defaultManagerConfig } from '../../src/manager/config.js';
import { SqliteStore } from '../../src/manager/store/sqlite.js';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, queryRows, startAndWait, stopAndWait } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';
import { AUDIENCE, ISSUER, makeSigningKey, writeJwksFile } from './auth/support.js';
import { rawRequest } from './raw-http.js';

const MiB = 1024 * 1024;

/** About `bytes` of newline-delimited inserts with ids from `firstId`, as chunks of ~64 KiB. */
function* insertChunks(bytes: number, firstId: number): Generator<Buffer> {
  const filler = 'x'.repeat(1000);
  let sent = 0;
  let id = firstId;
  while (sent < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) lines.push(JSON.stringify({ insert: { id: id++, name: filler } }));
    const chunk = Buffer.from(`${lines.join('\n')}\n`);
    sent += chunk.length;
    yield chunk;
  }
}

async function countRows(m: TestManager, name: string): Promise<number> {
  return (await queryRows(m, name, 'SELECT COUNT(*) AS n FROM t'))[0].n;
}

describe('--body-limit holds for bodies proxied to the pipeline', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'big', program_code: SIMPLE_PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('big', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'big');
    await ingestAndWait(m, 'big', 't', inserts([{ id: -1, name: 'before' }]));
  });
  after(async () => {
    await m.close();
  });

  test('40 MiB with Content-Length: 413 before anything reaches the pipeline', async () => {
    const body = Buffer.concat([...insertChunks(40 * MiB, 1)]);
    const res = await rawRequest(m.url, {
      method: 'POST',
      path: '/v0/pipelines/big/ingress/t?format=json',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    });
    assertError(res, 413, 'PayloadTooLarge');
    assert.equal(res.body.details.limit_bytes, 32 * MiB);
    assert.equal(await countRows(m, 'big'), 1, 'the table changed');
  });

  test('40 MiB chunked: cut at the limit, the pipeline ingests none of it', async () => {
    const res = await rawRequest(m.url, {
      method: 'POST',
      path: '/v0/pipelines/big/ingress/t?format=json',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(insertChunks(40 * MiB, 1_000_000)),
    });
    assertError(res, 413, 'PayloadTooLarge');
    assert.equal(await countRows(m, 'big'), 1, 'the table changed');
    // The pipeline is unharmed and takes the next push.
    await ingestAndWait(m, 'big', 't', inserts([{ id: -2, name: 'after' }]));
    assert.equal(await countRows(m, 'big'), 2);
    await stopAndWait(m, 'big', true);
  });
});

/** An open streaming response: its text so far, and how it ended. */
interface OpenStream {
  text(): string;
  /** 'end' for a complete response, 'cut' for a connection closed mid-response. */
  ended: Promise<'end' | 'cut'>;
  close(): void;
}

function openStream(baseUrl: string, method: string, path: string, token: string): Promise<OpenStream> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream answered ${res.statusCode}`));
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        const ended = new Promise<'end' | 'cut'>((done) => {
          res.on('end', () => done('end'));
          res.on('aborted', () => done('cut'));
          res.on('error', () => done('cut'));
          res.on('close', () => done(res.complete ? 'end' : 'cut'));
        });
        resolve({ text: () => text, ended, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with `what` if `p` settles within `ms`, else with 'open'. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'open'> {
  return Promise.race([p, new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]);
}

describe('streams end with the credential that opened them', () => {
  let m: TestManager;
  let admin: string;
  let jwks: { path: string; remove(): void };
  let idp: Awaited<ReturnType<typeof makeSigningKey>>;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  before(async () => {
    idp = await makeSigningKey('ES256', 'streams');
    jwks = writeJwksFile([idp.jwk]);
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-streams-'));
    const store = new SqliteStore(join(dataDir, 'metadata.sqlite'));
    admin = (await issueApiKey(store, 'admin')).api_key;
    await store.close();
    m = await startTestManager({
      dataDir,
      auth: {
        ...defaultManagerConfig().auth,
        enabled: true,
        jwksSource: jwks.path,
        jwtIssuer: ISSUER,
        jwtAudience: AUDIENCE,
      },
    });
    const res = await m.request(
      'POST',
      '/v0/pipelines',
      { name: 's', program_code: SIMPLE_PROGRAM },
      as(admin),
    );
    assert.equal(res.status, 201, res.text);
    await waitForStatus((p) => p.program_status === 'Success');
    assert.equal((await m.request('POST', '/v0/pipelines/s/start', undefined, as(admin))).status, 202);
    await waitForStatus((p) => p.deployment_status === 'Running');
  });
  /** Polls pipeline `s` with the admin key until `predicate` holds. */
  async function waitForStatus(
    predicate: (p: { program_status: string; deployment_status: string }) => boolean,
  ) {
    for (let i = 0; i < 300; i++) {
      const p = await m.request('GET', '/v0/pipelines/s', undefined, as(admin));
      if (p.status === 200 && predicate(p.body)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('pipeline s never reached the expected status');
  }
  after(async () => {
    await m.close();
    jwks.remove();
  });

  test('deleting an API key cuts its egress and log streams at once; other keys stream on', async () => {
    const created = await m.request('POST', '/v0/api_keys', { name: 'streamer' }, as(admin));
    assert.equal(created.status, 201, created.text);
    const key: string = created.body.api_key;
    const egress = await openStream(m.url, 'POST', '/v0/pipelines/s/egress/v?format=json', key);
    const logs = await openStream(m.url, 'GET', '/v0/pipelines/s/logs', key);
    const other = await openStream(m.url, 'POST', '/v0/pipelines/s/egress/v?format=json', admin);
    const push = await m.request(
      'POST',
      '/v0/pipelines/s/ingress/t?format=json',
      '{"insert": {"id": 1, "name": "one"}}',
      as(admin),
    );
    assert.equal(push.status, 200, push.text);
    for (let i = 0; i < 100 && !egress.text().includes('"one"'); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(egress.text(), /"one"/, 'the stream delivers before the deletion');

    assert.equal((await m.request('DELETE', '/v0/api_keys/streamer', undefined, as(admin))).status, 200);
    assert.equal(
      await within(egress.ended, 2000),
      'cut',
      'the egress stream goes on after its key was deleted',
    );
    assert.equal(await within(logs.ended, 2000), 'cut', 'the log stream goes on after its key was deleted');
    assert.equal(await within(other.ended, 300), 'open', "another key's stream was cut");
    const again = await m.request('POST', '/v0/pipelines/s/egress/v?format=json', undefined, as(key));
    assertError(again, 401, 'Unauthorized');
    other.close();
  });

  test('a JWT stream is cut when its exp passes; a longer-lived token streams on', async () => {
    const short = await idp.sign({ sub: 'alice' }, { expiresIn: 3 });
    const long = await idp.sign({ sub: 'bob' }, { expiresIn: 600 });
    const started = Date.now();
    const shortStream = await openStream(m.url, 'POST', '/v0/pipelines/s/egress/v?format=json', short);
    const longStream = await openStream(m.url, 'GET', '/v0/pipelines/s/logs', long);
    assert.equal(await within(shortStream.ended, 10_000), 'cut');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1500 && elapsed < 8000, `cut after ${elapsed} ms`);
    assert.equal(await within(longStream.ended, 300), 'open');
    longStream.close();
    assert.equal(
      (await m.request('POST', '/v0/pipelines/s/stop?force=true', undefined, as(admin))).status,
      202,
    );
    await waitForStatus((p) => p.deployment_status === 'Stopped');
  });
});

describe('JSON bodies: nesting depth and UTF-8', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  test('a config nested 6,000 levels deep is a 400 naming the limit, not a 500', async () => {
    for (const body of [
      `{"name": "deep", "program_code": "", "runtime_config": {"dev_tweaks": ${nested(6000)}}}`,
      `{"name": "deep", "program_code": "", "program_config": {"x": ${nested(6000)}}}`,
      `{"name": "deep", "program_code": "", "x": ${'['.repeat(6000)}${']'.repeat(6000)}}`,
    ]) {
      const res = await m.request('POST', '/v0/pipelines', body, { 'content-type': 'application/json' });
      assertError(res, 400, 'InvalidJson');
      assert.match(res.body.message, new RegExp(`more than ${MAX_JSON_DEPTH} levels`));
    }
    const patch = await m.request(
      'PATCH',
      '/v0/pipelines/deep',
      `{"runtime_config": {"dev_tweaks": ${nested(6000)}}}`,
      {
        'content-type': 'application/json',
      },
    );
    assertError(patch, 400, 'InvalidJson');
    assert.equal((await m.request('GET', '/v0/pipelines/deep')).status, 404);
  });

  test(`nesting up to ${MAX_JSON_DEPTH} levels is accepted; brackets inside strings do not count`, async () => {
    // Exactly the limit: the body, runtime_config, then the nested dev_tweaks.
    const body = `{"name": "ok", "program_code": "", "description": "${'['.repeat(500)}", "runtime_config": {"dev_tweaks": ${nested(MAX_JSON_DEPTH - 2)}}}`;
    const res = await m.request('POST', '/v0/pipelines', body, { 'content-type': 'application/json' });
    assert.equal(res.status, 201, res.text);
  });

  test('invalid UTF-8 is a 400 InvalidJson, not U+FFFD; a byte-order mark is accepted', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"name": "utf", "program_code": "", "description": "caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const res = await rawRequest(m.url, {
      method: 'POST',
      path: '/v0/pipelines',
      headers: { 'content-type': 'application/json' },
      body: bad,
    });
    assertError(res, 400, 'InvalidJson');
    assert.match(res.body.message, /not valid UTF-8/);
    assert.equal((await m.request('GET', '/v0/pipelines/utf')).status, 404);
    const good = await rawRequest(m.url, {
      method: 'POST',
      path: '/v0/pipelines',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('{"name": "utf", "program_code": "", "description": "café ☕"}'),
      ]),
    });
    assert.equal(good.status, 201, good.text);
    assert.equal(good.body.description, 'café ☕');
  });
});
