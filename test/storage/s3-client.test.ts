/**
 * Sluice's own S3 client (src/storage/s3-client.ts, with the XML of s3-xml.ts) against a real
 * S3-compatible server, operation by operation, through the `ObjectStore` that the sync uses:
 * whole and ranged GETs, HEAD, conditional PUTs, multipart uploads, paginated listing, batch
 * deletion, keys that need encoding, and the mapping of the store's refusals and of an
 * unreachable endpoint to Sluice's error codes with no secret in any error.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { BodySource } from '../../src/storage/plain-http.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';
import { ApiError } from '../../src/types/errors.js';
import { motoServerAvailable, startS3Server } from '../helpers/s3server.js';
import { FAST_RETRY, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const s3 = useS3Server();

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** An ObjectStore on a fresh bucket (with a key prefix) of `server`, closed after the test. */
async function freshStore(
  t: TestContext,
  server = s3,
  extra: Partial<SyncConfig> = {},
): Promise<ObjectStore> {
  const bucket = uniqueBucket();
  await server.createBucket(bucket);
  return openStore(t, server.syncConfig(`${bucket}/some/prefix`, extra));
}

function openStore(t: TestContext, config: SyncConfig): ObjectStore {
  const remote = RemoteStore.open(config, 'bucket', { retry: FAST_RETRY });
  t.after(() => remote.close());
  return remote.objects;
}

/** A whole body; each chunk is copied, since its buffer is reused after the call. */
async function collect(body: BodySource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await body.pipeTo((chunk) => {
    chunks.push(Buffer.from(chunk));
    return undefined;
  });
  return Buffer.concat(chunks);
}

/** The error `promise` rejects with, after checking that no secret appears anywhere in it. */
async function failure(attempt: () => Promise<unknown>, secrets: string[]): Promise<ApiError> {
  const err = await attempt().then(
    () => assert.fail('the request succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError, String(err));
  const everything = [err.message, String(err), err.stack, JSON.stringify(err.toBody())].join('\n');
  for (const secret of secrets)
    assert.ok(!everything.includes(secret), `a secret leaked into: ${everything}`);
  return err;
}

test('whole and ranged GETs return exactly the stored bytes; a missing key is null, not an error', async (t) => {
  const store = await freshStore(t);
  const data = randomBytes(3 * 1024 * 1024 + 17);
  assert.equal(await store.putBuffer('blobs/one', data), true);

  assert.deepEqual(await store.getBuffer('blobs/one'), data);
  assert.deepEqual(await store.download('blobs/one', collect), data);
  const ranges = [
    // s3rver answers `bytes=0-0` with the whole object (it reads the end 0 as absent).
    { start: 0, end: 2 },
    { start: 1000, end: 1024 * 1024 + 5 },
    { start: data.length - 10, end: data.length },
  ];
  for (const range of ranges) {
    assert.deepEqual(
      await store.download('blobs/one', collect, range),
      data.subarray(range.start, range.end),
    );
  }
  assert.equal(await store.exists('blobs/one'), true);

  assert.equal(await store.getBuffer('blobs/none'), null);
  assert.equal(await store.download('blobs/none', collect), null);
  assert.equal(await store.exists('blobs/none'), false);
});

test('downloads through node:http (the path of an https endpoint) return the same bytes, and null for a missing key', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const remote = RemoteStore.open(s3.syncConfig(`${bucket}/p`), 'bucket', {
    retry: FAST_RETRY,
    plainHttpReads: false,
  });
  t.after(() => remote.close());
  const store = remote.objects;
  const data = randomBytes(2 * 1024 * 1024 + 3);
  assert.equal(await store.putBuffer('blobs/one', data), true);
  assert.deepEqual(await store.download('blobs/one', collect), data);
  const range = { start: 1000, end: 1024 * 1024 + 5 };
  assert.deepEqual(await store.download('blobs/one', collect, range), data.subarray(range.start, range.end));
  assert.equal(await store.download('blobs/none', collect), null);
});

test('keys with spaces, plus signs, ampersands and non-ASCII letters survive PUT, GET, listing and deletion', async (t) => {
  const store = await freshStore(t);
  const keys = ['odd/a b+c&d=e', 'odd/ünïcödé ✓', "odd/(quote)'s*!", 'odd/&amp;#x27;<tag>'];
  for (const [i, key] of keys.entries()) await store.putBuffer(key, Buffer.from(`object ${i}`));
  for (const [i, key] of keys.entries())
    assert.equal((await store.getBuffer(key))?.toString(), `object ${i}`);
  assert.deepEqual((await store.list('odd/')).map((o) => o.key).sort(), [...keys].sort());
  await store.deleteKeys(keys);
  assert.deepEqual(await store.list('odd/'), []);
});

test('listing follows continuation tokens page by page and stays inside the prefix', async (t) => {
  const store = await freshStore(t);
  const keys = Array.from({ length: 7 }, (_, i) => `blobs/${String(i).padStart(4, '0')}`);
  for (const [i, key] of keys.entries()) await store.putBuffer(key, randomBytes(i + 1));
  await store.putBuffer('checkpoints/elsewhere.json', Buffer.from('{}'));
  const before = Date.now();

  for (const pageSize of [2, 3, 1000]) {
    const listed = await store.list('blobs/', pageSize);
    assert.deepEqual(
      listed.map((o) => [o.key, o.size]),
      keys.map((key, i) => [key, i + 1]),
      `page size ${pageSize}`,
    );
    for (const object of listed) {
      assert.ok(object.lastModified instanceof Date && !Number.isNaN(object.lastModified.getTime()));
      assert.ok(Math.abs(object.lastModified.getTime() - before) < 10 * 60_000);
    }
  }
  assert.equal((await store.list('')).length, keys.length + 1);
});

test('DeleteObjects removes the named keys, keys already gone included, and leaves the others', async (t) => {
  const store = await freshStore(t);
  for (const key of ['a', 'b', 'c', 'd']) await store.putBuffer(`blobs/${key}`, Buffer.from(key));
  await store.deleteKeys(['blobs/a', 'blobs/c', 'blobs/never-existed']);
  assert.deepEqual(
    (await store.list('blobs/')).map((o) => o.key),
    ['blobs/b', 'blobs/d'],
  );
  await store.deleteKeys([]);
});

test('a multipart upload is assembled from its parts in order; an aborted one leaves no object', async (t) => {
  const store = await freshStore(t);
  const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1234)];
  const uploadId = await store.createMultipartUpload('blobs/big');
  const completed = [];
  for (const [i, part] of parts.entries()) {
    const done = await store.uploadPart('blobs/big', uploadId, i + 1, part, md5(part));
    assert.equal(done.PartNumber, i + 1);
    assert.match(done.ETag, /^"?[0-9a-f]{32}"?$/);
    completed.push(done);
  }
  await store.completeMultipartUpload('blobs/big', uploadId, completed);
  assert.deepEqual(await store.getBuffer('blobs/big'), Buffer.concat(parts));

  const aborted = await store.createMultipartUpload('blobs/aborted');
  await store.uploadPart('blobs/aborted', aborted, 1, parts[2]!, md5(parts[2]!));
  await store.abortMultipartUpload('blobs/aborted', aborted);
  assert.equal(await store.exists('blobs/aborted'), false);
  assert.deepEqual(
    (await store.list('blobs/')).map((o) => o.key),
    ['blobs/big'],
  );
});

