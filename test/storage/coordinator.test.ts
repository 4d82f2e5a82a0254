import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { type PushOutcome, SyncCoordinator, type SyncStatus } from '../../src/storage/coordinator.js';
import type { TransferProgress } from '../../src/storage/progress.js';
import { assertMatchesReference, reference } from '../helpers/reference.js';
import { checkpointOf, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000005', pipelineName: 'events' };
const s3 = useS3Server();

test('two syncs of one checkpoint at once share one upload; different checkpoints queue', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const store = await CheckpointStore.open(tempDir(t));
  const first = (await store.write(checkpointOf(randomFiles(10, 100_000), 1))).manifest.uuid;
  const updates: Array<[string, TransferProgress]> = [];
  const seen: Array<SyncStatus['inProgress']> = [];
  const coordinator: SyncCoordinator = new SyncCoordinator({
    config: s3.syncConfig(bucket),
    store,
    owner: OWNER,
    onProgress: (uuid, progress) => {
      updates.push([uuid, progress]);
      seen.push(coordinator.status().inProgress);
    },
  });
  t.after(() => coordinator.close());

  const a = coordinator.push(first);
  const b = coordinator.push(first);
  const second = (await store.write(checkpointOf(randomFiles(10, 100_000), 2))).manifest.uuid;
  const c = coordinator.push(second, { periodic: true });
  assert.deepEqual(coordinator.status().running, [first, second], 'running lists pushing and queued');
  const joined = coordinator.push(second);
  const [sa, sb, sc, sj] = await Promise.all([a, b, c, joined]);
  assert.equal(sa, sb, 'the second request joined the first push');
  assert.equal(sc, sj, 'a request joins the periodic push of the same checkpoint');
  assert.equal(sa.uploadedBytes, 1_000_000);
  assert.equal(sc.uploadedBytes, 1_000_000);
  const order = [...new Set(updates.map(([uuid]) => uuid))];
  assert.deepEqual(order, [first, second], 'one push at a time, in request order');
  assert.ok(
    seen.some((s) => s?.uuid === first && s.progress.bytesDone > 0 && s.progress.bytesDone < 1_000_000),
    'the status shows the push in progress',
  );

  const status = coordinator.status();
  // `success` reports requested syncs, `periodic` automatic ones (issue 5).
  assert.deepEqual(status, {
    success: second,
    periodic: second,
    failure: null,
    periodicFailure: null,
    running: [],
    inProgress: null,
  });
  if (reference) {
    for (const key of Object.keys(reference.components.schemas.CheckpointSyncStatus.properties))
      assert.ok(key in status, `Feldera's field ${key}`);
  }
});

test('a failed sync is reported in the status, and the next success clears it', async (t) => {
  const bucket = uniqueBucket();
  const store = await CheckpointStore.open(tempDir(t));
  const { manifest } = await store.write(checkpointOf(randomFiles(1, 100)));
  const coordinator = new SyncCoordinator({ config: s3.syncConfig(bucket), store, owner: OWNER });
  t.after(() => coordinator.close());
  await assert.rejects(coordinator.push(), { errorCode: 'SyncBucketNotFound' });
  const failed = coordinator.status();
  assert.equal(failed.failure?.uuid, manifest.uuid);
  assert.match(failed.failure?.error ?? '', /NoSuchBucket/);
  assertMatchesReference('CheckpointSyncFailure', failed.failure);
  assert.equal(failed.success, null);

  await s3.createBucket(bucket);
  await coordinator.push();
  assert.deepEqual(coordinator.status(), {
    success: manifest.uuid,
    periodic: null,
    failure: null,
    periodicFailure: null,
    running: [],
    inProgress: null,
  });
  assert.throws(
    () => new SyncCoordinator({ config: { bucket: 'x' }, store, owner: OWNER }),
    /Invalid sync configuration/,
  );
  await assert.rejects(
    new SyncCoordinator({
      config: s3.syncConfig(bucket),
      store: await CheckpointStore.open(tempDir(t)),
      owner: OWNER,
    }).push(),
    { errorCode: 'NoCheckpoint' },
  );
});

test('push_interval pushes the newest checkpoint periodically', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const store = await CheckpointStore.open(tempDir(t));
  const coordinator = new SyncCoordinator({
    config: s3.syncConfig(bucket, { push_interval: 1 }),
    store,
    owner: OWNER,
  });
  t.after(() => coordinator.close());
  coordinator.startPeriodicPush();
  const { manifest } = await store.write(checkpointOf(randomFiles(1, 100)));
  const deadline = Date.now() + 5000;
  while (coordinator.status().periodic !== manifest.uuid && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(coordinator.status(), {
    success: null,
    periodic: manifest.uuid,
    failure: null,
    periodicFailure: null,
    running: [],
    inProgress: null,
  });
});

test('a periodic push that fails is reported, never taken for nothing to push, and retried', async (t) => {
  const bucket = uniqueBucket();
  const store = await CheckpointStore.open(tempDir(t));
  const failures: string[] = [];
  const outcomes: PushOutcome[] = [];
  const coordinator = new SyncCoordinator({
    config: s3.syncConfig(bucket, { push_interval: 1 }),
    store,
    owner: OWNER,
    onPeriodicFailure: (uuid, err) => failures.push(`${uuid} ${err.message}`),
    onPushed: (outcome) => outcomes.push(outcome),
  });
  t.after(() => coordinator.close());
  const { manifest } = await store.write(checkpointOf(randomFiles(1, 100)));
  coordinator.startPeriodicPush();
  const waitFor = async (done: () => boolean) => {
    const deadline = Date.now() + 8000;
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  await waitFor(() => coordinator.status().periodicFailure !== null);
  const failed = coordinator.status();
  assert.equal(failed.periodicFailure?.uuid, manifest.uuid);
  assert.match(failed.periodicFailure?.error ?? '', /NoSuchBucket/);
  assert.equal(failed.failure, null, 'failure reports requested syncs only');
  assert.match(failures[0] ?? '', new RegExp(manifest.uuid));
  assert.deepEqual(outcomes[0], {
    uuid: manifest.uuid,
    ok: false,
    durationMs: outcomes[0]!.durationMs,
    bytes: 0,
  });

  await s3.createBucket(bucket);
  await waitFor(() => coordinator.status().periodic === manifest.uuid);
  assert.equal(coordinator.status().periodic, manifest.uuid, 'the next round pushed it');
  assert.equal(coordinator.status().periodicFailure, null, 'and cleared the failure');
  const last = outcomes.at(-1)!;
  assert.equal(last.ok, true);
  assert.equal(last.bytes, 100);
  assert.ok(last.durationMs >= 0);
});
