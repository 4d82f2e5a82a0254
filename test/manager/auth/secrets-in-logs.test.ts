import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { issueApiKey } from '../../../src/manager/auth/api-keys.js';
import { AUDIENCE, ISSUER, makeSigningKey, startAuthTestApp, writeJwksFile } from './support.js';

test('no credential, accepted or refused, ever reaches the log', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const idp = await makeSigningKey('RS256', 'log-test');
  const jwks = writeJwksFile([idp.jwk]);
  const t = await startAuthTestApp(
    { enabled: true, jwksSource: jwks.path, jwtIssuer: ISSUER, jwtAudience: AUDIENCE },
    sink,
  );
  const secrets: string[] = [];
  try {
    const { api_key } = await issueApiKey(t.store, 'logged');
    const created = await t.request('POST', '/v0/api_keys', { token: api_key, body: { name: 'second' } });
    const validJwt = await idp.sign();
    const expiredJwt = await idp.sign({}, { expiresIn: -3600 });
    const forgedJwt = await (await makeSigningKey('RS256', 'log-test')).sign();
    const unknownKey = `apikey:${'Q'.repeat(128)}`;
    secrets.push(api_key, created.body.api_key, validJwt, expiredJwt, forgedJwt, unknownKey);

    assert.equal((await t.request('GET', '/v0/api_keys', { token: api_key })).status, 200);
    assert.equal((await t.request('GET', '/v0/config', { token: validJwt })).status, 200);
    for (const token of [expiredJwt, forgedJwt, unknownKey]) {
      assert.equal((await t.request('GET', '/v0/config', { token })).status, 401);
    }
    assert.equal(
      (await t.request('GET', '/v0/config', { headers: { authorization: `Basic ${api_key}` } })).status,
      401,
    );
  } finally {
    await t.close();
    jwks.remove();
  }
  const log = lines.join('');
  // The log is there and detailed (trace level), so its silence about secrets means something.
  assert.match(log, /incoming request/);
  assert.match(log, /"reason":"JwtExpired"/);
  assert.match(log, /authentication failed/);
  assert.ok(!/authorization/i.test(log), 'the Authorization header is logged');
  for (const secret of secrets) {
    assert.ok(!log.includes(secret), 'a credential is in the log');
    // Not even the random part of a key, or the signature of a token.
    assert.ok(!log.includes(secret.slice(-40)), 'part of a credential is in the log');
  }
});
