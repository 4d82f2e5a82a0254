/**
 * Runtime-config values that Feldera 0.312's types refuse (its manager deserializes the body
 * into `feldera_types::config::RuntimeConfig` and answers `InvalidRuntimeConfig`) are refused
 * at POST, PUT and PATCH over real HTTP, with one message naming the field and its allowed
 * range (no list of union branches); the pipeline already stored is left as it was. Values
 * at the edges of each Rust type, nulls where Feldera has an `Option`, and `memory_mb_min`
 * above `memory_mb_max` (Feldera's types do not compare them) are accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../../helpers/manager.js';
import { assertError } from '../../helpers/reference.js';

const U64_MAX = '18446744073709551615';
const sync = (extra: Record<string, unknown>) => ({
  storage: { backend: { name: 'file', config: { sync: { bucket: 'bkt', ...extra } } } },
});

/** A runtime config Feldera refuses, the field the message must name, and the rest of it. */
const REFUSED: Array<[Record<string, unknown>, string, RegExp]> = [
  [
    { storage: { min_storage_bytes: 1e30 } },
    'storage.min_storage_bytes',
    new RegExp(`from 0 to ${U64_MAX} or null, got 1e\\+30$`),
  ],
  [{ storage: { cache_mib: -1 } }, 'storage.cache_mib', new RegExp(`from 0 to ${U64_MAX} or null, got -1$`)],
  [
    sync({ pull_interval: null }),
    'storage.backend.config.sync.pull_interval',
    new RegExp(`from 0 to ${U64_MAX}, got null$`),
  ],
  [sync({ transfers: 300 }), 'storage.backend.config.sync.transfers', /from 0 to 255 or null, got 300$/],
  [sync({ checkers: 256 }), 'storage.backend.config.sync.checkers', /from 0 to 255 or null, got 256$/],
  [sync({ standby: null }), 'storage.backend.config.sync.standby', /must be true or false$/],
  [
    sync({ retention_min_count: -1 }),
    'storage.backend.config.sync.retention_min_count',
    /from 0 to 4294967295, got -1$/,
  ],
  [{ workers: 70_000 }, 'workers', /must be an integer from 0 to 65535, got 70000$/],
  [{ workers: 2.5 }, 'workers', /must be an integer from 0 to 65535, got 2.5$/],
  [{ hosts: -1 }, 'hosts', new RegExp(`from 0 to ${U64_MAX}, got -1$`)],
  [
    { resources: { memory_mb_max: -1 } },
    'resources.memory_mb_max',
    new RegExp(`must be an integer from 0 to ${U64_MAX} or null, got -1$`),
  ],
  [
    { max_rss_mb: 1e20 },
    'max_rss_mb',
    new RegExp(`from 0 to ${U64_MAX} or null, got 100000000000000000000$`),
  ],
  [
    { fault_tolerance: { checkpoint_interval_secs: -5 } },
    'fault_tolerance.checkpoint_interval_secs',
    /or null, got -5$/,
  ],
  [{ pin_cpus: [0, -1] }, 'pin_cpus[1]', new RegExp(`from 0 to ${U64_MAX}, got -1$`)],
  [
    { storage: { compression: null } },
    'storage.compression',
    /must be 'default', 'none' or 'snappy', got null$/,
  ],
  [
    { fault_tolerance: 'whenever' },
    'fault_tolerance',
    /must be an object, 'initial_state', 'latest_checkpoint' or null$/,
  ],
  [
    { storage: { backend: { name: 'file', config: { ioop_delay: -3 } } } },
    'storage.backend.config.ioop_delay',
    /or null, got -3$/,
  ],
];

function assertRefused(
  res: { status: number; body: { message: string } },
  field: string,
  rest: RegExp,
): void {
  assertError(res, 400, 'InvalidRuntimeConfig');
  const { message } = res.body;
  assert.ok(message.startsWith(`Invalid runtime_config.${field}: `), message);
  assert.match(message, rest);
  assert.doesNotMatch(message, /anyOf|must match a schema|must be null,/);
  assert.equal(message.split(';').length, 1, `one problem reported: ${message}`);
}

describe("runtime_config values outside Feldera's types", () => {
  let m: TestManager;
  let stored: Record<string, unknown>;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'kept', program_code: SIMPLE_PROGRAM });
    assert.equal(res.status, 201, res.text);
    stored = res.body.runtime_config;
  });
  after(async () => {
    await m.close();
  });

  test('refused at POST, PUT and PATCH with the field and its range named', async () => {
    for (const [runtime_config, field, rest] of REFUSED) {
      const body = { name: 'fresh', program_code: SIMPLE_PROGRAM, runtime_config };
      assertRefused(await m.request('POST', '/v0/pipelines', body), field, rest);
      assertRefused(await m.request('PUT', '/v0/pipelines/fresh', body), field, rest);
      assertRefused(await m.request('PUT', '/v0/pipelines/kept', { ...body, name: 'kept' }), field, rest);
      assertRefused(await m.request('PATCH', '/v0/pipelines/kept', { runtime_config }), field, rest);
    }
    assert.equal((await m.request('GET', '/v0/pipelines/fresh')).status, 404);
    const kept = await m.request('GET', '/v0/pipelines/kept');
    assert.deepEqual(kept.body.runtime_config, stored, 'nothing already accepted was changed');
  });

  test('several bad fields are each named once', async () => {
    const res = await m.request('PATCH', '/v0/pipelines/kept', {
      runtime_config: { workers: 70_000, resources: { memory_mb_min: -1 } },
    });
    assertError(res, 400, 'InvalidRuntimeConfig');
    assert.deepEqual(
      res.body.details.errors.map((e: { field: string }) => e.field),
      ['runtime_config.workers', 'runtime_config.resources.memory_mb_min'],
    );
    assert.match(
      res.body.message,
      /^Invalid runtime_config\.workers: .*; runtime_config\.resources\.memory_mb_min: /,
    );
  });

  test("the edges of each type, Feldera's nulls, and memory_mb_min above memory_mb_max are accepted", async () => {
    const accepted: Record<string, unknown>[] = [
      { workers: 65_535 },
      // u64::MAX as JSON (JSON.parse reads it as 2^64, the nearest double).
      JSON.parse(`{"storage": {"min_storage_bytes": ${U64_MAX}, "cache_mib": null}}`),
      sync({
        transfers: 255,
        checkers: null,
        push_interval: null,
        ignore_checksum: null,
        retention_min_count: 4294967295,
      }),
      // Feldera's ResourceConfig is plain Option<u64>s: nothing compares min with max.
      { resources: { memory_mb_min: 4096, memory_mb_max: 1024 } },
    ];
    for (const runtime_config of accepted) {
      const res = await m.request('PATCH', '/v0/pipelines/kept', { runtime_config });
      assert.equal(res.status, 200, `${JSON.stringify(runtime_config)}: ${res.text}`);
    }
    const p = (await m.request('GET', '/v0/pipelines/kept')).body;
    assert.deepEqual(
      [p.runtime_config.resources.memory_mb_min, p.runtime_config.resources.memory_mb_max],
      [4096, 1024],
    );
  });
});
