import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import type { ApiError } from '../../src/types/errors.js';
import { checkpointOf, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const ORDERS = { pipelineId: '0190a1b2-0000-7000-8000-00000000000a', pipelineName: 'orders' };
const BILLING = { pipelineId: '0190a1b2-0000-7000-8000-00000000000b', pipelineName: 'billing' };
const s3 = useS3Server();

test('the first push claims the location; another pipeline is refused; reading needs no ownership', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const remote = RemoteStore.open(s3.syncConfig(`${bucket}/shared`));
  t.after(() => remote.close());
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(randomFiles(2, 100)));
  await pushCheckpoint(remote, local, manifest.uuid, ORDERS);

  const owner = await s3.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'shared/owner.json' }));
  const document = JSON.parse(await owner.Body!.transformToString());
  assert.equal(document.pipeline_id, ORDERS.pipelineId);
  assert.equal(document.pipeline_name, `pipeline-${ORDERS.pipelineId}`, "Feldera's rename-proof system name");
  assert.equal(document.display_name, 'orders');

  const other = await CheckpointStore.open(tempDir(t));
  const theirs = await other.write(checkpointOf(randomFiles(2, 100)));
  await assert.rejects(pushCheckpoint(remote, other, theirs.manifest.uuid, BILLING), (err: ApiError) => {
    assert.equal(err.errorCode, 'SyncOwnershipConflict');
    assert.match(
      err.message,
      /is owned by pipeline 'orders' \(0190a1b2-0000-7000-8000-00000000000a\); pipeline 'billing'/,
    );
    assert.deepEqual(err.details, {
      location: `s3://${bucket}/shared/`,
      owner_pipeline_id: ORDERS.pipelineId,
      owner_pipeline_name: 'orders',
    });
    return true;
  });
  assert.deepEqual(
    (await remote.listCheckpoints()).map((c) => c.uuid),
    [manifest.uuid],
    'nothing of the refused pipeline was written',
  );

  const renamed = await local.write(checkpointOf(randomFiles(2, 100), 2));
  await pushCheckpoint(remote, local, renamed.manifest.uuid, { ...ORDERS, pipelineName: 'orders-renamed' });
  assert.equal(
    (await pullCheckpoint(remote, 'latest', other)).uuid,
    renamed.manifest.uuid,
    'a standby may read',
  );
});

test('an unreadable owner.json is a conflict, not an invitation', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  await s3.client().send(new PutObjectCommand({ Bucket: bucket, Key: 'owner.json', Body: 'garbage' }));
  const remote = RemoteStore.open(s3.syncConfig(bucket));
  t.after(() => remote.close());
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(randomFiles(1, 100)));
  await assert.rejects(pushCheckpoint(remote, local, manifest.uuid, ORDERS), {
    errorCode: 'SyncOwnershipConflict',
    message: new RegExp(`s3://${bucket}/ is claimed by an unreadable owner.json`),
  });
});
