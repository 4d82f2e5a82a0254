import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAuthHook } from '../../../src/manager/auth/authenticate.js';
import { AuthenticatedResponses } from '../../../src/manager/auth/authenticated-responses.js';
import { defaultManagerConfig } from '../../../src/manager/config.js';
import { SqliteStore } from '../../../src/manager/store/sqlite.js';

let dir: string;
let store: SqliteStore;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-jwks-startup-'));
  store = new SqliteStore(join(dir, 'metadata.sqlite'));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function hookFor(jwksSource: string) {
  return createAuthHook(
    { ...defaultManagerConfig().auth, enabled: true, jwksSource },
    store,
    new AuthenticatedResponses(),
  );
}

function jwksFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('a JWKS file that does not exist stops start-up, naming the file', async () => {
  const path = join(dir, 'missing.json');
  await assert.rejects(hookFor(path), (err: Error) => {
    assert.match(err.message, /Cannot read the JWKS file '.*missing\.json': ENOENT/);
    return true;
  });
});

test('a JWKS file that is not JSON stops start-up', async () => {
  await assert.rejects(
    hookFor(jwksFile('bad.json', '{"keys": [')),
    /The JWKS file '.*bad\.json' is not valid JSON/,
  );
});

test('JSON that is not a key set, or one without keys, stops start-up', async () => {
  for (const [name, content] of [
    ['object.json', '{}'],
    ['array.json', '[]'],
    ['null.json', 'null'],
    ['empty.json', '{"keys": []}'],
    ['no-kty.json', '{"keys": [{"n": "abc"}]}'],
  ]) {
    await assert.rejects(hookFor(jwksFile(name ?? '', content ?? '')), /is not a JSON Web Key Set/, name);
  }
});

test('a malformed JWKS URL stops start-up', async () => {
  await assert.rejects(hookFor('http://'), /The JWKS URL 'http:\/\/' is not a valid URL/);
});

test('a JWKS URL is not fetched at start-up: the identity provider may come up later', async () => {
  const hook = await hookFor('http://127.0.0.1:9/jwks.json');
  assert.equal(typeof hook, 'function');
});

test('with authentication off the JWKS is not touched', async () => {
  const hook = await createAuthHook(
    { ...defaultManagerConfig().auth, enabled: false, jwksSource: join(dir, 'missing.json') },
    store,
    new AuthenticatedResponses(),
  );
  assert.equal(typeof hook, 'function');
});
