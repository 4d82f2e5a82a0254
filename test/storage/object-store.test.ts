/**
 * How the object-store layer behaves when the store misbehaves: error codes for rejected
 * credentials, missing buckets and unreachable endpoints (with no secret in any error),
 * retries of throttling, server errors and dropped connections, and detection of bytes
 * damaged on the way to the store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { listRemoteCheckpoints, RemoteStore } from '../../src/storage/remote-store.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';
import { ApiError } from '../../src/types/errors.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { checkpointOf, FAST_RETRY, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000003', pipelineName: 'ledger' };
const s3 = useS3Server();

async function localCheckpoint(t: TestContext, files = randomFiles(3, 10_000)) {
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(files));
  return { local, manifest };
}

/** Pushes with `config`, expecting failure; returns the error after checking it holds no secret. */
async function failedPush(t: TestContext, config: SyncConfig, secrets: string[]): Promise<ApiError> {
  const { local, manifest } = await localCheckpoint(t);
  const remote = RemoteStore.open(config, 'bucket', { retry: FAST_RETRY });
  t.after(() => remote.close());
  const err = await pushCheckpoint(remote, local, manifest.uuid, OWNER).then(
    () => assert.fail('the push succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError, String(err));
  const everything = [
    err.message,
    String(err),
    err.stack,
    JSON.stringify(err.toBody()),
    JSON.stringify(err),
  ].join('\n');
  for (const secret of secrets)
    assert.ok(!everything.includes(secret), `a secret leaked into: ${everything}`);
  return err;
}

test('a wrong access key is SyncInvalidCredentials naming InvalidAccessKeyId, with no key in the error', async (t) => {
  if (!s3.checksCredentials) {
    t.skip(`${s3.kind} accepts any credentials`);
    return;
  }
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const wrongKey = `WRONG${randomBytes(8).toString('hex').toUpperCase()}`;
  const config = s3.syncConfig(bucket, { access_key: wrongKey });
  const err = await failedPush(t, config, [wrongKey, s3.secretKey]);
  assert.equal(err.errorCode, 'SyncInvalidCredentials');
  assert.equal(err.status, 500);
  assert.match(err.message, /rejected the credentials .*InvalidAccessKeyId/);
  assert.deepEqual(err.details, {
    operation: 'GetObject',
    bucket,
    key: 'owner.json',
    store_error: 'InvalidAccessKeyId',
    http_status: 403,
  });
});

test('a wrong secret key is SyncInvalidCredentials naming SignatureDoesNotMatch', async (t) => {
  if (!s3.checksCredentials) {
    t.skip(`${s3.kind} accepts any credentials`);
    return;
  }
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const wrongSecret = randomBytes(20).toString('base64');
  const err = await failedPush(t, s3.syncConfig(bucket, { secret_key: wrongSecret }), [
    wrongSecret,
    s3.accessKey,
  ]);
  assert.equal(err.errorCode, 'SyncInvalidCredentials');
  assert.match(err.message, /SignatureDoesNotMatch/);
  await assert.rejects(listRemoteCheckpoints(s3.syncConfig(bucket, { secret_key: wrongSecret })), {
    errorCode: 'SyncInvalidCredentials',
  });
});

test('a missing bucket is SyncBucketNotFound naming NoSuchBucket', async (t) => {
  const err = await failedPush(t, s3.syncConfig('sluice-no-such-bucket/p'), [s3.accessKey, s3.secretKey]);
  assert.equal(err.errorCode, 'SyncBucketNotFound');
  assert.match(err.message, /Bucket 'sluice-no-such-bucket' does not exist .*NoSuchBucket/);
});

test('an unreachable endpoint is SyncEndpointUnreachable, after retrying for a bounded time', async (t) => {
  const started = Date.now();
  const refused = await failedPush(t, s3.syncConfig('bkt', { endpoint: 'http://127.0.0.1:1' }), [
    s3.secretKey,
  ]);
  assert.equal(refused.errorCode, 'SyncEndpointUnreachable');
  assert.match(refused.message, /http:\/\/127\.0\.0\.1:1 is unreachable.*ECONNREFUSED/);
  assert.ok(Date.now() - started < 5000, 'the retry budget bounds the wait');
  const unknownHost = await failedPush(
    t,
    s3.syncConfig('bkt', { endpoint: 'http://sluice-no-such-host.invalid:9000' }),
    [s3.secretKey],
  );
  assert.equal(unknownHost.errorCode, 'SyncEndpointUnreachable');
  assert.match(unknownHost.message, /ENOTFOUND|EAI_AGAIN/);
});

test('throttling, server errors and dropped connections are retried until the push succeeds', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.close());
  const isBlobPut = (method: string, url: string) => method === 'PUT' && url.includes('/blobs/');
  proxy.inject('slowdown', 2, isBlobPut);
  proxy.inject('internal-error', 1, isBlobPut);
  proxy.inject('reset', 2, (method, url) => method === 'GET' && url.includes('owner.json'));
  const { local, manifest } = await localCheckpoint(t);
  const remote = RemoteStore.open(
    s3.syncConfig(bucket, { endpoint: proxy.endpoint, transfers: 1 }),
    'bucket',
    {
      retry: FAST_RETRY,
    },
  );
  t.after(() => remote.close());
  const summary = await pushCheckpoint(remote, local, manifest.uuid, OWNER);
  assert.equal(summary.uploadedFiles, 3);
  assert.equal(proxy.requests.filter((r) => r.includes('owner.json') && r.startsWith('GET')).length, 4);
  assert.equal(proxy.requests.filter((r) => isBlobPut('PUT', r) && r.startsWith('PUT')).length, 6);
  await pullCheckpoint(remote, manifest.uuid, await CheckpointStore.open(tempDir(t)));

  proxy.inject('slowdown', 1000);
  const blocked = await localCheckpoint(t);
  await assert.rejects(
    pushCheckpoint(remote, blocked.local, blocked.manifest.uuid, OWNER),
    (err: ApiError) => {
      assert.equal(err.errorCode, 'SyncFailed');
      assert.match(err.message, /failed with HTTP 503 \(SlowDown: Please reduce your request rate\.\)/);
      return true;
    },
  );
});

