import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import { resolveStartCheckpoint } from '../../src/storage/resolve.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';
import type { ApiError } from '../../src/types/errors.js';
import { checkpointOf, FAST_RETRY, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const SEEDER = { pipelineId: '0190a1b2-0000-7000-8000-0000000000aa', pipelineName: 'seed' };
const UNREACHABLE = 'http://127.0.0.1:1';
const s3 = useS3Server();

/** A new bucket holding `count` checkpoints pushed by another pipeline; returns their uuids. */
async function seededBucket(t: TestContext, count: number): Promise<{ bucket: string; uuids: string[] }> {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const local = await CheckpointStore.open(tempDir(t));
  const remote = RemoteStore.open(s3.syncConfig(bucket));
  t.after(() => remote.close());
  const uuids: string[] = [];
  for (let step = 1; step <= count; step++) {
    const { manifest } = await local.write(checkpointOf(randomFiles(2, 1000), step));
    await pushCheckpoint(remote, local, manifest.uuid, SEEDER);
    uuids.push(manifest.uuid);
  }
  return { bucket, uuids };
}

async function keysOf(bucket: string): Promise<string[]> {
  const out = await s3.client().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => `${o.Key} ${o.ETag} ${o.LastModified?.toISOString()}`).sort();
}

const options = { retry: FAST_RETRY };

test('local storage wins: object storage is not even contacted', async (t) => {
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(randomFiles(1, 100)));
  const config: SyncConfig = { bucket: 'anything', endpoint: UNREACHABLE, start_from_checkpoint: 'latest' };
  const resolution = await resolveStartCheckpoint(config, local, options);
  assert.deepEqual(resolution, { source: 'local', uuid: manifest.uuid, skipped: [], pulled: null });
});

test('empty local storage starts from the bucket, else from read_bucket, which stays untouched', async (t) => {
  const own = await seededBucket(t, 2);
  const fromBucket = await CheckpointStore.open(tempDir(t));
  const r1 = await resolveStartCheckpoint(
    s3.syncConfig(own.bucket, { start_from_checkpoint: 'latest' }),
    fromBucket,
  );
  assert.equal(r1.source, 'bucket');
  assert.equal(r1.uuid, own.uuids[1]);
  assert.equal(r1.pulled?.downloadedFiles, 2);
  await fromBucket.load(r1.uuid!);

  const empty = uniqueBucket();
  await s3.createBucket(empty);
  const seed = await seededBucket(t, 2);
  const seedBefore = await keysOf(seed.bucket);
  const fromSeed = await CheckpointStore.open(tempDir(t));
  const config = s3.syncConfig(empty, { start_from_checkpoint: seed.uuids[0], read_bucket: seed.bucket });
  const r2 = await resolveStartCheckpoint(config, fromSeed);
  assert.equal(r2.source, 'read_bucket');
  assert.equal(r2.uuid, seed.uuids[0]);
  assert.deepEqual(
    r2.skipped.map((s) => s.source),
    ['local', 'bucket'],
  );
  assert.match(r2.skipped[1]!.reason, new RegExp(`no checkpoint ${seed.uuids[0]} in bucket`));
  await fromSeed.load(seed.uuids[0]!);
  assert.deepEqual(await keysOf(seed.bucket), seedBefore, 'read_bucket is never written');
  assert.deepEqual(await keysOf(empty), [], 'resolving writes nothing to bucket either');
});

test('nothing anywhere: start empty, or fail naming every store looked in', async (t) => {
  const empty = uniqueBucket();
  const emptySeed = uniqueBucket();
  await s3.createBucket(empty);
  await s3.createBucket(emptySeed);
  const local = await CheckpointStore.open(tempDir(t));
  const config = s3.syncConfig(empty, { start_from_checkpoint: 'latest', read_bucket: emptySeed });
  const resolution = await resolveStartCheckpoint(config, local);
  assert.equal(resolution.source, 'none');
  assert.equal(resolution.uuid, null);
  assert.deepEqual(
    resolution.skipped.map((s) => s.source),
    ['local', 'bucket', 'read_bucket'],
  );
  assert.match(resolution.skipped[1]!.reason, /no restorable checkpoint in bucket/);

  await assert.rejects(
    resolveStartCheckpoint({ ...config, fail_if_no_checkpoint: true }, local),
    (err: ApiError) => {
      assert.equal(err.errorCode, 'CheckpointFetchError');
      assert.match(
        err.message,
        /checkpoint not found: fail_if_no_checkpoint is set and checkpoints were not found in source local/,
      );
      assert.match(
        err.message,
        new RegExp(`nor in source bucket \\(.*${empty}.*\\), nor in source read_bucket \\(.*${emptySeed}`),
      );
      return true;
    },
  );
  const missing = '01900000-0000-7000-8000-000000000001';
  await assert.rejects(
    resolveStartCheckpoint({ ...config, start_from_checkpoint: missing, fail_if_no_checkpoint: true }, local),
    new RegExp(`checkpoints with uuid ${missing} were not found in source local`),
  );
});

