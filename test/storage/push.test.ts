import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import type { TransferProgress } from '../../src/storage/progress.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { listRemoteCheckpoints, RemoteStore } from '../../src/storage/remote-store.js';
import type { ApiError } from '../../src/types/errors.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { assertMatchesReference } from '../helpers/reference.js';
import { checkpointOf, FAST_RETRY, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000001', pipelineName: 'orders' };
const s3 = useS3Server();

async function bucketConfig(extra = {}) {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  return s3.syncConfig(`${bucket}/pipelines/orders`, extra);
}

async function remoteKeys(bucket: string): Promise<string[]> {
  const out = await s3.client().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

test('push then pull restores identical bytes, multipart and ranged transfers included', async (t) => {
  const config = await bucketConfig({
    multi_thread_cutoff: '1M',
    multi_thread_streams: 3,
    upload_concurrency: 2,
  });
  const local = await CheckpointStore.open(tempDir(t));
  const files = [...randomFiles(5, 20_000), { name: 'large', data: randomBytes(9 * 1024 * 1024 + 5) }];
  const { manifest } = await local.write(checkpointOf(files));
  const remote = RemoteStore.open(config);
  t.after(() => remote.close());

  const progress: TransferProgress[] = [];
  const summary = await pushCheckpoint(remote, local, manifest.uuid, OWNER, {
    onProgress: (p) => progress.push(p),
  });
  assert.equal(summary.uploadedFiles, 6);
  assert.equal(summary.uploadedBytes, manifest.size);
  assert.equal(summary.alreadyPresent, false);
  const last = progress.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.deepEqual(
    [last.filesDone, last.filesTotal, last.bytesDone, last.bytesTotal],
    [6, 6, manifest.size, manifest.size],
  );
  assert.ok(
    progress.some((p) => p.bytesDone > 0 && p.bytesDone < manifest.size),
    'progress is reported along the way',
  );

  const restored = await CheckpointStore.open(tempDir(t));
  const pulled = await pullCheckpoint(remote, 'latest', restored);
  assert.equal(pulled.uuid, manifest.uuid);
  assert.equal(pulled.downloadedBytes, manifest.size);
  const loaded = await restored.load(manifest.uuid);
  for (const file of files) assert.ok(loaded.files.get(file.name)!.equals(file.data), file.name);
  assert.deepEqual(loaded.manifest, manifest);

  const [bucket] = config.bucket.split('/');
  const keys = await remoteKeys(bucket!);
  assert.ok(keys.includes('pipelines/orders/owner.json'));
  assert.ok(keys.includes(`pipelines/orders/checkpoints/${manifest.uuid}.json`));
  assert.equal(keys.filter((k) => k.startsWith('pipelines/orders/blobs/')).length, 6);

  const listed = await listRemoteCheckpoints(config);
  assert.deepEqual(listed, await local.listMetadata());
  for (const metadata of listed) assertMatchesReference('CheckpointMetadata', metadata);
});

test('a second push after a small change uploads only the changed blobs', async (t) => {
  const config = await bucketConfig();
  const local = await CheckpointStore.open(tempDir(t));
  const files = randomFiles(20, 100_000);
  const first = await local.write(checkpointOf(files, 1));
  const remote = RemoteStore.open(config);
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, first.manifest.uuid, OWNER);

  files[7] = { name: 'f7', data: randomBytes(100_000) };
  const second = await local.write(checkpointOf(files, 2));
  const summary = await pushCheckpoint(remote, local, second.manifest.uuid, OWNER);
  assert.equal(summary.uploadedFiles, 1);
  assert.equal(summary.uploadedBytes, 100_000);
  assert.equal(summary.skippedFiles, 19);
  assert.equal(summary.skippedBytes, 1_900_000);
  assert.deepEqual(
    (await remote.listCheckpoints()).map((c) => c.uuid),
    [first.manifest.uuid, second.manifest.uuid],
  );
});

test('pushing a checkpoint the bucket already has uploads nothing and only checks', async (t) => {
  const config = await bucketConfig();
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(randomFiles(30, 10_000)));
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.close());
  const remote = RemoteStore.open({ ...config, endpoint: proxy.endpoint });
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, manifest.uuid, OWNER);

  const before = proxy.requests.length;
  const again = await pushCheckpoint(remote, local, manifest.uuid, OWNER);
  assert.equal(again.alreadyPresent, true);
  assert.equal(again.uploadedFiles, 0);
  assert.deepEqual(
    proxy.requests.slice(before).map((r) => r.split(' ')[0]),
    ['GET', 'HEAD'],
    'one read of owner.json, one HEAD of the manifest',
  );
});

