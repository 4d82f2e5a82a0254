import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../../../src/manager/auth/api-keys.js';
import { type AuthTestApp, assertUnauthorized, startAuthTestApp } from './support.js';

describe('authentication off', () => {
  let t: AuthTestApp;
  before(async () => {
    t = await startAuthTestApp({ enabled: false });
  });
  after(() => t.close());

  test('every endpoint answers without a credential', async () => {
    assert.equal((await t.request('GET', '/v0/config')).status, 200);
    assert.equal((await t.request('GET', '/v0/config/session')).status, 200);
    assert.equal((await t.request('POST', '/v0/api_keys', { body: { name: 'k' } })).status, 201);
    assert.equal((await t.request('GET', '/v0/api_keys')).status, 200);
    assert.equal((await t.request('GET', '/v0/api_keys/k')).status, 200);
    assert.equal((await t.request('DELETE', '/v0/api_keys/k')).status, 200);
    assert.equal((await t.request('GET', '/no/such/route')).status, 404);
  });

  test('a credential, even a bogus one, is ignored', async () => {
    assert.equal((await t.request('GET', '/v0/config', { token: 'apikey:bogus' })).status, 200);
    assert.equal(
      (await t.request('GET', '/v0/config', { headers: { authorization: 'Basic x' } })).status,
      200,
    );
  });
});

describe('authentication on, API keys only', () => {
  let t: AuthTestApp;
  let key: string;
  before(async () => {
    t = await startAuthTestApp({ enabled: true });
    key = (await issueApiKey(t.store, 'admin')).api_key;
  });
  after(() => t.close());

  test('the public endpoints answer without a credential', async () => {
    assert.equal((await t.request('GET', '/healthz')).status, 200);
    assert.equal((await t.request('HEAD', '/healthz')).status, 200);
    assert.equal((await t.request('GET', '/config/authentication')).status, 200);
    const doc = await t.request('GET', '/v0/openapi.json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/v0/api_keys']);
  });

  test('a public path does not make a protected route public', async () => {
    assertUnauthorized(await t.request('GET', '/v0/config?next=/healthz'), 'MissingCredential');
    assertUnauthorized(await t.request('GET', '/healthz/../v0/config'), 'MissingCredential');
    assertUnauthorized(await t.request('POST', '/config/authentication'), 'MissingCredential');
  });

  test('no Authorization header: 401 MissingCredential with a Bearer challenge', async () => {
    for (const [method, path] of [
      ['GET', '/v0/api_keys'],
      ['POST', '/v0/api_keys'],
      ['GET', '/v0/api_keys/admin'],
      ['DELETE', '/v0/api_keys/admin'],
      ['GET', '/v0/config'],
      ['GET', '/v0/config/session'],
      ['GET', '/no/such/route'],
    ] as const) {
      const res = await t.request(method, path);
      assertUnauthorized(res, 'MissingCredential');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sluice"');
      assert.match(res.body.message, /Missing Authorization header/);
    }
  });

  test('another scheme: 401 NotBearer, without echoing the credential', async () => {
    const res = await t.request('GET', '/v0/api_keys', { headers: { authorization: `Basic ${key}` } });
    assertUnauthorized(res, 'NotBearer', key);
    assert.match(res.body.message, /Bearer scheme/);
    const bare = await t.request('GET', '/v0/api_keys', { headers: { authorization: key } });
    assertUnauthorized(bare, 'NotBearer', key);
  });

  test('Bearer with no token or two: 401 MalformedBearer', async () => {
    assertUnauthorized(
      await t.request('GET', '/v0/api_keys', { headers: { authorization: 'Bearer' } }),
      'MalformedBearer',
    );
    const res = await t.request('GET', '/v0/api_keys', {
      headers: { authorization: `Bearer ${key} ${key}` },
    });
    assertUnauthorized(res, 'MalformedBearer', key);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sluice", error="invalid_request"');
  });

  test('an unknown API key: 401 UnknownApiKey, without echoing it', async () => {
    const wrong = `apikey:${'x'.repeat(128)}`;
    const res = await t.request('GET', '/v0/api_keys', { token: wrong });
    assertUnauthorized(res, 'UnknownApiKey', wrong);
    assert.match(res.body.message, /Unknown API key/);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sluice", error="invalid_token"');
    // A valid key with one character changed is just as unknown.
    const altered = `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`;
    assertUnauthorized(await t.request('GET', '/v0/api_keys', { token: altered }), 'UnknownApiKey', altered);
  });

  test('a JWT when no JWKS is configured: 401 JwtNotAccepted', async () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    const res = await t.request('GET', '/v0/api_keys', { token: jwt });
    assertUnauthorized(res, 'JwtNotAccepted', jwt);
    assert.match(res.body.message, /no JWKS is configured/);
  });

  test('a valid API key opens every endpoint', async () => {
    const list = await t.request('GET', '/v0/api_keys', { token: key });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((k: { name: string }) => k.name),
      ['admin'],
    );
    assert.equal((await t.request('GET', '/v0/config', { token: key })).status, 200);
    assert.equal((await t.request('GET', '/v0/config/session', { token: key })).status, 200);
    assert.equal((await t.request('GET', '/v0/api_keys/admin', { token: key })).status, 200);
    assert.equal((await t.request('GET', '/no/such/route', { token: key })).status, 404);
    // The scheme is case-insensitive.
    const lower = await t.request('GET', '/v0/config', { headers: { authorization: `bearer ${key}` } });
    assert.equal(lower.status, 200);
  });

  test('a key created through the API works, and stops working as soon as it is deleted', async () => {
    const created = await t.request('POST', '/v0/api_keys', { token: key, body: { name: 'ci' } });
    assert.equal(created.status, 201);
    const ciKey: string = created.body.api_key;
    assert.equal((await t.request('GET', '/v0/config', { token: ciKey })).status, 200);
    // The key deletes itself; the deletion itself was authorized by it.
    assert.equal((await t.request('DELETE', '/v0/api_keys/ci', { token: ciKey })).status, 200);
    assertUnauthorized(await t.request('GET', '/v0/config', { token: ciKey }), 'UnknownApiKey', ciKey);
    assertUnauthorized(await t.request('GET', '/v0/api_keys', { token: ciKey }), 'UnknownApiKey', ciKey);
    // Other keys are untouched.
    assert.equal((await t.request('GET', '/v0/config', { token: key })).status, 200);
  });
});
