import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defaultManagerConfig } from '../../../src/manager/config.js';
import { startTestManager, type TestManager } from '../../helpers/manager.js';
import { assertMatchesReference } from '../../helpers/reference.js';
import { AUDIENCE, ISSUER, makeSigningKey, type TestSigningKey, writeJwksFile } from './support.js';

let manager: TestManager;
let idp: TestSigningKey;
let jwks: { path: string; remove(): void };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

before(async () => {
  idp = await makeSigningKey('RS256', 'e2e');
  jwks = writeJwksFile([idp.jwk]);
  manager = await startTestManager({
    auth: {
      ...defaultManagerConfig().auth,
      enabled: true,
      jwksSource: jwks.path,
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      oidcClientId: 'sluice-console',
    },
  });
});
after(async () => {
  await manager?.close();
  jwks?.remove();
});

test('a whole manager with authentication: public endpoints, JWT login, API key lifecycle across a restart', async () => {
  assert.equal((await manager.request('GET', '/healthz')).status, 200);
  assert.equal((await manager.request('GET', '/v0/openapi.json')).status, 200);
  const provider = await manager.request('GET', '/config/authentication');
  assertMatchesReference('AuthProvider', provider.body);
  assert.equal(provider.body.GenericOidc.client_id, 'sluice-console');

  // The hook guards routes of every module, not only the auth ones.
  const anonymous = await manager.request('GET', '/v0/pipelines');
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.error_code, 'Unauthorized');

  const jwt = await idp.sign();
  assert.equal((await manager.request('GET', '/v0/pipelines', undefined, bearer(jwt))).status, 200);
  const created = await manager.request('POST', '/v0/api_keys', { name: 'e2e' }, bearer(jwt));
  assert.equal(created.status, 201);
  const key: string = created.body.api_key;
  assert.equal((await manager.request('GET', '/v0/pipelines', undefined, bearer(key))).status, 200);

  // The key is stored, so it outlives the manager process that issued it.
  await manager.restart();
  assert.equal((await manager.request('GET', '/v0/pipelines', undefined, bearer(key))).status, 200);
  assert.equal((await manager.request('DELETE', '/v0/api_keys/e2e', undefined, bearer(key))).status, 200);
  const revoked = await manager.request('GET', '/v0/pipelines', undefined, bearer(key));
  assert.equal(revoked.status, 401);
  assert.equal(revoked.body.details.reason, 'UnknownApiKey');
});
