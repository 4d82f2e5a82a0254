import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSize, resolveSyncSettings, validateSyncConfig } from '../../src/storage/sync-config.js';
import { reference, referenceMissing } from '../helpers/reference.js';

const FULL = {
  bucket: 'my-bucket/pipelines/p1/',
  endpoint: 'http://localhost:9000',
  region: 'eu-west-3',
  provider: 'Minio',
  access_key: 'AKIAEXAMPLE',
  secret_key: 'super-secret-value',
  start_from_checkpoint: '01937F2E-0000-7000-8000-000000000000',
  fail_if_no_checkpoint: true,
  pull_interval: 5,
  push_interval: 60,
  read_bucket: 'seed-bucket',
  retention_min_count: 3,
  retention_min_age: 0,
  transfers: 4,
  upload_concurrency: 2,
  multi_thread_cutoff: '64MiB',
  multi_thread_streams: 3,
  ignore_checksum: true,
  checkers: 7,
  flags: ['--s3-no-check-bucket'],
  standby: true,
};

test('the test config names every SyncConfig field of the reference', { skip: referenceMissing }, () => {
  assert.deepEqual(
    Object.keys(FULL).sort(),
    Object.keys(reference.components.schemas.SyncConfig.properties).sort(),
  );
});

test('every SyncConfig field is accepted and resolved', () => {
  assert.deepEqual(validateSyncConfig(FULL), { ok: true, config: FULL });
  assert.deepEqual(resolveSyncSettings(FULL), {
    location: { bucket: 'my-bucket', prefix: 'pipelines/p1/' },
    readLocation: { bucket: 'seed-bucket', prefix: '' },
    endpoint: 'http://localhost:9000',
    region: 'eu-west-3',
    provider: 'Minio',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'super-secret-value' },
    startFromCheckpoint: '01937f2e-0000-7000-8000-000000000000',
    failIfNoCheckpoint: true,
    pullIntervalSeconds: 5,
    pushIntervalSeconds: 60,
    retentionMinCount: 3,
    retentionMinAgeDays: 0,
    transfers: 4,
    uploadConcurrency: 2,
    multiThreadCutoffBytes: 64 * 1024 * 1024,
    multiThreadStreams: 3,
    checkers: 7,
    ignoreChecksum: true,
    standby: true,
  });
});

test('defaults follow Feldera, AWS gets virtual-hosted addressing, no keys means the AWS chain', () => {
  const s = resolveSyncSettings({ bucket: 'b-1', provider: 'AWS' });
  assert.equal(s.forcePathStyle, false);
  assert.equal(s.region, 'us-east-1');
  assert.equal(s.credentials, null);
  assert.equal(s.startFromCheckpoint, null);
  assert.deepEqual(
    [s.pullIntervalSeconds, s.pushIntervalSeconds, s.retentionMinCount, s.retentionMinAgeDays],
    [10, null, 10, 30],
  );
  assert.deepEqual(
    [s.transfers, s.uploadConcurrency, s.multiThreadStreams, s.checkers, s.multiThreadCutoffBytes],
    [20, 10, 10, 20, 100 * 1024 * 1024],
  );
  assert.equal(resolveSyncSettings({ bucket: 'bkt' }).forcePathStyle, true, 'provider defaults to Other');
  assert.equal(resolveSyncSettings({ bucket: 'bkt', provider: 'Ceph', transfers: 0 }).transfers, 20);
  assert.equal(
    resolveSyncSettings({ bucket: 'bkt', start_from_checkpoint: 'latest' }).startFromCheckpoint,
    'latest',
  );
});

test('rclone sizes', () => {
  assert.equal(parseSize('100M'), 100 * 1024 ** 2);
  assert.equal(parseSize('1G'), 1024 ** 3);
  assert.equal(parseSize('1.5k'), 1536);
  assert.equal(parseSize('2Gi'), 2 * 1024 ** 3);
  assert.equal(parseSize('512KiB'), 512 * 1024);
  assert.equal(parseSize('10'), 10 * 1024, 'a bare number is KiB, as in rclone');
  assert.equal(parseSize('77b'), 77);
  for (const bad of ['', 'M', '-1M', '10X', '1 0M', '10i']) assert.equal(parseSize(bad), null, bad);
});

