import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { ChunkPool } from '../../src/storage/chunk-pool.js';
import { downloadBlob, WRITE_BATCH_BYTES } from '../../src/storage/download.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import { type S3TestServer, startS3Server } from '../helpers/s3server.js';
import { checkpointOf, tempDir, uniqueBucket } from '../helpers/storage.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000005', pipelineName: 'downloads' };
let s3: S3TestServer;

before(async () => {
  s3 = await startS3Server();
});
after(async () => {
  await s3.stop();
});

/** A pool that records every distinct buffer it handed out. */
class RecordingPool extends ChunkPool {
  readonly handedOut = new Set<ArrayBufferLike>();

  override take(): Buffer {
    const buffer = super.take();
    this.handedOut.add(buffer.buffer);
    return buffer;
  }
}

test('downloads write through the buffers of their pool, given back after each write', async (t) => {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  // Whole files and a file fetched in three ranges (its hash reads ranges back through the pool).
  const files = [
    ...Array.from({ length: 6 }, (_, i) => ({
      name: `whole-${i}`,
      data: randomBytes(3 * WRITE_BATCH_BYTES + 17),
    })),
    { name: 'ranged', data: randomBytes(2 * 8 * 1024 * 1024 + 4321) },
  ];
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(files));
  const remote = RemoteStore.open(
    s3.syncConfig(bucket, { multi_thread_cutoff: '1M', multi_thread_streams: 3 }),
  );
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, manifest.uuid, OWNER);

  const pool = new RecordingPool(WRITE_BATCH_BYTES, 16);
  const written = new Map<string, number>();
  const ctx = {
    remote,
    checkpointUuid: manifest.uuid,
    verifySha256: true,
    batches: pool,
    onBytes: () => undefined,
    onWritten: (dest: string, bytes: number) => written.set(dest, (written.get(dest) ?? 0) + bytes),
  };
  const dir = tempDir(t);
  for (const file of manifest.files) {
    const dest = join(dir, file.name);
    await downloadBlob(ctx, file, dest);
    assert.ok(readFileSync(dest).equals(files.find((f) => f.name === file.name)!.data));
    assert.equal(written.get(dest), file.size, `every byte of ${file.name} was reported written`);
  }
  // Some 90 batches were written; one download at a time holds one batch filling and at most two
  // being written per range in flight.
  assert.ok(pool.handedOut.size >= 1, 'the downloads took their batches from the pool');
  assert.ok(
    pool.handedOut.size <= 3 * 3,
    `${pool.handedOut.size} buffers for ${manifest.files.length} downloads`,
  );
});
