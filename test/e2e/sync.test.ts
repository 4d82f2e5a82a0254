import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  ingestAndWait,
  inserts,
  pipelineLog,
  queryRows,
  startAndWait,
} from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';
import { SYNC_GROUPS, syncRuntimeConfig, useSyncManager } from '../helpers/sync-manager.js';

const BUCKET = 'sluice-e2e';

describe('checkpoint sync to S3 through the manager', () => {
  const { m, s3, create } = useSyncManager(BUCKET);

  async function reconfigure(name: string, sync: object | null) {
    const res = await m.request('PATCH', `/v0/pipelines/${name}`, {
      runtime_config: syncRuntimeConfig(sync),
    });
    assert.equal(res.status, 200, res.text);
  }

  async function stopAndClear(name: string) {
    await m.request('POST', `/v0/pipelines/${name}/stop?force=true`);
    await m.waitFor(name, (p) => p.deployment_status === 'Stopped', 15_000, 'Stopped');
    assert.equal((await m.request('POST', `/v0/pipelines/${name}/clear`)).status, 202);
    await m.waitFor(name, (p) => p.storage_status === 'Cleared', 10_000, 'Cleared');
  }

  async function push(name: string, rows: Array<Record<string, unknown>>) {
    await ingestAndWait(m, name, 'items', inserts(rows));
  }

  async function checkpoint(name: string): Promise<string> {
    return (await checkpointAndWait(m, name)).uuid;
  }

  /** Runs `name` with `sync`, checkpoints it, asserts its requested sync fails (500, `code`), stops it. */
  async function syncFails(name: string, sync: object, code: string) {
    await create(name, sync);
    await startAndWait(m, name);
    await checkpoint(name);
    assertError(await m.request('POST', `/v0/pipelines/${name}/checkpoint/sync`), 500, code);
    await m.request('POST', `/v0/pipelines/${name}/stop?force=true`);
  }

  test('the whole story: checkpoint, sync, clear, start from latest and from a uuid', async () => {
    const sync = s3.syncConfig(`${BUCKET}/story`);
    await create('story', sync);
    const p = await startAndWait(m, 'story');
    await push('story', [
      { id: 1, grp: 'a', qty: 10 },
      { id: 2, grp: 'b', qty: 20 },
    ]);
    const none = await m.request('POST', '/v0/pipelines/story/checkpoint/sync');
    assertError(none, 404, 'NoCheckpoint');
    assert.match(none.body.message, /POST .*\/checkpoint/);

    const first = await checkpoint('story');
    const synced = await m.request('POST', '/v0/pipelines/story/checkpoint/sync');
    assert.equal(synced.status, 200, synced.text);
    assert.equal(synced.body.checkpoint_uuid, first);
    assert.equal(typeof synced.body.checkpoint_sequence_number, 'number');
    const stats = await m.request('GET', '/v0/pipelines/story/stats');
    assert.equal(synced.body.incarnation_uuid, stats.body.global_metrics.incarnation_uuid);
    const status = await m.request('GET', '/v0/pipelines/story/checkpoint/sync_status');
    assert.equal(status.status, 200);
    assert.deepEqual(
      { success: status.body.success, failure: status.body.failure, periodic: status.body.periodic },
      { success: first, failure: null, periodic: null },
    );
    assertError(
      await m.request('GET', '/v0/pipelines/story/checkpoint/sync_status?incarnation_uuid=nope'),
      400,
      'IncarnationUuidMismatch',
    );

    // Syncing what is already there uploads nothing; two syncs at once both succeed.
    const [again, twice] = await Promise.all([
      m.request('POST', '/v0/pipelines/story/checkpoint/sync'),
      m.request('POST', '/v0/pipelines/story/checkpoint/sync'),
    ]);
    assert.equal(again.status, 200);
    assert.equal(twice.status, 200);
    assert.match(
      pipelineLog(m, p),
      new RegExp(`checkpoint ${first} synced: 0 file\\(s\\), 0 bytes uploaded`),
    );

    await push('story', [{ id: 3, grp: 'a', qty: 5 }]);
    const second = await checkpoint('story');
    assert.equal((await m.request('POST', '/v0/pipelines/story/checkpoint/sync')).status, 200);
    const remote = await m.request('GET', '/v0/pipelines/story/checkpoints/remote');
    assert.equal(remote.status, 200);
    assert.deepEqual(
      remote.body.map((c: { uuid: string }) => c.uuid),
      [first, second],
    );

    // Lose the disk, then start from the object store.
    await stopAndClear('story');
    await reconfigure('story', { ...sync, start_from_checkpoint: 'latest' });
    const restored = await startAndWait(m, 'story');
    assert.deepEqual(await queryRows(m, 'story', SYNC_GROUPS), [
      { grp: 'a', n: 2, total: 15 },
      { grp: 'b', n: 1, total: 20 },
    ]);
    assert.match(pipelineLog(m, restored), /checkpoint source: bucket/);
    assert.match(pipelineLog(m, restored), /checkpoint pulled successfully/);

    await stopAndClear('story');
    await reconfigure('story', { ...sync, start_from_checkpoint: first });
    await startAndWait(m, 'story');
    assert.deepEqual(await queryRows(m, 'story', SYNC_GROUPS), [
      { grp: 'a', n: 1, total: 10 },
      { grp: 'b', n: 1, total: 20 },
    ]);
    await m.request('POST', '/v0/pipelines/story/stop?force=true');
  });

  test('every error status of the sync endpoint, provoked for real', async () => {
    assertError(await m.request('POST', '/v0/pipelines/missing/checkpoint/sync'), 404, 'UnknownPipelineName');

    await create('nosync', null);
    await startAndWait(m, 'nosync');
    assertError(await m.request('POST', '/v0/pipelines/nosync/checkpoint/sync'), 400, 'SyncNotConfigured');
    await m.request('POST', '/v0/pipelines/nosync/stop?force=true');
    await m.waitFor('nosync', (p) => p.deployment_status === 'Stopped', 15_000, 'Stopped');
    assertError(
      await m.request('POST', '/v0/pipelines/nosync/checkpoint/sync'),
      503,
      'PipelineInteractionNotDeployed',
    );

    await create('badcreds', { ...s3.syncConfig(`${BUCKET}/badcreds`), secret_key: 'wrong-secret-value' });
    await startAndWait(m, 'badcreds');
    await checkpoint('badcreds');
    const creds = await m.request('POST', '/v0/pipelines/badcreds/checkpoint/sync');
    assertError(creds, 500, 'SyncInvalidCredentials');
    assert.match(creds.body.message, /SignatureDoesNotMatch|InvalidAccessKeyId/);
    assert.ok(!creds.text.includes('wrong-secret-value'));
    assert.ok(!creds.text.includes(s3.secretKey));
    const failed = await m.request('GET', '/v0/pipelines/badcreds/checkpoint/sync_status');
    assert.ok(failed.body.failure);
    assert.ok(!failed.text.includes('wrong-secret-value'));
    const logText = pipelineLog(m, (await m.request('GET', '/v0/pipelines/badcreds')).body);
    assert.ok(!logText.includes('wrong-secret-value'), 'the secret never reaches the log');
    await m.request('POST', '/v0/pipelines/badcreds/stop?force=true');

    await syncFails('nobucket', s3.syncConfig('no-such-bucket-here/x'), 'SyncBucketNotFound');
    await syncFails(
      'unreachable',
      { ...s3.syncConfig(`${BUCKET}/x`), endpoint: 'http://127.0.0.1:9' },
      'SyncEndpointUnreachable',
    );
    // Ownership: another pipeline cannot write into story's location.
    await syncFails('intruder', s3.syncConfig(`${BUCKET}/story`), 'SyncOwnershipConflict');
  });

  test('push_interval syncs automatically and reports it as periodic', async () => {
    await create('periodic', { ...s3.syncConfig(`${BUCKET}/periodic`), push_interval: 1 });
    await startAndWait(m, 'periodic');
    await push('periodic', [{ id: 1, grp: 'p', qty: 1 }]);
    const uuid = await checkpoint('periodic');
    const deadline = Date.now() + 15_000;
    let status: { periodic: string | null; success: string | null } = { periodic: null, success: null };
    while (Date.now() < deadline) {
      status = (await m.request('GET', '/v0/pipelines/periodic/checkpoint/sync_status')).body;
      if (status.periodic === uuid) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status.periodic, uuid);
    assert.equal(status.success, null, 'success is for requested syncs only');
    const wire = (await m.request('GET', '/v0/pipelines/periodic/checkpoint/sync_status')).body;
    assert.deepEqual(wire.running, [], 'running lists pushes under way: none now');
    const metrics = await m.request('GET', '/v0/pipelines/periodic/metrics');
    assert.match(metrics.text, /checkpoint_sync_push_success_total 1\n/);
    assert.match(metrics.text, /checkpoint_sync_push_transferred_bytes_count 1\n/);
    await m.request('POST', '/v0/pipelines/periodic/stop?force=true');
  });

  test('standby pulls the newest checkpoint; activate runs from it', async () => {
    const source = s3.syncConfig(`${BUCKET}/primary`);
    await create('primary', source);
    await startAndWait(m, 'primary');
    await push('primary', [{ id: 1, grp: 's', qty: 1 }]);
    await checkpoint('primary');
    assert.equal((await m.request('POST', '/v0/pipelines/primary/checkpoint/sync')).status, 200);

    await create('standby', { ...source, pull_interval: 1 });
    const p = await startAndWait(m, 'standby', 'standby');
    assert.equal(p.deployment_status, 'Standby');
    // The primary moves on; the standby follows.
    await push('primary', [{ id: 2, grp: 's', qty: 2 }]);
    const newest = await checkpoint('primary');
    assert.equal((await m.request('POST', '/v0/pipelines/primary/checkpoint/sync')).status, 200);
    const deadline = Date.now() + 15_000;
    while (
      !pipelineLog(m, p).includes(`standby pull: pulled checkpoint ${newest} from bucket`) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(pipelineLog(m, p), new RegExp(`standby pull: pulled checkpoint ${newest} from bucket`));
    assertError(
      await m.request('POST', '/v0/pipelines/standby/ingress/items?format=json', '{}'),
      503,
      'PipelineInteractionNotDeployed',
    );
    assert.equal((await m.request('POST', '/v0/pipelines/standby/activate')).status, 202);
    await m.waitFor('standby', (x) => x.deployment_status === 'Running', 30_000, 'Running after activate');
    assert.deepEqual(await queryRows(m, 'standby', SYNC_GROUPS), [{ grp: 's', n: 2, total: 3 }]);
    await m.request('POST', '/v0/pipelines/primary/stop?force=true');
    // Active once, with its storage: a standby start now resumes without standby.
    await m.request('POST', '/v0/pipelines/standby/stop?force=true');
    await m.waitFor('standby', (x) => x.deployment_status === 'Stopped', 15_000, 'Stopped');
    await m.request('POST', '/v0/pipelines/standby/start?initial=standby');
    await m.waitFor('standby', (x) => x.deployment_status === 'Running', 30_000, 'Running without standby');
    await m.request('POST', '/v0/pipelines/standby/stop?force=true');
  });

  test('activate pulls the newest checkpoint first, even between standby pulls', async () => {
    const source = s3.syncConfig(`${BUCKET}/lead`);
    await create('lead', source);
    await startAndWait(m, 'lead');
    await push('lead', [{ id: 1, grp: 'l', qty: 1 }]);
    const first = await checkpoint('lead');
    assert.equal((await m.request('POST', '/v0/pipelines/lead/checkpoint/sync')).status, 200);

    // One pull at standby start, then none for an hour.
    await create('follower', { ...source, pull_interval: 3600 });
    const p = await startAndWait(m, 'follower', 'standby');
    const deadline = Date.now() + 15_000;
    while (!pipelineLog(m, p).includes(`pulled checkpoint ${first}`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await push('lead', [{ id: 2, grp: 'l', qty: 2 }]);
    const newest = await checkpoint('lead');
    assert.equal((await m.request('POST', '/v0/pipelines/lead/checkpoint/sync')).status, 200);
    assert.equal((await m.request('POST', '/v0/pipelines/follower/activate')).status, 202);
    await m.waitFor('follower', (x) => x.deployment_status === 'Running', 30_000, 'Running after activate');
    assert.match(pipelineLog(m, p), new RegExp(`activation pull: pulled checkpoint ${newest} from bucket`));
    assert.match(pipelineLog(m, p), /INFO pipeline activated\n/);
    const metrics = (await m.request('GET', '/v0/pipelines/follower/metrics?format=json')).body as Array<{
      key: string;
      values: Array<{ value: number }>;
    }>;
    const value = (key: string) => metrics.find((x) => x.key === key)?.values[0]?.value;
    assert.equal(value('checkpoint_sync_pull_success_total'), 2, 'the standby pull and the activation pull');
    assert.equal(value('checkpoint_sync_pull_failures_total'), 0);
    assert.deepEqual(await queryRows(m, 'follower', SYNC_GROUPS), [{ grp: 'l', n: 2, total: 3 }]);
    await m.request('POST', '/v0/pipelines/follower/stop?force=true');
    await m.request('POST', '/v0/pipelines/lead/stop?force=true');
  });

  test('a standby follows read_bucket while bucket is empty, then bucket', async () => {
    const seed = s3.syncConfig(`${BUCKET}/seed-src`);
    await create('seedsrc', seed);
    await startAndWait(m, 'seedsrc');
    await push('seedsrc', [{ id: 1, grp: 'r', qty: 1 }]);
    const seeded = await checkpoint('seedsrc');
    assert.equal((await m.request('POST', '/v0/pipelines/seedsrc/checkpoint/sync')).status, 200);

    const own = s3.syncConfig(`${BUCKET}/seed-own`);
    await create('seedstandby', { ...own, read_bucket: seed.bucket, pull_interval: 1 });
    const p = await startAndWait(m, 'seedstandby', 'standby');
    const waitLog = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!pipelineLog(m, p).includes(text) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(pipelineLog(m, p).includes(text), `log has: ${text}`);
    };
    await waitLog(`pulled checkpoint ${seeded} from read_bucket`);

    // Another pipeline now writes to the standby's own bucket: the standby moves there.
    await create('ownwriter', own);
    await startAndWait(m, 'ownwriter');
    await push('ownwriter', [
      { id: 5, grp: 'o', qty: 5 },
      { id: 6, grp: 'o', qty: 6 },
    ]);
    const ownCheckpoint = await checkpoint('ownwriter');
    assert.equal((await m.request('POST', '/v0/pipelines/ownwriter/checkpoint/sync')).status, 200);
    await waitLog(`pulled checkpoint ${ownCheckpoint} from bucket`);
    assert.equal((await m.request('POST', '/v0/pipelines/seedstandby/activate')).status, 202);
    await m.waitFor('seedstandby', (x) => x.deployment_status === 'Running', 30_000, 'Running');
    assert.deepEqual(await queryRows(m, 'seedstandby', SYNC_GROUPS), [{ grp: 'o', n: 2, total: 11 }]);
    for (const name of ['seedstandby', 'ownwriter', 'seedsrc'])
      await m.request('POST', `/v0/pipelines/${name}/stop?force=true`);
  });

  test('a store that cannot be read fails the start; fail_if_no_checkpoint names the stores', async () => {
    await create('deadstore', {
      ...s3.syncConfig(`${BUCKET}/dead`),
      endpoint: 'http://127.0.0.1:9',
      start_from_checkpoint: 'latest',
    });
    assert.equal((await m.request('POST', '/v0/pipelines/deadstore/start')).status, 202);
    const dead = await m.waitFor('deadstore', (x) => x.deployment_error !== null, 60_000, 'deployment error');
    assert.equal(
      dead.deployment_error.error_code,
      'CheckpointFetchError',
      JSON.stringify(dead.deployment_error),
    );
    assert.match(dead.deployment_error.message, /bucket could not be read/);

    await create('nocheckpoint', {
      ...s3.syncConfig(`${BUCKET}/never-written`),
      start_from_checkpoint: 'latest',
      fail_if_no_checkpoint: true,
    });
    assert.equal((await m.request('POST', '/v0/pipelines/nocheckpoint/start')).status, 202);
    const none = await m.waitFor(
      'nocheckpoint',
      (x) => x.deployment_error !== null,
      30_000,
      'deployment error',
    );
    assert.equal(none.deployment_error.error_code, 'CheckpointFetchError');
    assert.match(none.deployment_error.message, /checkpoint not found: .*local .*bucket .*never-written/);
  });

  test('the deprecated `standby: true` makes a plain /start a standby start', async () => {
    await create('legacy', { ...s3.syncConfig(`${BUCKET}/primary`), standby: true, pull_interval: 1 });
    assert.equal((await m.request('POST', '/v0/pipelines/legacy/start')).status, 202);
    const p = await m.waitFor('legacy', (x) => x.deployment_status === 'Standby', 30_000, 'Standby');
    assert.equal(p.deployment_desired_status, 'Standby');
    await m.request('POST', '/v0/pipelines/legacy/stop?force=true');
  });

  test('read_bucket seeds a new pipeline and is never written', async () => {
    const seedSource = s3.syncConfig(`${BUCKET}/story`);
    await create('seeded', {
      ...s3.syncConfig(`${BUCKET}/seeded`),
      read_bucket: seedSource.bucket,
      start_from_checkpoint: 'latest',
    });
    const p = await startAndWait(m, 'seeded');
    assert.match(pipelineLog(m, p), /checkpoint source: read_bucket/);
    assert.equal((await queryRows(m, 'seeded', SYNC_GROUPS)).length, 2);
    await push('seeded', [{ id: 9, grp: 'z', qty: 9 }]);
    await checkpoint('seeded');
    assert.equal((await m.request('POST', '/v0/pipelines/seeded/checkpoint/sync')).status, 200);
    const storyRemote = (await m.request('GET', '/v0/pipelines/story/checkpoints/remote')).status;
    assert.ok(storyRemote === 503 || storyRemote === 200);
    const seededRemote = await m.request('GET', '/v0/pipelines/seeded/checkpoints/remote');
    assert.equal(seededRemote.body.length, 1, 'the push went to bucket, not read_bucket');
    await m.request('POST', '/v0/pipelines/seeded/stop?force=true');
  });

  test('with auth on, sync needs a credential', async () => {
    const authed = await startTestManager({
      auth: { enabled: true, jwksSource: null, jwtIssuer: null, jwtAudience: null, oidcClientId: null },
    });
    try {
      const res = await authed.request('POST', '/v0/pipelines/story/checkpoint/sync');
      assertError(res, 401, 'Unauthorized');
    } finally {
      await authed.close();
    }
  });
});