test('a store that cannot be reached or read is an error, never "no checkpoint"', async (t) => {
  const local = await CheckpointStore.open(tempDir(t));
  const config = s3.syncConfig('bkt', { endpoint: UNREACHABLE, start_from_checkpoint: 'latest' });
  for (const failIf of [false, true]) {
    await assert.rejects(
      resolveStartCheckpoint({ ...config, fail_if_no_checkpoint: failIf }, local, options),
      (err: ApiError) => {
        assert.equal(err.errorCode, 'CheckpointFetchError');
        const details = err.details as Record<string, unknown>;
        assert.equal(details.source, 'bucket');
        assert.equal(details.cause, 'SyncEndpointUnreachable');
        assert.match(err.message, /bucket could not be read: .*unreachable/);
        return true;
      },
    );
  }
  const withoutKeys: SyncConfig = { bucket: 'bkt', endpoint: UNREACHABLE, start_from_checkpoint: 'latest' };
  await assert.rejects(
    resolveStartCheckpoint(withoutKeys, local, options),
    /access_key and secret_key are not set and the AWS credential chain/,
  );
  const missingBucket = s3.syncConfig(uniqueBucket(), { start_from_checkpoint: 'latest' });
  await assert.rejects(resolveStartCheckpoint(missingBucket, local, options), {
    errorCode: 'CheckpointFetchError',
  });
  assert.deepEqual(await local.list(), [], 'nothing was started from');
});

test('without start_from_checkpoint object storage is not consulted', async (t) => {
  const local = await CheckpointStore.open(tempDir(t));
  const resolution = await resolveStartCheckpoint(
    { bucket: 'bkt', endpoint: UNREACHABLE, fail_if_no_checkpoint: true },
    local,
  );
  assert.deepEqual(resolution, { source: 'none', uuid: null, skipped: [], pulled: null });
  assert.equal((await resolveStartCheckpoint(null, local)).source, 'none');
});

test('a corrupt local checkpoint is reported and the bucket used instead', async (t) => {
  const own = await seededBucket(t, 1);
  const dir = tempDir(t);
  const local = await CheckpointStore.open(dir);
  const { manifest } = await local.write(checkpointOf(randomFiles(1, 500)));
  const path = join(dir, 'state', manifest.files[0]!.sha256);
  writeFileSync(path, readFileSync(path).subarray(1));
  const resolution = await resolveStartCheckpoint(
    s3.syncConfig(own.bucket, { start_from_checkpoint: 'latest' }),
    local,
  );
  assert.equal(resolution.source, 'bucket');
  assert.equal(resolution.uuid, own.uuids[0]);
  assert.equal(resolution.skipped[0]!.source, 'local');
  assert.match(resolution.skipped[0]!.reason, new RegExp(`Checkpoint ${manifest.uuid} is corrupt`));
});

test('a bucket whose every checkpoint is damaged fails the start, fail_if_no_checkpoint or not', async (t) => {
  const own = await seededBucket(t, 1);
  const client = s3.client();
  await client.send(
    new PutObjectCommand({ Bucket: own.bucket, Key: `checkpoints/${own.uuids[0]}.json`, Body: '{"format":' }),
  );
  const local = await CheckpointStore.open(tempDir(t));
  const config = s3.syncConfig(own.bucket, { start_from_checkpoint: 'latest' });
  await assert.rejects(resolveStartCheckpoint(config, local, options), (err: ApiError) => {
    assert.equal(err.errorCode, 'CheckpointFetchError');
    assert.match(
      err.message,
      /bucket could not be read: Every checkpoint in .* is damaged: .*manifest is invalid/,
    );
    return true;
  });
  assert.deepEqual(await local.list(), [], 'nothing installed, nothing started empty');
});
