import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ChunkPool } from '../../src/storage/chunk-pool.js';
import {
  type DownloadContext,
  downloadBlob,
  READ_BACK_BYTES,
  SLOW_WRITE_MS,
  type WriteMode,
} from '../../src/storage/download.js';
import { ApiError } from '../../src/types/errors.js';
import { pushedThroughProxy } from '../helpers/proxied-checkpoint.js';
import { tempDir } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

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

/** Pushes a checkpoint of `files` to a fresh bucket; a download context for it, through a proxy. */
async function pushed(
  t: import('node:test').TestContext,
  files: Array<{ name: string; data: Buffer }>,
  readBuffers: ChunkPool,
  writes: WriteMode = { blocking: true, slowWriteMs: SLOW_WRITE_MS },
) {
  const { proxy, remote, manifest } = await pushedThroughProxy(t, s3, files, {
    multi_thread_cutoff: '1M',
    multi_thread_streams: 3,
  });
  const written = new Map<string, number>();
  const ctx: DownloadContext = {
    remote,
    checkpointUuid: manifest.uuid,
    verifySha256: true,
    readBuffers,
    writes,
    onBytes: () => undefined,
    onWritten: (dest, bytes) => written.set(dest, (written.get(dest) ?? 0) + bytes),
  };
  return { manifest, ctx, written, proxy };
}

/** How many of this process's file descriptors are open on `target`. */
function fdsOn(target: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === target;
    } catch {
      return false;
    }
  }).length;
}

/** A staging path that leads to /dev/full, where every write fails with ENOSPC. */
function fullDevicePath(t: import('node:test').TestContext): string {
  const dest = join(tempDir(t), 'staging');
  symlinkSync('/dev/full', dest);
  return dest;
}

/** Whole files and a file fetched in three ranges, two of them ahead of the hash. */
const mixedFiles = () => [
  ...Array.from({ length: 6 }, (_, i) => ({
    name: `whole-${i}`,
    data: randomBytes(3 * READ_BACK_BYTES + 17),
  })),
  { name: 'ranged', data: randomBytes(2 * 8 * 1024 * 1024 + 4321) },
];

/** Downloads every file of `manifest` with `ctx` and checks each against `files`. */
async function downloadAll(
  t: import('node:test').TestContext,
  files: Array<{ name: string; data: Buffer }>,
  { manifest, ctx, written }: Awaited<ReturnType<typeof pushed>>,
): Promise<void> {
  const dir = tempDir(t);
  for (const file of manifest.files) {
    const dest = join(dir, file.name);
    await downloadBlob(ctx, file, dest);
    assert.ok(readFileSync(dest).equals(files.find((f) => f.name === file.name)!.data));
    assert.equal(written.get(dest), file.size, `every byte of ${file.name} was reported written`);
  }
}

test('downloads write every byte at its place; ranges that arrive ahead of the hash are read back through the pool', async (t) => {
  const files = mixedFiles();
  const pool = new RecordingPool(READ_BACK_BYTES, 16);
  const pulled = await pushed(t, files, pool);
  await downloadAll(t, files, pulled);
  // The read-backs of one file run one after another: one buffer serves them all (none, if the
  // ranges happened to arrive in order).
  assert.ok(pool.handedOut.size <= 1, `${pool.handedOut.size} read-back buffers`);
});

test('after a slow write, the rest of a pull writes through the thread pool, with the same bytes', async (t) => {
  const files = mixedFiles();
  // Every write counts as slow: the first one switches the pull to the thread pool.
  const pulled = await pushed(t, files, new ChunkPool(READ_BACK_BYTES, 4), {
    blocking: true,
    slowWriteMs: 0,
  });
  await downloadAll(t, files, pulled);
  assert.equal(pulled.ctx.writes.blocking, false);
});

