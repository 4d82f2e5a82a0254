/**
 * Issue 9, items 5 and 6: the pipeline object's fields as Feldera 0.312 returns them, and
 * Feldera's error codes for refused starts and edits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../../helpers/manager.js';
import { checkpointAndWait, startAndWait, stopAndWait } from '../../helpers/pipeline.js';
import { assertError } from '../../helpers/reference.js';

describe('pipeline object fields and start/edit error codes', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    for (const [name, program_code] of [
      ['obj', SIMPLE_PROGRAM],
      ['broken', 'CREATE TABLE t (id INT);\nCREATE VIEW v AS SELEC id FROM t;'],
    ]) {
      const res = await m.request('POST', '/v0/pipelines', {
        name,
        program_code,
        runtime_config: { storage: {} },
      });
      assert.equal(res.status, 201, res.text);
    }
    await m.waitFor('obj', (p) => p.program_status === 'Success', 20_000, 'compiled');
    await m.waitFor('broken', (p) => p.program_status === 'SqlError', 20_000, 'SqlError');
  });
  after(async () => {
    await m.close();
  });

  test('bootstrap_policy and silent_bootstrap under both selectors; refresh_version 3 after the first compile', async () => {
    for (const selector of ['all', 'status']) {
      const p = (await m.request('GET', `/v0/pipelines/obj?selector=${selector}`)).body;
      assert.equal(p.bootstrap_policy, null, selector);
      assert.equal(p.silent_bootstrap, null, selector);
    }
    const status = (await m.request('GET', '/v0/pipelines/obj?selector=status')).body;
    for (const field of ['program_code', 'program_config', 'runtime_config', 'program_error', 'program_info'])
      assert.ok(!(field in status), `selector=status leaves out ${field}`);
    assert.equal((await m.request('GET', '/v0/pipelines/obj')).body.refresh_version, 3);
  });

  test('/start with a failed compile: CannotStartWithCompilationError', async () => {
    assertError(
      await m.request('POST', '/v0/pipelines/broken/start'),
      400,
      'CannotStartWithCompilationError',
    );
  });

  test('initial=standby without a sync configuration: InitialStandbyNotAllowed', async () => {
    assertError(
      await m.request('POST', '/v0/pipelines/obj/start?initial=standby'),
      400,
      'InitialStandbyNotAllowed',
    );
    assert.equal((await m.request('GET', '/v0/pipelines/obj')).body.deployment_desired_status, 'Stopped');
  });

  test('a second /start must ask for the same initial and bootstrap_policy', async () => {
    assertError(
      await m.request('POST', '/v0/pipelines/obj/start?bootstrap_policy=sometimes'),
      400,
      'InvalidRequest',
    );
    await startAndWait(m, 'obj');
    const p = (await m.request('GET', '/v0/pipelines/obj?selector=status')).body;
    assert.equal(p.bootstrap_policy, 'await_approval');
    assert.equal(p.silent_bootstrap, false);
    assert.equal((await m.request('POST', '/v0/pipelines/obj/start')).status, 202, 'the same start again');
    assertError(
      await m.request('POST', '/v0/pipelines/obj/start?initial=paused'),
      400,
      'InitialImmutableUnlessStopped',
    );
    assertError(
      await m.request('POST', '/v0/pipelines/obj/start?bootstrap_policy=allow'),
      400,
      'BootstrapPolicyImmutableUnlessStopped',
    );
    assert.equal(
      (await m.request('GET', '/v0/pipelines/obj')).body.storage_status_details.checkpoints.length,
      0,
    );
    await checkpointAndWait(m, 'obj');
  });

  test('stopped with storage in use: storage_status_details lists the checkpoints; storage-bound edits refused', async () => {
    await stopAndWait(m, 'obj', false);
    const p = (await m.request('GET', '/v0/pipelines/obj')).body;
    assert.equal(p.storage_status, 'InUse');
    assert.equal(p.bootstrap_policy, null);
    assert.ok(p.storage_status_details.checkpoints.length >= 1, JSON.stringify(p.storage_status_details));
    assert.equal(typeof p.storage_status_details.checkpoints[0].uuid, 'string');
    assert.equal(p.refresh_version, 3, 'starting and stopping do not move it');

    const config = { ...p.runtime_config, workers: 2 };
    const refused = await m.request('PATCH', '/v0/pipelines/obj', { runtime_config: config });
    assertError(refused, 400, 'EditRestrictedToClearedStorage');
    assert.deepEqual(refused.body.details, { not_allowed: ['`runtime_config.workers`'] });
    // The journal of acknowledged input belongs to the model that wrote it.
    const model = p.runtime_config.fault_tolerance.model === 'none' ? 'at_least_once' : 'none';
    const otherModel = {
      ...p.runtime_config,
      fault_tolerance: { ...p.runtime_config.fault_tolerance, model },
    };
    const remodeled = await m.request('PATCH', '/v0/pipelines/obj', { runtime_config: otherModel });
    assertError(remodeled, 400, 'EditRestrictedToClearedStorage');
    assert.deepEqual(remodeled.body.details, { not_allowed: ['`runtime_config.fault_tolerance`'] });
    const sameModelReordered = {
      ...p.runtime_config,
      fault_tolerance: Object.fromEntries(Object.entries(p.runtime_config.fault_tolerance).reverse()),
    };
    const unchanged = await m.request('PATCH', '/v0/pipelines/obj', { runtime_config: sameModelReordered });
    assert.equal(unchanged.status, 200, unchanged.text);
    const inNamespace = {
      ...p.runtime_config,
      resources: { ...p.runtime_config.resources, namespace: 'example' },
    };
    const moved = await m.request('PUT', '/v0/pipelines/obj', {
      name: 'obj',
      program_code: p.program_code,
      runtime_config: inNamespace,
    });
    assertError(moved, 400, 'EditRestrictedToClearedStorage');
    assert.deepEqual(moved.body.details, { not_allowed: ['`runtime_config.resources.namespace`'] });
    assert.match(
      moved.body.message,
      /not allowed while storage is not cleared: `runtime_config.resources.namespace`/,
    );
    assert.equal((await m.request('GET', '/v0/pipelines/obj')).body.runtime_config.resources.namespace, null);
    const described = await m.request('PATCH', '/v0/pipelines/obj', { description: 'still editable' });
    assert.equal(described.status, 200, described.text);
    assertError(
      await m.request('PATCH', '/v0/pipelines/obj', { runtime_config: { workers: 0 } }),
      400,
      'InvalidRuntimeConfig',
    );
    assertError(
      await m.request('PATCH', '/v0/pipelines/obj', { program_config: { profile: 42 } }),
      400,
      'InvalidProgramConfig',
    );
    assert.equal((await m.request('POST', '/v0/pipelines/obj/clear')).status, 202);
    await m.waitFor('obj', (x) => x.storage_status === 'Cleared', 10_000, 'Cleared');
    assert.equal((await m.request('GET', '/v0/pipelines/obj')).body.storage_status_details, null);
    const edited = await m.request('PATCH', '/v0/pipelines/obj', { runtime_config: config });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.body.runtime_config.workers, 2);
    const namespaced = await m.request('PATCH', '/v0/pipelines/obj', {
      runtime_config: { ...edited.body.runtime_config, resources: inNamespace.resources },
    });
    assert.equal(namespaced.status, 200, namespaced.text);
    assert.equal(namespaced.body.runtime_config.resources.namespace, 'example');
  });
});
