import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../../../src/manager/auth/api-keys.js';
import { defaultManagerConfig } from '../../../src/manager/config.js';
import { authProviderFor } from '../../../src/manager/routes/config.js';
import { assertMatchesReference, reference } from '../../helpers/reference.js';
import {
  AUDIENCE,
  type AuthTestApp,
  ISSUER,
  makeSigningKey,
  startAuthTestApp,
  writeJwksFile,
} from '../auth/support.js';

describe('GET /v0/config', () => {
  let t: AuthTestApp;
  before(async () => {
    t = await startAuthTestApp();
  });
  after(() => t.close());

  test('answers a Configuration with every required field, build facts from this process', async () => {
    const res = await t.request('GET', '/v0/config');
    assert.equal(res.status, 200);
    // The reference Configuration uses `nullable` beside `allOf`, which Ajv cannot compile, so its
    // required fields are checked here and its build information against the reference schema
    // (where ../shared is present: see test/helpers/reference.ts).
    if (reference) {
      for (const field of reference.components.schemas.Configuration.required)
        assert.ok(field in res.body, field);
      for (const [field, schema] of Object.entries(reference.components.schemas.Configuration.properties)) {
        const { type, nullable } = schema as { type?: string; nullable?: boolean };
        if (type === 'string' && !nullable) assert.equal(typeof res.body[field], 'string', field);
      }
      assertMatchesReference('BuildInformation', res.body.build_info);
      for (const field of reference.components.schemas.BuildInformation.required) {
        assert.equal(typeof res.body.build_info[field], 'string', field);
        assert.notEqual(res.body.build_info[field], '', field);
      }
    }
    assert.equal(res.body.version, '0.312.0');
    assert.equal(
      res.body.edition,
      'Enterprise',
      'the edition whose features (checkpoint, suspend, sync) Sluice has',
    );
    assert.equal(res.body.telemetry, '');
    assert.equal(res.body.build_source, 'source');
    assert.equal(res.body.changelog_url, 'https://github.com/feldera/feldera/releases/tag/v0.312.0');
    assert.equal(res.body.unstable_features, null);
    assert.equal(res.body.license_validity, null);
    assert.equal(res.body.update_info, null);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    assert.equal(res.body.revision, head);
    assert.equal(res.body.runtime_revision, head);
    const info = res.body.build_info;
    assert.equal(info.rustc_version, `Node.js ${process.version}`);
    assert.equal(info.cargo_target_triple, `${process.arch}-${process.platform}`);
    assert.equal(info.cargo_debug, 'true', 'tests run the TypeScript source');
    assert.ok(!Number.isNaN(Date.parse(info.build_timestamp)));
    assert.match(info.cargo_dependencies, new RegExp(`node ${process.versions.node}`));
    assert.ok(info.cargo_features.split(',').includes('tls'), info.cargo_features);
  });

  test('the answer is the same on every call', async () => {
    const first = await t.request('GET', '/v0/config');
    const second = await t.request('GET', '/v0/config');
    assert.deepEqual(second.body, first.body);
  });
});

describe('GET /v0/config/session', () => {
  test('names the single default tenant, behind authentication when it is on', async () => {
    const t = await startAuthTestApp({ enabled: true });
    try {
      assert.equal((await t.request('GET', '/v0/config/session')).status, 401);
      const { api_key } = await issueApiKey(t.store, 'session');
      const res = await t.request('GET', '/v0/config/session', { token: api_key });
      assert.equal(res.status, 200);
      assertMatchesReference('SessionInfo', res.body);
      assert.deepEqual(res.body, {
        tenant_id: '00000000-0000-0000-0000-000000000000',
        tenant_name: 'default',
      });
    } finally {
      await t.close();
    }
  });
});

describe('GET /config/authentication', () => {
  test('authentication off: an empty object', async () => {
    const t = await startAuthTestApp({ enabled: false, jwtIssuer: ISSUER, oidcClientId: 'console' });
    try {
      const res = await t.request('GET', '/config/authentication');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {});
    } finally {
      await t.close();
    }
  });

  test('API keys only: an empty object, without a credential', async () => {
    const t = await startAuthTestApp({ enabled: true });
    try {
      const res = await t.request('GET', '/config/authentication');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {});
    } finally {
      await t.close();
    }
  });

  test('JWT configured: the GenericOidc provider, without a credential', async () => {
    const idp = await makeSigningKey('ES256', 'oidc');
    const jwks = writeJwksFile([idp.jwk]);
    const t = await startAuthTestApp({
      enabled: true,
      jwksSource: jwks.path,
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      oidcClientId: 'sluice-console',
    });
    try {
      const res = await t.request('GET', '/config/authentication');
      assert.equal(res.status, 200);
      assertMatchesReference('AuthProvider', res.body);
      assert.deepEqual(res.body, {
        GenericOidc: { issuer: ISSUER, client_id: 'sluice-console', extra_oidc_scopes: [] },
      });
    } finally {
      await t.close();
      jwks.remove();
    }
  });

  test('a provider is advertised only with everything a login needs', () => {
    const on = { ...defaultManagerConfig().auth, enabled: true };
    const full = { ...on, jwksSource: '/jwks.json', jwtIssuer: ISSUER, oidcClientId: 'c' };
    assert.ok('GenericOidc' in authProviderFor(full));
    assert.deepEqual(authProviderFor({ ...full, enabled: false }), {});
    assert.deepEqual(authProviderFor({ ...full, jwksSource: null }), {});
    assert.deepEqual(authProviderFor({ ...full, jwtIssuer: null }), {});
    assert.deepEqual(authProviderFor({ ...full, oidcClientId: null }), {});
  });
});

test('the OpenAPI document marks /config/authentication public and /v0/config protected', async () => {
  const t = await startAuthTestApp();
  try {
    const doc = (await t.request('GET', '/v0/openapi.json')).body;
    assert.equal(doc.paths['/config/authentication'].get.security, undefined);
    assert.equal(doc.paths['/config/authentication'].get.operationId, 'get_config_authentication');
    for (const path of ['/v0/config', '/v0/config/session']) {
      assert.deepEqual(doc.paths[path].get.security, [{ 'JSON web token (JWT) or API key': [] }], path);
    }
    const required = doc.paths['/v0/config'].get.responses['200'].content['application/json'].schema.required;
    if (reference) {
      assert.deepEqual(
        [...required].sort(),
        [
          ...reference.components.schemas.Configuration.required,
          'license_validity',
          'unstable_features',
          'update_info',
        ].sort(),
      );
    }
  } finally {
    await t.close();
  }
});