test('a part whose Content-MD5 does not match its bytes is refused by the store', async (t) => {
  const store = await freshStore(t);
  const uploadId = await store.createMultipartUpload('blobs/bad');
  const err = await failure(
    () => store.uploadPart('blobs/bad', uploadId, 1, randomBytes(100), md5(randomBytes(100))),
    [],
  );
  assert.equal(err.errorCode, 'SyncChecksumMismatch');
  await store.abortMultipartUpload('blobs/bad', uploadId);
});

test('a conditional PUT (If-None-Match: *) writes once and then reports the key as taken', async (t) => {
  if (!motoServerAvailable()) {
    t.skip('moto_server is not installed (s3rver does not implement conditional writes)');
    return;
  }
  const moto = await startS3Server('moto');
  t.after(() => moto.stop());
  const store = await freshStore(t, moto);
  assert.equal(await store.putBuffer('owner.json', Buffer.from('first'), { ifAbsent: true }), true);
  assert.equal(await store.putBuffer('owner.json', Buffer.from('second'), { ifAbsent: true }), false);
  assert.equal((await store.getBuffer('owner.json'))?.toString(), 'first');
  assert.equal(await store.putBuffer('owner.json', Buffer.from('third')), true);
  assert.equal((await store.getBuffer('owner.json'))?.toString(), 'third');
});

test('a store without conditional writes gets a plain PUT', async (t) => {
  const store = await freshStore(t);
  assert.equal(await store.putBuffer('owner.json', Buffer.from('first'), { ifAbsent: true }), true);
  assert.equal((await store.getBuffer('owner.json'))?.toString(), 'first');
});

test('refused credentials map to SyncInvalidCredentials for every operation, with no secret in the error', async (t) => {
  if (!s3.checksCredentials) {
    t.skip(`${s3.kind} accepts any credentials`);
    return;
  }
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const wrongSecret = `wrong${randomBytes(12).toString('hex')}`;
  const wrongKey = `WRONG${randomBytes(8).toString('hex').toUpperCase()}`;
  const cases = [
    { access_key: s3.accessKey, secret_key: wrongSecret, storeError: 'SignatureDoesNotMatch' },
    { access_key: wrongKey, secret_key: wrongSecret, storeError: 'InvalidAccessKeyId' },
  ];
  for (const { storeError, ...keys } of cases) {
    const store = openStore(t, { ...s3.syncConfig(bucket), ...keys });
    const secrets = [keys.secret_key, ...(keys.access_key === wrongKey ? [wrongKey] : [])];
    for (const attempt of [
      () => store.getBuffer('x'),
      () => store.putBuffer('x', Buffer.from('x')),
      () => store.list(''),
      () => store.deleteKeys(['x']),
      () => store.createMultipartUpload('x'),
    ]) {
      const err = await failure(attempt, secrets);
      assert.equal(err.errorCode, 'SyncInvalidCredentials', err.message);
      assert.equal((err.details as { store_error: string }).store_error, storeError);
      assert.match(err.message, new RegExp(storeError));
    }
  }
});

test('a missing bucket is SyncBucketNotFound, not an empty listing or a missing key', async (t) => {
  const store = openStore(t, s3.syncConfig(uniqueBucket()));
  for (const attempt of [() => store.list(''), () => store.getBuffer('owner.json')]) {
    const err = await failure(attempt, [s3.secretKey]);
    assert.equal(err.errorCode, 'SyncBucketNotFound', err.message);
  }
});

test('an unreachable endpoint is an error for every operation, never "nothing there"', async (t) => {
  const config: SyncConfig = {
    ...s3.syncConfig('nowhere'),
    endpoint: 'http://127.0.0.1:9',
  };
  const store = openStore(t, config);
  for (const attempt of [
    () => store.getBuffer('owner.json'),
    () => store.exists('owner.json'),
    () => store.list(''),
  ]) {
    const err = await failure(attempt, [s3.secretKey]);
    assert.equal(err.errorCode, 'SyncEndpointUnreachable', err.message);
    assert.equal((err.details as { store_error: string }).store_error, 'ECONNREFUSED');
  }
});
