import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UnsecuredJWT } from 'jose';
import { issueApiKey } from '../../../src/manager/auth/api-keys.js';
import { assertError } from '../../helpers/reference.js';
import {
  AUDIENCE,
  type AuthTestApp,
  assertUnauthorized,
  deadUrl,
  ISSUER,
  type JwksServer,
  makeSigningKey,
  serveJwks,
  startAuthTestApp,
  type TestSigningKey,
  writeJwksFile,
} from './support.js';

describe('JWT with a JWKS file (RS256), issuer and audience checked', () => {
  let t: AuthTestApp;
  let idp: TestSigningKey;
  let jwks: { path: string; remove(): void };
  before(async () => {
    idp = await makeSigningKey('RS256', 'idp-1');
    jwks = writeJwksFile([idp.jwk]);
    t = await startAuthTestApp({
      enabled: true,
      jwksSource: jwks.path,
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
    });
  });
  after(async () => {
    await t.close();
    jwks.remove();
  });

  test('a valid token opens protected endpoints', async () => {
    const token = await idp.sign();
    assert.equal((await t.request('GET', '/v0/config', { token })).status, 200);
    const created = await t.request('POST', '/v0/api_keys', { token, body: { name: 'from-jwt' } });
    assert.equal(created.status, 201);
    // API keys are accepted beside JWTs.
    assert.equal((await t.request('GET', '/v0/config', { token: created.body.api_key })).status, 200);
  });

  test('an expired token: 401 JwtExpired', async () => {
    const token = await idp.sign({ sub: 'alice' }, { expiresIn: -3600 });
    const res = await t.request('GET', '/v0/config', { token });
    assertUnauthorized(res, 'JwtExpired', token);
    assert.equal(res.body.message, 'JWT has expired');
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sluice", error="invalid_token"');
  });

  test('a token expired less than the clock leeway ago is still accepted', async () => {
    const token = await idp.sign({ sub: 'alice' }, { expiresIn: -20 });
    assert.equal((await t.request('GET', '/v0/config', { token })).status, 200);
  });

  test('a token without exp: 401 JwtMissingExpiry', async () => {
    const token = await idp.sign({ sub: 'alice' }, { expiresIn: null });
    assertUnauthorized(await t.request('GET', '/v0/config', { token }), 'JwtMissingExpiry', token);
  });

  test('a token not valid yet: 401 JwtNotYetValid', async () => {
    const token = await idp.sign({ sub: 'alice' }, { notBefore: 3600 });
    assertUnauthorized(await t.request('GET', '/v0/config', { token }), 'JwtNotYetValid', token);
  });

  test('another issuer: 401 JwtWrongIssuer', async () => {
    const token = await idp.sign({ sub: 'alice' }, { issuer: 'https://evil.example.test' });
    const res = await t.request('GET', '/v0/config', { token });
    assertUnauthorized(res, 'JwtWrongIssuer', token);
    assert.match(res.body.message, /issuer/);
    assert.ok(!res.text.includes('evil.example.test'), 'the response quotes the token claims');
  });

  test('another audience: 401 JwtWrongAudience', async () => {
    const token = await idp.sign({ sub: 'alice' }, { audience: 'some-other-service' });
    const res = await t.request('GET', '/v0/config', { token });
    assertUnauthorized(res, 'JwtWrongAudience', token);
    assert.match(res.body.message, /audience/);
  });

  test('signed by another key under the same kid: 401 JwtBadSignature', async () => {
    const impostor = await makeSigningKey('RS256', 'idp-1');
    const token = await impostor.sign();
    const res = await t.request('GET', '/v0/config', { token });
    assertUnauthorized(res, 'JwtBadSignature', token);
    assert.equal(res.body.message, 'JWT signature verification failed');
  });

  test('a tampered payload: 401 JwtBadSignature', async () => {
    const [header, , signature] = (await idp.sign({ sub: 'alice' })).split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'root', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 }),
    ).toString('base64url');
    const token = `${header}.${payload}.${signature}`;
    assertUnauthorized(await t.request('GET', '/v0/config', { token }), 'JwtBadSignature', token);
  });

  test('a kid that is not in the JWKS: 401 JwtUnknownKey', async () => {
    const stranger = await makeSigningKey('RS256', 'stranger');
    const token = await stranger.sign();
    assertUnauthorized(await t.request('GET', '/v0/config', { token }), 'JwtUnknownKey', token);
  });

  test('an unsigned token (alg none) or an HMAC one: 401 JwtAlgorithmRejected', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'root' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .encode();
    assertUnauthorized(
      await t.request('GET', '/v0/config', { token: unsigned }),
      'JwtAlgorithmRejected',
      unsigned,
    );
    // HS256 "signed" with the public key: the classic algorithm confusion attack.
    const hmac = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImlkcC0xIn0.eyJzdWIiOiJyb290In0.c2lnbmF0dXJl';
    assertUnauthorized(await t.request('GET', '/v0/config', { token: hmac }), 'JwtAlgorithmRejected', hmac);
  });

  test('garbage that is neither an API key nor a JWT: 401 MalformedJwt', async () => {
    for (const token of ['not-a-jwt', 'a.b.c', 'eyJub3QiOiJhIGhlYWRlciJ9.e30.', 'x'.repeat(4000)]) {
      const res = await t.request('GET', '/v0/config', { token });
      assertUnauthorized(res, 'MalformedJwt', token);
      assert.match(res.body.message, /neither an API key/);
    }
  });

  test('the JWKS file is read once, at start-up', async () => {
    jwks.remove();
    const token = await idp.sign();
    assert.equal((await t.request('GET', '/v0/config', { token })).status, 200);
  });
});

