/**
 * A checkpoint pushed to a fresh bucket through a fault proxy (fault-proxy.ts), for tests that
 * pull it back and watch or break the requests on the way.
 */
import type { TestContext } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { type RemoteOptions, RemoteStore } from '../../src/storage/remote-store.js';
import type { SyncConfig } from '../../src/storage/sync-config.js';
import { startFaultProxy } from './fault-proxy.js';
import type { S3TestServer } from './s3server.js';
import { checkpointOf, tempDir, uniqueBucket } from './storage.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-0000000000a7', pipelineName: 'proxied' };

/**
 * Writes a checkpoint of `files` and pushes it to a fresh bucket of `s3` through a new proxy;
 * the remote (`sync` on top of the proxy's endpoint, `options`) and the proxy close after the
 * test. `proxy.requests` is emptied after the push: it lists what the test does next.
 */
export async function pushedThroughProxy(
  t: TestContext,
  s3: S3TestServer,
  files: Array<{ name: string; data: Buffer }>,
  sync: Partial<SyncConfig> = {},
  options: RemoteOptions = {},
) {
  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.close());
  const local = await CheckpointStore.open(tempDir(t));
  const { manifest } = await local.write(checkpointOf(files));
  const remote = RemoteStore.open(
    s3.syncConfig(bucket, { endpoint: proxy.endpoint, ...sync }),
    'bucket',
    options,
  );
  t.after(() => remote.close());
  await pushCheckpoint(remote, local, manifest.uuid, OWNER);
  proxy.requests.length = 0;
  return { bucket, proxy, remote, manifest };
}
