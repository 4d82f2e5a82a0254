/**
 * Checkpoint sync when the store's newest checkpoint is damaged, and requested syncs that fail:
 * what the pipeline does and what its log says, through the manager and the S3 test server.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  checkpointAndWait,
  ingestAndWait,
  inserts,
  pipelineLog,
  queryRows,
  startAndWait,
} from '../helpers/pipeline.js';
import { SYNC_GROUPS, useSyncManager } from '../helpers/sync-manager.js';

const BUCKET = 'sluice-damaged';

describe('checkpoint sync: a damaged newest checkpoint, failed requested syncs', () => {
  const { m, s3, create } = useSyncManager(BUCKET);
  /** Checkpoint 2 of the source pipeline, whose own blob is damaged in the store. */
  let damagedUuid = '';
  let damagedBlob = '';
  let olderUuid = '';

  async function blobKeys(): Promise<string[]> {
    const out = await s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'src/blobs/' }));
    return (out.Contents ?? []).map((o) => o.Key!);
  }

  async function checkpointAndPush(name: string, rows: Array<Record<string, unknown>>): Promise<string> {
    await ingestAndWait(m, name, 'items', inserts(rows));
    const { uuid } = await checkpointAndWait(m, name);
    assert.equal((await m.request('POST', `/v0/pipelines/${name}/checkpoint/sync`)).status, 200);
    return uuid;
  }

  before(async () => {
    // Pipeline A pushes checkpoint 1, then 2; then one byte of a blob only 2 uses is flipped
    // in place (same key, same size), as silent corruption in the store would.
    await create('src', s3.syncConfig(`${BUCKET}/src`));
    await startAndWait(m, 'src');
    olderUuid = await checkpointAndPush('src', [{ id: 1, grp: 'a', qty: 1 }]);
    const before = new Set(await blobKeys());
    damagedUuid = await checkpointAndPush('src', [{ id: 2, grp: 'a', qty: 2 }]);
    const onlyNewer = (await blobKeys()).filter((k) => !before.has(k));
    assert.ok(onlyNewer.length > 0, 'checkpoint 2 has a blob of its own');
    damagedBlob = onlyNewer[0]!;
    const client = s3.client();
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: damagedBlob }));
    const data = Buffer.from(await got.Body!.transformToByteArray());
    const at = Math.min(10, data.length - 1);
    data[at] = data[at]! ^ 0x20;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: damagedBlob, Body: data }));
    await m.request('POST', '/v0/pipelines/src/stop?force=true');
    await m.waitFor('src', (p) => p.deployment_status === 'Stopped', 15_000, 'Stopped');
  });

  test('activating a standby fails, naming the damaged checkpoint, rather than run older state', async () => {
    await create('standby', { ...s3.syncConfig(`${BUCKET}/src`), pull_interval: 1 });
    const p = await startAndWait(m, 'standby', 'standby');
    assert.equal(p.deployment_status, 'Standby');
    const deadline = Date.now() + 15_000;
    while (!pipelineLog(m, p).includes(`pulled checkpoint ${olderUuid}`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await m.request('POST', '/v0/pipelines/standby/activate')).status, 202);
    const failed = await m.waitFor('standby', (x) => x.deployment_error !== null, 30_000, 'deployment error');
    const error = failed.deployment_error;
    assert.equal(error.error_code, 'CheckpointFetchError', JSON.stringify(error));
    assert.match(error.message, new RegExp(`Checkpoint ${damagedUuid} in bucket .* is damaged`));
    assert.ok(error.message.includes(damagedBlob.replace(/^src\//, '')), error.message);
    assert.match(error.message, /has SHA-256/);
    assert.ok(!pipelineLog(m, p).includes('pipeline activated'));
    // In standby it may hold the older state, but its log says why.
    assert.match(
      pipelineLog(m, p),
      new RegExp(
        `WARN standby pull: skipped remote checkpoint ${damagedUuid}, using ${olderUuid}: .*is damaged`,
      ),
    );
    await m.request('POST', '/v0/pipelines/standby/stop?force=true');
    await m.waitFor('standby', (x) => x.deployment_status === 'Stopped', 15_000, 'Stopped');
  });

  test('start_from_checkpoint "latest" falls back past the damaged newest and logs which and why', async () => {
    await create('latest', { ...s3.syncConfig(`${BUCKET}/src`), start_from_checkpoint: 'latest' });
    const p = await startAndWait(m, 'latest');
    assert.deepEqual(await queryRows(m, 'latest', SYNC_GROUPS), [{ grp: 'a', n: 1, total: 1 }]);
    const log = pipelineLog(m, p);
    const line = log.split('\n').find((l) => l.includes(`skipped remote checkpoint ${damagedUuid}`));
    assert.ok(line, log);
    assert.match(
      line,
      new RegExp(`WARN start: skipped remote checkpoint ${damagedUuid}, using ${olderUuid}`),
    );
    assert.match(line, /blob \S+ \(file '[^']+'\) has SHA-256 [0-9a-f]{64} instead of [0-9a-f]{64}/);
    assert.match(log, new RegExp(`checkpoint source: bucket \\(checkpoint ${olderUuid}\\)`));
    await m.request('POST', '/v0/pipelines/latest/stop?force=true');
    await m.waitFor('latest', (x) => x.deployment_status === 'Stopped', 15_000, 'Stopped');
  });

  test('a requested sync that fails is written to the log, with its code and no secret', async () => {
    const cases = [
      { name: 'wrongsecret', sync: { ...s3.syncConfig(`${BUCKET}/x`), secret_key: 'wrong-secret-value' } },
      { name: 'gone', sync: { ...s3.syncConfig(`${BUCKET}/y`), endpoint: 'http://127.0.0.1:9' } },
    ];
    const codes = { wrongsecret: 'SyncInvalidCredentials', gone: 'SyncEndpointUnreachable' };
    for (const { name, sync } of cases) {
      if (name === 'wrongsecret' && !s3.checksCredentials) continue;
      await create(name, sync);
      const p = await startAndWait(m, name);
      const { uuid } = await checkpointAndWait(m, name);
      const res = await m.request('POST', `/v0/pipelines/${name}/checkpoint/sync`);
      assert.equal(res.status, 500, res.text);
      const code = codes[name as keyof typeof codes];
      assert.equal(res.body.error_code, code);
      const log = pipelineLog(m, p);
      assert.match(log, new RegExp(`ERROR sync of checkpoint ${uuid} failed: ${code}: `));
      assert.ok(!log.includes('wrong-secret-value'), 'the secret never reaches the log');
      assert.ok(!log.includes(s3.secretKey), 'the secret never reaches the log');
      await m.request('POST', `/v0/pipelines/${name}/stop?force=true`);
    }
  });
});