describe('JWT with a JWKS URL (ES256) on a loopback server', () => {
  let t: AuthTestApp;
  let idp: TestSigningKey;
  let server: JwksServer;
  before(async () => {
    idp = await makeSigningKey('ES256', 'ec-1');
    server = await serveJwks([idp.jwk]);
    t = await startAuthTestApp({
      enabled: true,
      jwksSource: server.url,
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
    });
  });
  after(async () => {
    await t.close();
    await server.close();
  });

  test('the key set is fetched on first use, then cached', async () => {
    assert.equal(server.hits(), 0);
    for (let i = 0; i < 3; i++) {
      const token = await idp.sign({ sub: `user-${i}` });
      assert.equal((await t.request('GET', '/v0/config/session', { token })).status, 200);
    }
    assert.equal(server.hits(), 1);
  });

  test('expired, wrong issuer, wrong audience and foreign keys are refused', async () => {
    const expired = await idp.sign({}, { expiresIn: -3600 });
    assertUnauthorized(await t.request('GET', '/v0/config', { token: expired }), 'JwtExpired', expired);
    const issuer = await idp.sign({}, { issuer: 'https://other.test' });
    assertUnauthorized(await t.request('GET', '/v0/config', { token: issuer }), 'JwtWrongIssuer', issuer);
    const audience = await idp.sign({}, { audience: 'other' });
    assertUnauthorized(
      await t.request('GET', '/v0/config', { token: audience }),
      'JwtWrongAudience',
      audience,
    );
    const forged = await (await makeSigningKey('ES256', 'ec-1')).sign();
    assertUnauthorized(await t.request('GET', '/v0/config', { token: forged }), 'JwtBadSignature', forged);
  });
});

describe('JWT with a JWKS URL that cannot be fetched', () => {
  let idp: TestSigningKey;
  before(async () => {
    idp = await makeSigningKey('RS256', 'k');
  });

  test('nothing listening: 503 AuthProviderUnreachable, API keys still work', async () => {
    const url = await deadUrl();
    const t = await startAuthTestApp({ enabled: true, jwksSource: url });
    try {
      const token = await idp.sign();
      const res = await t.request('GET', '/v0/config', { token });
      assertError(res, 503, 'AuthProviderUnreachable');
      assert.match(res.body.message, /Could not fetch the JWKS from http:\/\/127\.0\.0\.1:\d+\/jwks\.json/);
      assert.equal(res.body.details.jwks_url, url);
      assert.ok(!res.text.includes(token));
      const { api_key } = await issueApiKey(t.store, 'ops');
      assert.equal((await t.request('GET', '/v0/config', { token: api_key })).status, 200);
    } finally {
      await t.close();
    }
  });

  test('the key server answers 500: 503 AuthProviderUnreachable', async () => {
    const server = await serveJwks([], 500);
    const t = await startAuthTestApp({ enabled: true, jwksSource: `${server.url}?token=hidden` });
    try {
      const res = await t.request('GET', '/v0/config', { token: await idp.sign() });
      assertError(res, 503, 'AuthProviderUnreachable');
      assert.ok(!res.text.includes('hidden'), 'the query string of the JWKS URL is shown');
    } finally {
      await t.close();
      await server.close();
    }
  });
});
