import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';
import type { ApiError } from '../../src/types/errors.js';
import { CUT_DOWNLOAD_AT, FLIP_DOWNLOAD_AT } from '../helpers/fault-proxy.js';
import { pushedThroughProxy } from '../helpers/proxied-checkpoint.js';
import { checkpointOf, FAST_RETRY, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000002', pipelineName: 'payments' };
const s3 = useS3Server();

/** A bucket holding two pushed checkpoints that share most files. */
async function twoCheckpoints(t: import('node:test').TestContext, extra: Partial<SyncConfig> = {}) {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const config = s3.syncConfig(bucket, extra);
  const local = await CheckpointStore.open(tempDir(t));
  const files = randomFiles(4, 30_000);
  const older = (await local.write(checkpointOf(files, 1))).manifest;
  const newer = (await local.write(checkpointOf([...files, { name: 'delta', data: randomBytes(30_000) }], 2)))
    .manifest;
  const remote = RemoteStore.open(config);
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, older.uuid, OWNER);
  await pushCheckpoint(remote, local, newer.uuid, OWNER);
  const deltaKey = `blobs/${newer.files.find((f) => f.name === 'delta')!.sha256}`;
  return { bucket, config, remote, local, older, newer, deltaKey };
}

async function overwrite(bucket: string, key: string, change: (data: Buffer) => Buffer): Promise<void> {
  const client = s3.client();
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const data = change(Buffer.from(await out.Body!.transformToByteArray()));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
}

const flipByte = (data: Buffer) => {
  data[10] = data[10]! ^ 0x20;
  return data;
};

function stagingLeftovers(dir: string): string[] {
  return readdirSync(join(dir, 'state')).filter((n) => n.startsWith('.tmp-'));
}

test('a corrupted remote blob is refused, and "latest" falls back to the previous whole checkpoint', async (t) => {
  const { bucket, remote, older, newer, deltaKey } = await twoCheckpoints(t);
  await overwrite(bucket, deltaKey, flipByte);

  const dir = tempDir(t);
  const target = await CheckpointStore.open(dir);
  await assert.rejects(pullCheckpoint(remote, newer.uuid, target), (err: ApiError) => {
    assert.equal(err.errorCode, 'SyncChecksumMismatch');
    assert.match(
      err.message,
      new RegExp(
        `Checkpoint ${newer.uuid} in bucket .* is damaged: blob ${deltaKey} \\(file 'delta'\\) has SHA-256`,
      ),
    );
    assert.match(err.message, /was not installed/);
    return true;
  });
  assert.deepEqual(await target.list(), [], 'nothing installed');
  assert.deepEqual(stagingLeftovers(dir), []);

  const pulled = await pullCheckpoint(remote, 'latest', target);
  assert.equal(pulled.uuid, older.uuid);
  assert.equal(pulled.skipped[0]!.uuid, newer.uuid);
  assert.match(pulled.skipped[0]!.reason, /damaged/);
  assert.equal(pulled.skipped[0]!.damaged, true, 'told apart from a manifest deleted while pulling');
  assert.deepEqual(
    (await target.list()).map((m) => m.uuid),
    [older.uuid],
  );
});

test('a truncated blob is refused even with ignore_checksum, which skips only the hash', async (t) => {
  const { bucket, remote, newer, deltaKey } = await twoCheckpoints(t, { ignore_checksum: true });
  await overwrite(bucket, deltaKey, (data) => data.subarray(0, 1000));
  const target = await CheckpointStore.open(tempDir(t));
  await assert.rejects(pullCheckpoint(remote, newer.uuid, target), /has 1000 bytes instead of 30000/);
  await overwrite(bucket, deltaKey, () => randomBytes(5_000_000));
  await assert.rejects(pullCheckpoint(remote, newer.uuid, target), /is larger than 30000 bytes/);

  await overwrite(bucket, deltaKey, () => randomBytes(30_000));
  const pulled = await pullCheckpoint(remote, newer.uuid, target);
  assert.equal(pulled.uuid, newer.uuid, 'same size, different bytes: installed, as asked');
  await assert.rejects(target.load(newer.uuid), { errorCode: 'CheckpointCorrupt' }, 'and caught when loaded');
});

test('an invalid remote manifest or a missing blob makes a checkpoint damaged', async (t) => {
  const { bucket, remote, older, newer } = await twoCheckpoints(t);
  await overwrite(bucket, `checkpoints/${newer.uuid}.json`, () => Buffer.from('{"format":1,'));
  const target = await CheckpointStore.open(tempDir(t));
  await assert.rejects(pullCheckpoint(remote, newer.uuid, target), /manifest is invalid: not JSON/);
  assert.deepEqual(
    (await remote.listCheckpoints()).map((c) => c.uuid),
    [older.uuid],
    'listing leaves out what cannot be read',
  );

  await overwrite(bucket, `checkpoints/${older.uuid}.json`, (data) => {
    const manifest = JSON.parse(data.toString());
    manifest.files[0].sha256 = 'e'.repeat(64);
    return Buffer.from(JSON.stringify(manifest));
  });
  await assert.rejects(
    pullCheckpoint(remote, older.uuid, target),
    new RegExp(`blobs/${'e'.repeat(64)}.* is missing`),
  );
  // Every checkpoint damaged: the location holds state that cannot be read, not "none".
  await assert.rejects(pullCheckpoint(remote, 'latest', target), (err: ApiError) => {
    assert.equal(err.errorCode, 'SyncChecksumMismatch');
    assert.match(err.message, /Every checkpoint in .* is damaged: .*manifest is invalid.*; .*is missing/);
    assert.equal((err.details as { skipped: unknown[] }).skipped.length, 2);
    return true;
  });
});

