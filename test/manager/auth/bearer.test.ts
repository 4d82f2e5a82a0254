import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationError } from '../../../src/manager/auth/authentication-error.js';
import { bearerTokenOf } from '../../../src/manager/auth/bearer.js';

function reasonOf(header: string | undefined): string {
  try {
    bearerTokenOf(header);
  } catch (err) {
    assert.ok(err instanceof AuthenticationError);
    assert.equal(err.status, 401);
    assert.ok(!err.message.includes('s3cret'), 'the message quotes the header');
    return err.reason;
  }
  assert.fail('accepted');
}

test('the token of a Bearer header, scheme in any case, surrounding blanks ignored', () => {
  assert.equal(bearerTokenOf('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(bearerTokenOf('bearer apikey:XYZ'), 'apikey:XYZ');
  assert.equal(bearerTokenOf('  BEARER   tok  '), 'tok');
});

test('missing, empty or blank header: MissingCredential', () => {
  assert.equal(reasonOf(undefined), 'MissingCredential');
  assert.equal(reasonOf(''), 'MissingCredential');
  assert.equal(reasonOf('   '), 'MissingCredential');
});

test('another scheme, or a bare token: NotBearer, without quoting it', () => {
  assert.equal(reasonOf('Basic s3cret'), 'NotBearer');
  assert.equal(reasonOf('apikey:s3cret'), 'NotBearer');
  assert.equal(reasonOf('Bearers3cret'), 'NotBearer');
});

test('Bearer without a token, or with several: MalformedBearer', () => {
  assert.equal(reasonOf('Bearer'), 'MalformedBearer');
  assert.equal(reasonOf('Bearer s3cret extra'), 'MalformedBearer');
});

test('the challenge follows RFC 6750', () => {
  const challenge = (reason: ConstructorParameters<typeof AuthenticationError>[0]) =>
    new AuthenticationError(reason, 'x').challenge;
  assert.equal(challenge('MissingCredential'), 'Bearer realm="sluice"');
  assert.equal(challenge('NotBearer'), 'Bearer realm="sluice"');
  assert.equal(challenge('MalformedBearer'), 'Bearer realm="sluice", error="invalid_request"');
  assert.equal(challenge('JwtExpired'), 'Bearer realm="sluice", error="invalid_token"');
  assert.deepEqual(new AuthenticationError('UnknownApiKey', 'x').toBody().details, {
    reason: 'UnknownApiKey',
  });
});