test('each invalid field is named, and keys are never echoed', () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{}, 'bucket', /bucket is required/],
    [{ bucket: 7 }, 'bucket', /must be a string/],
    [{ bucket: 'a' }, 'bucket', /valid bucket name/],
    [{ bucket: 'bkt//x' }, 'bucket', /empty, '.' or '..' path segment/],
    [{ bucket: 'bkt/../x' }, 'bucket', /path segment/],
    [{ bucket: 'bkt/p', read_bucket: 'bkt/p/' }, 'read_bucket', /different location/],
    [{ bucket: 'bkt', endpoint: 'localhost:9000' }, 'endpoint', /http or https/],
    [{ bucket: 'bkt', endpoint: 'not a url' }, 'endpoint', /must be a URL/],
    [
      { bucket: 'bkt', endpoint: 'http://AKIAEXAMPLE:hunter2@host' },
      'endpoint',
      /must not contain credentials/,
    ],
    [{ bucket: 'bkt', access_key: 'AKIAEXAMPLE' }, 'secret_key', /given together/],
    [{ bucket: 'bkt', secret_key: 'hunter2' }, 'access_key', /given together/],
    [{ bucket: 'bkt', access_key: 5, secret_key: 'hunter2' }, 'access_key', /must be a string/],
    [
      { bucket: 'bkt', start_from_checkpoint: 'newest' },
      'start_from_checkpoint',
      /"latest" or a checkpoint uuid/,
    ],
    [{ bucket: 'bkt', fail_if_no_checkpoint: 'yes' }, 'fail_if_no_checkpoint', /true or false$/],
    // Plain bools and integers of Feldera's SyncConfig (not Options) take no null.
    [{ bucket: 'bkt', standby: null }, 'standby', /true or false$/],
    [
      { bucket: 'bkt', pull_interval: -1 },
      'pull_interval',
      /integer from 0 to 18446744073709551615, got -1$/,
    ],
    [
      { bucket: 'bkt', pull_interval: null },
      'pull_interval',
      /integer from 0 to 18446744073709551615, got null$/,
    ],
    [{ bucket: 'bkt', retention_min_count: 1.5 }, 'retention_min_count', /integer from 0 to 4294967295/],
    [
      { bucket: 'bkt', retention_min_age: null },
      'retention_min_age',
      /integer from 0 to 4294967295, got null/,
    ],
    // Feldera's counts of parallel transfers are u8s.
    [{ bucket: 'bkt', transfers: 300 }, 'transfers', /integer from 0 to 255 or null, got 300$/],
    [{ bucket: 'bkt', checkers: 256 }, 'checkers', /from 0 to 255/],
    [{ bucket: 'bkt', upload_concurrency: 1000 }, 'upload_concurrency', /from 0 to 255/],
    [{ bucket: 'bkt', multi_thread_streams: -1 }, 'multi_thread_streams', /from 0 to 255/],
    [{ bucket: 'bkt', push_interval: 1e30 }, 'push_interval', /from 0 to 18446744073709551615 or null/],
    [{ bucket: 'bkt', transfers: 'hunter2' }, 'transfers', /from 0 to 255 or null$/],
    [{ bucket: 'bkt', multi_thread_cutoff: 'big' }, 'multi_thread_cutoff', /size such as "100M"/],
    [{ bucket: 'bkt', flags: ['--x', 3] }, 'flags', /array of strings/],
    [{ bucket: 'bkt', secret: 'hunter2' }, 'secret', /unknown field 'secret'/],
  ];
  for (const [config, field, message] of cases) {
    const result = validateSyncConfig(config);
    assert.equal(result.ok, false, JSON.stringify(config));
    if (result.ok) continue;
    assert.equal(result.field, field, JSON.stringify(config));
    assert.match(result.message, message);
    assert.doesNotMatch(result.message, /hunter2|AKIAEXAMPLE/);
  }
  assert.equal(validateSyncConfig(null).ok, false);
  assert.throws(() => resolveSyncSettings({ bucket: 'bkt', transfers: -1 }), {
    errorCode: 'InvalidRuntimeConfig',
    details: { field: 'transfers' },
  });
});

test("the edges of Feldera's integer types and its Options are accepted", () => {
  for (const config of [
    { bucket: 'bkt', transfers: 255, checkers: 0, upload_concurrency: null, multi_thread_streams: 255 },
    { bucket: 'bkt', retention_min_count: 4294967295, retention_min_age: 0 },
    // u64::MAX as JSON.parse reads it.
    { bucket: 'bkt', pull_interval: JSON.parse('18446744073709551615'), push_interval: null },
    { bucket: 'bkt', ignore_checksum: null, fail_if_no_checkpoint: false, standby: false },
  ]) {
    assert.deepEqual(validateSyncConfig(config), { ok: true, config }, JSON.stringify(config));
  }
});