test('bytes damaged on the way to the store are caught by the ETag check and sent again', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.close());
  proxy.inject(
    'corrupt-upload',
    1,
    (method, url) => method === 'PUT' && url.includes('/blobs/') && !url.includes('partNumber'),
  );
  proxy.inject('corrupt-upload', 1, (method, url) => method === 'PUT' && url.includes('partNumber=2'));
  const files = [...randomFiles(2, 10_000), { name: 'large', data: randomBytes(9 * 1024 * 1024) }];
  const { local, manifest } = await localCheckpoint(t, files);
  const config = s3.syncConfig(bucket, { endpoint: proxy.endpoint, multi_thread_cutoff: '1M' });
  const remote = RemoteStore.open(config, 'bucket', { retry: FAST_RETRY });
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, manifest.uuid, OWNER);
  assert.equal(
    proxy.requests.filter((r) => r.includes('partNumber=2')).length,
    2,
    'the damaged part was sent again',
  );

  const restored = await CheckpointStore.open(tempDir(t));
  await pullCheckpoint(remote, manifest.uuid, restored);
  const loaded = await restored.load(manifest.uuid);
  for (const file of files) assert.ok(loaded.files.get(file.name)!.equals(file.data), file.name);
});

test('without access_key and secret_key the standard AWS credential chain is used', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = s3.accessKey;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretKey;
  t.after(() => {
    for (const [name, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const { access_key: _key, secret_key: _secret, ...config } = s3.syncConfig(bucket);
  const { local, manifest } = await localCheckpoint(t);
  const remote = RemoteStore.open(config);
  t.after(() => remote.close());
  assert.equal((await pushCheckpoint(remote, local, manifest.uuid, OWNER)).uploadedFiles, 3);
});
