/**
 * A pull onto a full disk, for real: the local store lives on a small tmpfs (mounted for the
 * test; skipped, saying so, where this process may not mount one). The pull must fail as a
 * local failure (SyncFailed naming ENOSPC, not a failed GET of the store), leave no staging
 * file, install nothing, and keep the checkpoint the store already had whole.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import { ApiError } from '../../src/types/errors.js';
import { checkpointOf, randomFiles, tempDir, uniqueBucket } from '../helpers/storage.js';
import { useS3Server } from '../helpers/use-s3-server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-000000000006', pipelineName: 'full' };
const s3 = useS3Server();

/** Mounts a tmpfs of `size` at a fresh directory, unmounted after the test; null where it cannot. */
function smallDisk(t: import('node:test').TestContext, size: string): string | null {
  if (process.getuid?.() !== 0) return null;
  const mountPoint = mkdtempSync(join(tmpdir(), 'sluice-pull-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch {
    rmSync(mountPoint, { recursive: true, force: true });
    return null;
  }
  t.after(() => {
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });
  return mountPoint;
}

test('a pull onto a full disk fails as a local failure, leaves no staging file and keeps the checkpoint already there', async (t) => {
  const disk = smallDisk(t, '4m');
  if (!disk) {
    t.skip('cannot mount a small tmpfs here (needs root and the right to mount)');
    return;
  }
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const source = await CheckpointStore.open(tempDir(t));
  const small = (await source.write(checkpointOf(randomFiles(2, 256 * 1024), 1))).manifest;
  // Six MiB of files, one of them fetched in ranges: more than the disk holds.
  const large = (
    await source.write(
      checkpointOf(
        [...randomFiles(2, 1024 * 1024), { name: 'big', data: randomFiles(1, 9 * 1024 * 1024)[0]!.data }],
        2,
      ),
    )
  ).manifest;
  const remote = RemoteStore.open(s3.syncConfig(bucket, { multi_thread_cutoff: '1M' }));
  t.after(() => remote.close());
  await pushCheckpoint(remote, source, small.uuid, OWNER);
  await pushCheckpoint(remote, source, large.uuid, OWNER);

  const local = await CheckpointStore.open(join(disk, 'storage'));
  await pullCheckpoint(remote, small.uuid, local);
  await assert.rejects(pullCheckpoint(remote, large.uuid, local), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.errorCode, 'SyncFailed');
    assert.match(err.message, /to local storage failed \(ENOSPC/);
    assert.equal((err.details as { local_error: string }).local_error, 'ENOSPC');
    return true;
  });
  assert.deepEqual(
    readdirSync(join(disk, 'storage', 'state')).filter((n) => n.startsWith('.tmp-')),
    [],
    'no staging file is left',
  );
  assert.equal(await local.manifest(large.uuid), null, 'nothing was installed');
  assert.equal((await local.verify(small.uuid)).uuid, small.uuid, 'the checkpoint already there is whole');
});
