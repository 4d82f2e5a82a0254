import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { ChunkPool } from '../../src/storage/chunk-pool.js';
import { type DownloadContext, downloadBlob, READ_BACK_BYTES } from '../../src/storage/download.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import { ApiError } from '../../src/types/errors.js';
import { checkpointOf, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000005', pipelineName: 'downloads' };
const s3 = useS3Server();

/** A pool that records every distinct buffer it handed out. */
class RecordingPool extends ChunkPool {
  readonly handedOut = new Set<ArrayBufferLike>();

  override take(): Buffer {
    const buffer = super.take();
    this.handedOut.add(buffer.buffer);
    return buffer;
  }
}

/** Pushes a checkpoint of `files` to a fresh bucket; a download context for it. */
async function pushed(
  t: import('node:test').TestContext,
  files: Array<{ name: string; data: Buffer }>,
  readBuffers: ChunkPool,
) {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(files));
  const remote = RemoteStore.open(
    s3.syncConfig(bucket, { multi_thread_cutoff: '1M', multi_thread_streams: 3 }),
  );
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, manifest.uuid, OWNER);
  const written = new Map<string, number>();
  const ctx: DownloadContext = {
    remote,
    checkpointUuid: manifest.uuid,
    verifySha256: true,
    readBuffers,
    onBytes: () => undefined,
    onWritten: (dest, bytes) => written.set(dest, (written.get(dest) ?? 0) + bytes),
  };
  return { manifest, ctx, written };
}

test('downloads write every byte at its place; ranges that arrive ahead of the hash are read back through the pool', async (t) => {
  // Whole files and a file fetched in three ranges, two of them ahead of the hash.
  const files = [
    ...Array.from({ length: 6 }, (_, i) => ({
      name: `whole-${i}`,
      data: randomBytes(3 * READ_BACK_BYTES + 17),
    })),
    { name: 'ranged', data: randomBytes(2 * 8 * 1024 * 1024 + 4321) },
  ];
  const pool = new RecordingPool(READ_BACK_BYTES, 16);
  const { manifest, ctx, written } = await pushed(t, files, pool);
  const dir = tempDir(t);
  for (const file of manifest.files) {
    const dest = join(dir, file.name);
    await downloadBlob(ctx, file, dest);
    assert.ok(readFileSync(dest).equals(files.find((f) => f.name === file.name)!.data));
    assert.equal(written.get(dest), file.size, `every byte of ${file.name} was reported written`);
  }
  // The read-backs of one file run one after another: one buffer serves them all.
  assert.equal(pool.handedOut.size, 1, `${pool.handedOut.size} read-back buffers`);
});

test("a write that fails (ENOSPC) fails the download as a local failure, not the store's, and nothing is left at its path", {
  skip: !existsSync('/dev/full') && 'no /dev/full to get a real ENOSPC from',
}, async (t) => {
  const files = [{ name: 'f', data: randomBytes(3 * READ_BACK_BYTES) }];
  const { manifest, ctx, written } = await pushed(t, files, new ChunkPool(READ_BACK_BYTES, 4));
  // The staging path leads to /dev/full, where every write fails with ENOSPC.
  const dest = join(tempDir(t), 'staging');
  symlinkSync('/dev/full', dest);
  await assert.rejects(downloadBlob(ctx, manifest.files[0]!, dest), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.errorCode, 'SyncFailed');
    assert.match(err.message, /^Writing file 'f' of checkpoint .* to local storage failed \(ENOSPC/);
    assert.equal((err.details as { local_error: string }).local_error, 'ENOSPC');
    return true;
  });
  assert.equal(written.get(dest), undefined, 'no byte was reported written');
  assert.throws(() => lstatSync(dest), { code: 'ENOENT' }, 'the staging path was removed');
});