test("a write that fails (ENOSPC) fails the download as a local failure, not the store's, and nothing is left at its path", {
  skip: !existsSync('/dev/full') && 'no /dev/full to get a real ENOSPC from',
}, async (t) => {
  const files = [{ name: 'f', data: randomBytes(3 * READ_BACK_BYTES) }];
  const { manifest, ctx, written, proxy } = await pushed(t, files, new ChunkPool(READ_BACK_BYTES, 4));
  const dest = fullDevicePath(t);
  const fds = fdsOn('/dev/full');
  await assert.rejects(downloadBlob(ctx, manifest.files[0]!, dest), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.errorCode, 'SyncFailed');
    assert.match(err.message, /^Writing file 'f' of checkpoint .* to local storage failed \(ENOSPC/);
    assert.equal((err.details as { local_error: string }).local_error, 'ENOSPC');
    return true;
  });
  assert.equal(written.get(dest), undefined, 'no byte was reported written');
  assert.throws(() => lstatSync(dest), { code: 'ENOENT' }, 'the staging path was removed');
  assert.equal(proxy.requests.length, 1, 'a local failure is not retried');
  assert.equal(fdsOn('/dev/full'), fds, 'the staging file was closed');
});

test('a ranged download whose staging file cannot be sized fails as a local failure', {
  skip: !existsSync('/dev/full') && 'no /dev/full to fail the sizing on',
}, async (t) => {
  const files = [{ name: 'big', data: randomBytes(2 * 8 * 1024 * 1024 + 99) }];
  const { manifest, ctx, proxy } = await pushed(t, files, new ChunkPool(READ_BACK_BYTES, 4));
  // /dev/full cannot be truncated to the blob's size (EINVAL): the ranges are never fetched.
  const dest = fullDevicePath(t);
  const fds = fdsOn('/dev/full');
  await assert.rejects(downloadBlob(ctx, manifest.files[0]!, dest), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.errorCode, 'SyncFailed');
    assert.match(err.message, /^Writing file 'big' of checkpoint .* to local storage failed/);
    return true;
  });
  assert.deepEqual(proxy.requests, [], 'nothing was fetched');
  assert.equal(fdsOn('/dev/full'), fds, 'the staging file was closed');
});

for (const { kind, data, gets } of [
  // A whole blob is opened once its GET answered: that one GET is made, and not repeated.
  { kind: 'whole', data: () => randomBytes(3 * READ_BACK_BYTES), gets: 1 },
  // A ranged blob is opened before any range is asked for: nothing is fetched.
  { kind: 'ranged', data: () => randomBytes(2 * 8 * 1024 * 1024 + 99), gets: 0 },
]) {
  test(`a ${kind} download whose staging file cannot be opened (ENOENT) fails as a local failure, not retried`, async (t) => {
    const files = [{ name: kind, data: data() }];
    const { manifest, ctx, written, proxy } = await pushed(t, files, new ChunkPool(READ_BACK_BYTES, 4));
    const missingDir = join(tempDir(t), 'no-such-dir');
    const dest = join(missingDir, 'staging');
    await assert.rejects(downloadBlob(ctx, manifest.files[0]!, dest), (err: unknown) => {
      assert.ok(err instanceof ApiError, String(err));
      assert.equal(err.errorCode, 'SyncFailed');
      assert.match(
        err.message,
        new RegExp(`^Writing file '${kind}' of checkpoint .* to local storage failed \\(ENOENT`),
      );
      assert.equal((err.details as { local_error: string }).local_error, 'ENOENT');
      assert.equal((err.details as { file: string }).file, kind);
      return true;
    });
    assert.equal(written.get(dest), undefined, 'no byte was reported written');
    assert.equal(existsSync(missingDir), false, 'no staging file or directory was created');
    assert.equal(proxy.requests.filter((r) => r.startsWith('GET ')).length, gets, proxy.requests.join('\n'));
    assert.equal(proxy.requests.length, gets, 'nothing else was asked of the store');
  });
}
