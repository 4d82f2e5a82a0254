/**
 * The secret placeholder in a write: a GET-modify-PUT/PATCH of an existing pipeline keeps the
 * stored secret, and anywhere else (a copy to a new pipeline, POST, a field with no stored
 * secret) the placeholder is refused with `InvalidRuntimeConfig` instead of being stored as
 * the secret (which surfaced only at start, as SignatureDoesNotMatch).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { REDACTED } from '../../../src/types/secrets.js';
import {
  type HttpResult,
  SIMPLE_PROGRAM,
  startTestManager,
  type TestManager,
} from '../../helpers/manager.js';
import { assertError } from '../../helpers/reference.js';

const SECRET = 'wJalrXUtnFEMI-copy-test-secret';
const FIELD = 'runtime_config.storage.backend.config.sync.secret_key';

function syncConfig(secretKey: string): Record<string, unknown> {
  return {
    storage: {
      backend: {
        name: 'file',
        config: {
          sync: {
            bucket: 'bucket-1/prefix',
            endpoint: 'http://127.0.0.1:1',
            access_key: 'AK',
            secret_key: secretKey,
          },
        },
      },
    },
  };
}

/** The stored `secret_key` of pipeline `name`, read from the metadata database itself. */
function storedSecretKey(m: TestManager, name: string): unknown {
  const db = new Database(`${m.dataDir}/metadata.sqlite`, { readonly: true });
  try {
    const row = db.prepare('SELECT doc FROM pipelines WHERE name = ?').get(name) as
      | { doc: string }
      | undefined;
    const doc = JSON.parse(row?.doc ?? 'null');
    return doc?.runtime_config?.storage?.backend?.config?.sync?.secret_key;
  } finally {
    db.close();
  }
}

function assertPlaceholderRefused(res: HttpResult): void {
  assertError(res, 400, 'InvalidRuntimeConfig');
  assert.equal(res.body.details.field, FIELD);
  assert.ok(res.body.message.includes(FIELD), res.body.message);
  assert.ok(res.body.message.includes('not a secret'), res.body.message);
  assert.ok(!res.text.includes(SECRET), 'the stored secret never appears in the error');
}

describe('the secret placeholder in pipeline writes', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'b2',
      program_code: SIMPLE_PROGRAM,
      runtime_config: syncConfig(SECRET),
    });
    assert.equal(res.status, 201, res.text);
  });
  after(async () => {
    await m.close();
  });

  test("copying a pipeline's configuration with PUT to a new name is refused", async () => {
    const got = await m.request('GET', '/v0/pipelines/b2');
    assert.equal(got.body.runtime_config.storage.backend.config.sync.secret_key, REDACTED);
    const res = await m.request('PUT', '/v0/pipelines/copy', {
      name: 'copy',
      program_code: SIMPLE_PROGRAM,
      runtime_config: got.body.runtime_config,
    });
    assertPlaceholderRefused(res);
    assertError(await m.request('GET', '/v0/pipelines/copy'), 404, 'UnknownPipelineName');
  });

  test('POST with the placeholder as the secret is refused', async () => {
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'copy2',
      program_code: SIMPLE_PROGRAM,
      runtime_config: syncConfig(REDACTED),
    });
    assertPlaceholderRefused(res);
    assertError(await m.request('GET', '/v0/pipelines/copy2'), 404, 'UnknownPipelineName');
  });

  test('a placeholder in an env entry of a new pipeline is refused too', async () => {
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'copy3',
      program_code: SIMPLE_PROGRAM,
      runtime_config: { env: { DATABASE_URL: REDACTED } },
    });
    assertError(res, 400, 'InvalidRuntimeConfig');
    assert.equal(res.body.details.field, 'runtime_config.env.DATABASE_URL');
  });

  test('GET-modify-PUT and PATCH of the existing pipeline keep the stored secret', async () => {
    const got = await m.request('GET', '/v0/pipelines/b2');
    const rc = { ...got.body.runtime_config, workers: 3 };
    const put = await m.request('PUT', '/v0/pipelines/b2', {
      name: 'b2',
      program_code: SIMPLE_PROGRAM,
      runtime_config: rc,
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.runtime_config.workers, 3);
    assert.equal(storedSecretKey(m, 'b2'), SECRET);
    const patched = await m.request('PATCH', '/v0/pipelines/b2', { runtime_config: { ...rc, workers: 2 } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(storedSecretKey(m, 'b2'), SECRET);
  });

  test('a write-back of an existing pipeline with no secret at that field is refused', async () => {
    const plain = await m.request('POST', '/v0/pipelines', { name: 'plain', program_code: SIMPLE_PROGRAM });
    assert.equal(plain.status, 201, plain.text);
    assertPlaceholderRefused(
      await m.request('PATCH', '/v0/pipelines/plain', { runtime_config: syncConfig(REDACTED) }),
    );
    assertPlaceholderRefused(
      await m.request('PUT', '/v0/pipelines/plain', {
        name: 'plain',
        program_code: SIMPLE_PROGRAM,
        runtime_config: syncConfig(REDACTED),
      }),
    );
    assert.equal(storedSecretKey(m, 'plain'), undefined);
  });
});
