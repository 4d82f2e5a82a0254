/**
 * The object-store phase of the checkpoint benchmark, on a loopback s3rver (test/helpers):
 *  - sync: the checkpoint before last pushed, then the last one (one more `changePercent` step,
 *    merges included): the bytes the second push uploads are what a sync costs after a change;
 *  - pull: the last checkpoint pulled into an empty storage directory (each file verified by
 *    hash), then timed separately: a pipeline resuming from it, until Running;
 *  - the same prefix downloaded by `aws s3 sync` (when installed), timed as a whole process
 *    (its ~0.5 s of start-up included; the prefix holds both checkpoints' files, so it downloads
 *    a little more than the pull: compare MiB/s).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import { type S3TestServer, startS3Server } from '../../test/helpers/s3server.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-0000000000cb', pipelineName: 'bench' };

export interface RemoteFigures {
  /** Bytes and seconds of pushing the checkpoint before last into an empty bucket. */
  firstPushBytes: number;
  firstPushSeconds: number;
  /** What pushing the last checkpoint after it uploaded (a sync after one change). */
  nextPushBytes: number;
  nextPushFiles: number;
  nextPushSeconds: number;
  /** Pulling the last checkpoint into an empty storage directory. */
  pullBytes: number;
  pullSeconds: number;
  /** `aws s3 sync` of the same prefix (null when the aws CLI is not installed). */
  aws: { bytes: number; files: number; seconds: number } | null;
}

const since = (start: number) => (performance.now() - start) / 1000;

function dirBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
    files++;
  }
  return { bytes, files };
}

function awsSync(s3: S3TestServer, from: string, to: string): number {
  const start = performance.now();
  const result = spawnSync(
    'aws',
    ['--endpoint-url', s3.endpoint, '--region', s3.region, 's3', 'sync', '--only-show-errors', from, to],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: s3.accessKey,
        AWS_SECRET_ACCESS_KEY: s3.secretKey,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
      },
    },
  );
  if (result.status !== 0) throw new Error(`aws s3 sync failed: ${result.stderr}`);
  return since(start);
}

/**
 * Pushes checkpoints `previous` then `last` of the store in `storageDir`, pulls `last` into
 * `pullDir`, and downloads the prefix with the aws CLI into `awsDir`.
 */
export async function measureRemote(
  storageDir: string,
  previous: string,
  last: string,
  pullDir: string,
  awsDir: string,
): Promise<RemoteFigures> {
  const s3 = await startS3Server('s3rver');
  try {
    await s3.createBucket('bench');
    const remote = RemoteStore.open(s3.syncConfig('bench/pipeline'));
    const local = await CheckpointStore.open(storageDir);
    let start = performance.now();
    const first = await pushCheckpoint(remote, local, previous, OWNER);
    const firstPushSeconds = since(start);
    start = performance.now();
    const next = await pushCheckpoint(remote, local, last, OWNER);
    const nextPushSeconds = since(start);
    const target = await CheckpointStore.open(pullDir);
    start = performance.now();
    const pulled = await pullCheckpoint(remote, last, target);
    const pullSeconds = since(start);
    if (pulled.downloadedFiles === 0) throw new Error('the pull downloaded nothing');
    let aws: RemoteFigures['aws'] = null;
    if (spawnSync('aws', ['--version']).status === 0) {
      const seconds = awsSync(s3, 's3://bench/pipeline', awsDir);
      aws = { ...dirBytes(awsDir), seconds };
    }
    return {
      firstPushBytes: first.uploadedBytes,
      firstPushSeconds,
      nextPushBytes: next.uploadedBytes,
      nextPushFiles: next.uploadedFiles,
      nextPushSeconds,
      pullBytes: pulled.downloadedBytes,
      pullSeconds,
      aws,
    };
  } finally {
    await s3.stop();
  }
}
