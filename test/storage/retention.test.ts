import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { type RemoteOptions, RemoteStore } from '../../src/storage/remote-store.js';
import { applyRetention } from '../../src/storage/retention.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';
import { checkpointOf, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000004', pipelineName: 'metrics' };
const s3 = useS3Server();

/** Pushes `count` checkpoints that share one file and each add their own. */
async function pushSeries(
  t: TestContext,
  count: number,
  extra: Partial<SyncConfig>,
  options: RemoteOptions = {},
) {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const remote = RemoteStore.open(s3.syncConfig(bucket, extra), 'bucket', options);
  t.after(() => remote.close());
  const local = await CheckpointStore.open(tempDir(t), { keep: 10 });
  const shared = { name: 'shared', data: randomBytes(2000) };
  const uuids: string[] = [];
  const summaries = [];
  for (let step = 1; step <= count; step++) {
    const { manifest } = await local.write(
      checkpointOf([shared, { name: 'own', data: randomBytes(2000) }], step),
    );
    summaries.push(await pushCheckpoint(remote, local, manifest.uuid, OWNER));
    uuids.push(manifest.uuid);
  }
  return { bucket, remote, local, uuids, summaries };
}

async function blobCount(bucket: string): Promise<number> {
  const out = await s3.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'blobs/' }));
  return out.KeyCount ?? 0;
}

test('beyond retention_min_count, checkpoints at least retention_min_age days old go, then their blobs', async (t) => {
  const { bucket, remote, uuids, summaries } = await pushSeries(
    t,
    5,
    { retention_min_count: 2, retention_min_age: 0 },
    { orphanBlobGraceSeconds: 0 },
  );
  assert.deepEqual(
    (await remote.listCheckpoints()).map((c) => c.uuid),
    uuids.slice(3),
  );
  assert.deepEqual(summaries[4]!.retention?.deletedCheckpoints, [uuids[2]]);
  assert.equal(await blobCount(bucket), 3, 'the shared blob and one own blob per kept checkpoint');
  for (const uuid of uuids.slice(3))
    await pullCheckpoint(remote, uuid, await CheckpointStore.open(tempDir(t)));
});

test('young checkpoints are kept whatever their number, and so is the one just pushed', async (t) => {
  const young = await pushSeries(t, 4, { retention_min_count: 1 });
  assert.equal((await young.remote.listCheckpoints()).length, 4, 'retention_min_age defaults to 30 days');

  const { remote, uuids } = await pushSeries(t, 3, { retention_min_count: 0, retention_min_age: 0 });
  assert.deepEqual(
    (await remote.listCheckpoints()).map((c) => c.uuid),
    [uuids[2]],
  );
  const future = new Date(Date.now() + 365 * 86_400_000);
  const result = await applyRetention(remote, uuids[2]!, future);
  assert.deepEqual(result.deletedCheckpoints, []);
});

test('unreferenced blobs are deleted only after the grace period, and never when a manifest is unreadable', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const orphan = `blobs/${'0'.repeat(64)}`;
  await s3
    .client()
    .send(new PutObjectCommand({ Bucket: bucket, Key: orphan, Body: 'left by a push that died' }));
  const config = s3.syncConfig(bucket, { retention_min_count: 2, retention_min_age: 0 });
  const graced = RemoteStore.open(config);
  const eager = RemoteStore.open(config, 'bucket', { orphanBlobGraceSeconds: 0 });
  t.after(() => {
    graced.close();
    eager.close();
  });
  const local = await CheckpointStore.open(tempDir(t), { keep: 10 });
  const shared = { name: 'shared', data: randomBytes(2000) };
  const push = async (remote: RemoteStore, step: number) => {
    const { manifest } = await local.write(
      checkpointOf([shared, { name: 'own', data: randomBytes(2000) }], step),
    );
    return {
      uuid: manifest.uuid,
      retention: (await pushCheckpoint(remote, local, manifest.uuid, OWNER)).retention!,
    };
  };

  const c1 = await push(graced, 1);
  assert.equal(c1.retention.blobSweepSkipped, 'no checkpoint expired');
  await push(graced, 2);
  const c3 = await push(graced, 3);
  assert.deepEqual(c3.retention.deletedCheckpoints, [c1.uuid]);
  assert.equal(c3.retention.deletedBlobs, 0, 'blobs younger than an hour may belong to a push in progress');

  const c3Key = `checkpoints/${c3.uuid}.json`;
  const c3Manifest = await s3.client().send(new GetObjectCommand({ Bucket: bucket, Key: c3Key }));
  const c3Bytes = await c3Manifest.Body!.transformToByteArray();
  await s3.client().send(new PutObjectCommand({ Bucket: bucket, Key: c3Key, Body: '{' }));
  const c4 = await push(eager, 4);
  assert.equal(c4.retention.deletedCheckpoints.length, 1);
  assert.equal(c4.retention.deletedBlobs, 0);
  assert.equal(c4.retention.blobSweepSkipped, `manifests ${c3.uuid} could not be read`);

  await s3.client().send(new PutObjectCommand({ Bucket: bucket, Key: c3Key, Body: c3Bytes }));
  const c5 = await push(eager, 5);
  assert.deepEqual(c5.retention.deletedCheckpoints, [c3.uuid]);
  assert.equal(c5.retention.deletedBlobs, 4, 'the orphan and the own blobs of checkpoints 1-3');
  assert.equal(await blobCount(bucket), 3, 'the shared blob and the own blobs of checkpoints 4 and 5');
  await pullCheckpoint(eager, c4.uuid, await CheckpointStore.open(tempDir(t)));
});
