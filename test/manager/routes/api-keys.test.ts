import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashApiKey } from '../../../src/manager/auth/api-key-secret.js';
import { PIPELINE_NAME_PATTERN } from '../../../src/types/pipeline.js';
import { assertError, assertMatchesReference } from '../../helpers/reference.js';
import { type AuthTestApp, startAuthTestApp } from '../auth/support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('API key endpoints', () => {
  let t: AuthTestApp;
  before(async () => {
    t = await startAuthTestApp();
  });
  after(() => t.close());

  test('POST creates a key and returns it once, as NewApiKeyResponse', async () => {
    const res = await t.request('POST', '/v0/api_keys', { body: { name: 'my-api-key' } });
    assert.equal(res.status, 201, res.text);
    assertMatchesReference('NewApiKeyResponse', res.body);
    assert.match(res.body.id, UUID);
    assert.equal(res.body.name, 'my-api-key');
    assert.match(res.body.api_key, /^apikey:[A-Za-z0-9]{128}$/);
    assert.equal(res.headers.get('cache-control'), 'no-store');

    const got = await t.request('GET', '/v0/api_keys/my-api-key');
    assert.equal(got.status, 200);
    assertMatchesReference('ApiKeyDescr', got.body);
    assert.deepEqual(got.body, { id: res.body.id, name: 'my-api-key', scopes: ['Read', 'Write'] });
    assert.ok(!got.text.includes(res.body.api_key.slice(7)));
  });

  test('GET lists every key as ApiKeyDescr, by name, without secrets or hashes', async () => {
    const b = await t.request('POST', '/v0/api_keys', { body: { name: 'b-key' } });
    const a = await t.request('POST', '/v0/api_keys', { body: { name: 'a_key', ignored: true } });
    const res = await t.request('GET', '/v0/api_keys');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((k: { name: string }) => k.name),
      ['a_key', 'b-key', 'my-api-key'],
    );
    for (const k of res.body) {
      assertMatchesReference('ApiKeyDescr', k);
      assert.deepEqual(Object.keys(k).sort(), ['id', 'name', 'scopes']);
    }
    for (const created of [a, b]) {
      assert.ok(!res.text.includes(created.body.api_key.slice(7)));
      assert.ok(!res.text.includes(hashApiKey(created.body.api_key)));
    }
  });

  test('a duplicate name: 409 DuplicateName, and the first key is kept', async () => {
    const first = await t.request('POST', '/v0/api_keys', { body: { name: 'dup' } });
    const res = await t.request('POST', '/v0/api_keys', { body: { name: 'dup' } });
    assertError(res, 409, 'DuplicateName');
    assert.deepEqual(res.body.details, { name: 'dup' });
    assert.equal((await t.request('GET', '/v0/api_keys/dup')).body.id, first.body.id);
  });

  test('names outside the pipeline name pattern: 400 NameDoesNotMatchPattern', async () => {
    for (const name of ['name-with-invalid-char-#', '', '-lead', 'trail_', 'sp ace', 'a/b', 'é']) {
      const res = await t.request('POST', '/v0/api_keys', { body: { name } });
      assertError(res, 400, 'NameDoesNotMatchPattern');
      assert.equal(res.body.details.name, name);
      assert.equal(res.body.details.pattern, PIPELINE_NAME_PATTERN);
      assert.equal(typeof res.body.details.pattern_description, 'string');
    }
    assert.equal((await t.request('GET', '/v0/api_keys')).body.length, 4);
  });

  test('the reference example of NameDoesNotMatchPattern is reproduced', async () => {
    const res = await t.request('POST', '/v0/api_keys', { body: { name: 'name-with-invalid-char-#' } });
    assert.equal(
      res.body.message,
      "Name 'name-with-invalid-char-#' should be non-empty and only contain lowercase (a-z), uppercase (A-Z), number (0-9), underscore (_) or hyphen (-) characters, but cannot start or end with hyphen or underscore (pattern: '^([A-Za-z0-9][-A-Za-z0-9_]*)?[A-Za-z0-9]$')",
    );
  });

  test('a name of 100 characters is accepted, 101 is not', async () => {
    assert.equal((await t.request('POST', '/v0/api_keys', { body: { name: 'n'.repeat(100) } })).status, 201);
    assertError(
      await t.request('POST', '/v0/api_keys', { body: { name: 'n'.repeat(101) } }),
      400,
      'TooLongName',
    );
    assert.equal((await t.request('DELETE', `/v0/api_keys/${'n'.repeat(100)}`)).status, 200);
  });

  test('a 1 MB name in the body: a short 400, nothing stored', async () => {
    const res = await t.request('POST', '/v0/api_keys', { body: { name: 'x'.repeat(1 << 20) } });
    assertError(res, 400, 'TooLongName');
    assert.match(res.body.message, /too long: at most 100 characters/);
    assert.ok(res.text.length < 2000, `the answer echoes the name (${res.text.length} bytes)`);
    assert.equal((await t.request('GET', '/v0/api_keys')).body.length, 4);
  });

  test('an over-long or malformed name in the path: 400 TooLongName or NameDoesNotMatchPattern', async () => {
    for (const method of ['GET', 'DELETE']) {
      const long = await t.request(method, `/v0/api_keys/${'y'.repeat(1000)}`);
      assertError(long, 400, 'TooLongName');
      assert.ok(long.text.length < 2000);
      assertError(await t.request(method, '/v0/api_keys/bad%23name'), 400, 'NameDoesNotMatchPattern');
    }
  });

  test('a body without a name: 400 InvalidRequest', async () => {
    assertError(await t.request('POST', '/v0/api_keys', { body: {} }), 400, 'InvalidRequest');
    assertError(
      await t.request('POST', '/v0/api_keys', { body: { name: { first: 'x' } } }),
      400,
      'InvalidRequest',
    );
    assertError(await t.request('POST', '/v0/api_keys', { body: 'not json' }), 400, 'InvalidJson');
  });

  test('an unknown name: 404 UnknownApiKey as in the reference example', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await t.request(method, '/v0/api_keys/non-existent-api-key');
      assertError(res, 404, 'UnknownApiKey');
      assert.deepEqual(res.body, {
        message: "Unknown API key 'non-existent-api-key'",
        error_code: 'UnknownApiKey',
        details: { name: 'non-existent-api-key' },
      });
    }
  });

  test('DELETE answers 200 with an empty body; the key is gone and its name free again', async () => {
    const before = await t.request('POST', '/v0/api_keys', { body: { name: 'short-lived' } });
    const res = await t.request('DELETE', '/v0/api_keys/short-lived');
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assertError(await t.request('GET', '/v0/api_keys/short-lived'), 404, 'UnknownApiKey');
    assertError(await t.request('DELETE', '/v0/api_keys/short-lived'), 404, 'UnknownApiKey');
    const again = await t.request('POST', '/v0/api_keys', { body: { name: 'short-lived' } });
    assert.equal(again.status, 201);
    assert.notEqual(again.body.id, before.body.id);
    assert.notEqual(again.body.api_key, before.body.api_key);
  });

  test('the SQLite files hold the hash of each key and never the key', async () => {
    const created = await t.request('POST', '/v0/api_keys', { body: { name: 'on-disk' } });
    const key: string = created.body.api_key;
    const files = readdirSync(t.dir).filter((f) => f.startsWith('metadata.sqlite'));
    assert.ok(files.includes('metadata.sqlite'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(t.dir, f))));
    // The reading is sound: the hash and the name are found in the same bytes.
    assert.ok(bytes.includes(hashApiKey(key)), 'the hash is not in the database files');
    assert.ok(bytes.includes('on-disk'));
    assert.ok(!bytes.includes(key), 'the key is in the database files');
    assert.ok(!bytes.includes(key.slice(7)), 'the secret part of the key is in the database files');
  });

  test('the OpenAPI document describes the endpoints, the request body and the bearer security', async () => {
    const doc = (await t.request('GET', '/v0/openapi.json')).body;
    const collection = doc.paths['/v0/api_keys'];
    assert.equal(collection.get.operationId, 'list_api_keys');
    assert.equal(collection.post.operationId, 'post_api_key');
    const body = collection.post.requestBody.content['application/json'].schema;
    assert.deepEqual(body.required, ['name']);
    assert.equal(body.properties.name.type, 'string');
    assert.deepEqual(collection.post.security, [{ 'JSON web token (JWT) or API key': [] }]);
    assert.deepEqual(collection.post.responses['201'].content['application/json'].schema.required, [
      'id',
      'name',
      'api_key',
    ]);
    const item = doc.paths['/v0/api_keys/{api_key_name}'];
    assert.equal(item.get.operationId, 'get_api_key');
    assert.equal(item.delete.operationId, 'delete_api_key');
    assert.equal(item.get.parameters[0].name, 'api_key_name');
  });
});