test('pull downloads only the blobs the local store lacks, and nothing for a checkpoint it has', async (t) => {
  const { remote, older, newer } = await twoCheckpoints(t);
  const target = await CheckpointStore.open(tempDir(t));
  const first = await pullCheckpoint(remote, older.uuid, target);
  assert.equal(first.downloadedFiles, 4);
  const second = await pullCheckpoint(remote, newer.uuid, target);
  assert.deepEqual([second.downloadedFiles, second.downloadedBytes, second.reusedFiles], [1, 30_000, 4]);
  const third = await pullCheckpoint(remote, 'latest', target);
  assert.equal(third.alreadyLocal, true);
  for (const missing of ['01234567-89ab-7def-8123-456789abcdef', '../owner']) {
    await assert.rejects(pullCheckpoint(remote, missing, target), { errorCode: 'NoCheckpoint' });
  }
});

test('a blob fetched in ranges is verified whole: a byte changed in any range is refused, a retried range is not trusted', async (t) => {
  // Three 8 MiB ranges and a short fourth, three in flight: they finish in any order.
  const large = randomBytes(3 * 8 * 1024 * 1024 + 1234);
  const { bucket, proxy, remote, manifest } = await pushedThroughProxy(
    t,
    s3,
    [{ name: 'large', data: large }],
    { multi_thread_cutoff: '1M', multi_thread_streams: 3 },
    { retry: FAST_RETRY },
  );
  const key = `blobs/${manifest.files[0]!.sha256}`;

  for (const offset of [5, 8 * 1024 * 1024 + 7, 3 * 8 * 1024 * 1024 + 1000]) {
    await overwrite(bucket, key, (data) => {
      data[offset] = data[offset]! ^ 0x01;
      return data;
    });
    const dir = tempDir(t);
    await assert.rejects(pullCheckpoint(remote, manifest.uuid, await CheckpointStore.open(dir)), {
      errorCode: 'SyncChecksumMismatch',
    });
    assert.deepEqual(stagingLeftovers(dir), []);
    await overwrite(bucket, key, () => large);
  }

  // The first ranged GET loses its connection and is sent again.
  proxy.inject('reset', 1, (method, url) => method === 'GET' && url.includes(manifest.files[0]!.sha256));
  const gets = () => proxy.requests.filter((r) => r.startsWith('GET') && r.includes(key)).length;
  const before = gets();
  const restored = await CheckpointStore.open(tempDir(t));
  await pullCheckpoint(remote, manifest.uuid, restored);
  assert.equal(gets() - before, 5, 'four ranges, one of them twice');
  assert.ok((await restored.load(manifest.uuid)).files.get('large')!.equals(large));
});

test('a byte damaged in the retry of a range whose first body was cut is caught', async (t) => {
  // One range at a time, so the first GET is the first range: the hash takes its bytes as
  // they arrive.
  const { proxy, remote, manifest } = await pushedThroughProxy(
    t,
    s3,
    [{ name: 'large', data: randomBytes(2 * 8 * 1024 * 1024 + 1234) }],
    { multi_thread_cutoff: '1M', multi_thread_streams: 1 },
    { retry: FAST_RETRY },
  );
  const blob = (method: string, url: string) => method === 'GET' && url.includes(manifest.files[0]!.sha256);
  // The first range's body is cut after CUT_DOWNLOAD_AT good bytes, which the hash takes; its
  // retry brings a byte before that point damaged, and the file holds the retry's bytes. The
  // hash must not go on from where the cut attempt stopped (OrderedHasher.invalidate, and its
  // digest, which is null unless the hash reached the end in order).
  proxy.inject('cut-download', 1, blob);
  proxy.inject('corrupt-download', 1, blob);
  assert.ok(FLIP_DOWNLOAD_AT < CUT_DOWNLOAD_AT);
  const dir = tempDir(t);
  await assert.rejects(pullCheckpoint(remote, manifest.uuid, await CheckpointStore.open(dir)), {
    errorCode: 'SyncChecksumMismatch',
  });
  assert.deepEqual(stagingLeftovers(dir), []);
});

test('pull downloads the largest blobs first', async (t) => {
  const sizes = [3_000, 90_000, 500, 40_000, 7_000];
  // One transfer at a time, so the order of the GETs is the order the pull chose.
  const { proxy, remote, manifest } = await pushedThroughProxy(
    t,
    s3,
    sizes.map((size, i) => ({ name: `f${i}`, data: randomBytes(size) })),
    { transfers: 1 },
  );
  await pullCheckpoint(remote, manifest.uuid, await CheckpointStore.open(tempDir(t)));
  const sizeOf = new Map(manifest.files.map((f) => [f.sha256, f.size]));
  const fetched = proxy.requests
    .filter((r) => r.startsWith('GET ') && r.includes('/blobs/'))
    .map((r) => sizeOf.get(r.slice(r.lastIndexOf('/') + 1).split('?')[0]!));
  assert.deepEqual(
    fetched,
    [...sizes].sort((a, b) => b - a),
  );
});