test('a local state file that rotted is refused, not uploaded', async (t) => {
  const config = await bucketConfig();
  const dir = tempDir(t);
  const local = await CheckpointStore.open(dir);
  const { manifest } = await local.write(checkpointOf(randomFiles(2, 5000)));
  writeFileSync(join(dir, 'state', manifest.files[1]!.sha256), randomBytes(5000));
  const remote = RemoteStore.open(config);
  t.after(() => remote.close());
  await assert.rejects(pushCheckpoint(remote, local, manifest.uuid, OWNER), (err: ApiError) => {
    assert.equal(err.errorCode, 'CheckpointCorrupt');
    assert.match(err.message, /file 'f1'.*it was not uploaded/);
    return true;
  });
  const [bucket] = config.bucket.split('/');
  const keys = await remoteKeys(bucket!);
  assert.ok(!keys.some((k) => k.endsWith(manifest.files[1]!.sha256)), 'no blob under the name of bad bytes');
  assert.ok(!keys.some((k) => k.includes('/checkpoints/')), 'no manifest');
});

test('a multipart file that rotted is refused before its upload is completed', async (t) => {
  const config = await bucketConfig({ multi_thread_cutoff: '1M', upload_concurrency: 2 });
  const dir = tempDir(t);
  const local = await CheckpointStore.open(dir);
  const big = randomBytes(17 * 1024 * 1024 + 3);
  const { manifest } = await local.write(checkpointOf([{ name: 'big', data: big }]));
  // The last part is damaged: every part before it is stored before the whole file's hash is known.
  big[big.length - 2] = big[big.length - 2]! ^ 0xff;
  writeFileSync(join(dir, 'state', manifest.files[0]!.sha256), big);
  const remote = RemoteStore.open(config);
  t.after(() => remote.close());
  await assert.rejects(pushCheckpoint(remote, local, manifest.uuid, OWNER), (err: ApiError) => {
    assert.equal(err.errorCode, 'CheckpointCorrupt');
    assert.match(err.message, /file 'big'.*it was not uploaded/);
    return true;
  });
  const [bucket] = config.bucket.split('/');
  const keys = await remoteKeys(bucket!);
  assert.ok(!keys.some((k) => k.includes('/blobs/')), 'no blob under the name of bad bytes');
  assert.ok(!keys.some((k) => k.includes('/checkpoints/')), 'no manifest');
});

test('read_bucket is never written', async (t) => {
  const seed = uniqueBucket();
  await s3.createBucket(seed);
  const config = await bucketConfig({ read_bucket: seed });
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(randomFiles(1, 100)));
  const readOnly = RemoteStore.open(config, 'read_bucket');
  t.after(() => readOnly.close());
  await assert.rejects(pushCheckpoint(readOnly, local, manifest.uuid, OWNER), /read_bucket is never written/);
  assert.deepEqual(await remoteKeys(seed), []);
});

test('a store killed mid-push fails the push, keeps the previous checkpoint, and the retry sends only what is missing', async (t) => {
  if (!s3.persistent) {
    t.skip(`${s3.kind} loses its objects when restarted`);
    return;
  }
  const config = await bucketConfig({ transfers: 1 });
  const local = await CheckpointStore.open(tempDir(t));
  const previous = await local.write(checkpointOf(randomFiles(4, 50_000), 1));
  const remote = RemoteStore.open(config, 'bucket', { retry: FAST_RETRY });
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, previous.manifest.uuid, OWNER);

  const next = await local.write(checkpointOf(randomFiles(8, 200_000), 2));
  let killed: Promise<void> | null = null;
  await assert.rejects(
    pushCheckpoint(remote, local, next.manifest.uuid, OWNER, {
      onProgress: (p) => {
        if (p.filesDone === 3 && !killed) killed = s3.kill('SIGKILL');
      },
    }),
    (err: ApiError) => {
      assert.equal(err.errorCode, 'SyncEndpointUnreachable');
      assert.match(err.message, /ECONNREFUSED|ECONNRESET/);
      return true;
    },
  );
  await killed;
  await s3.restart();

  const restored = await CheckpointStore.open(tempDir(t));
  assert.equal((await pullCheckpoint(remote, 'latest', restored)).uuid, previous.manifest.uuid);
  const [bucket] = config.bucket.split('/');
  const present = (await remoteKeys(bucket!)).filter((k) =>
    next.manifest.files.some((f) => k.endsWith(f.sha256)),
  );
  assert.ok(present.length >= 3, 'the blobs uploaded before the kill are still there');

  const retry = await pushCheckpoint(remote, local, next.manifest.uuid, OWNER);
  assert.equal(retry.uploadedFiles, 8 - present.length);
  assert.equal(retry.skippedFiles, present.length);
  const again = await CheckpointStore.open(tempDir(t));
  assert.equal((await pullCheckpoint(remote, 'latest', again)).uuid, next.manifest.uuid);
  await again.load(next.manifest.uuid);
});
