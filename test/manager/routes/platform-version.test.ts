/**
 * `POST /update_runtime` and `POST /testing?set_platform_version=` (Feldera 0.312, as its
 * test_update_runtime drives them): a pipeline keeps the platform version it was compiled
 * with across starts; update_runtime (stopped only) and a program edit recompile it with the
 * manager's version; the testing endpoint is 405 unless FELDERA_UNSTABLE_FEATURES has "testing".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PLATFORM_VERSION } from '../../../src/manager/version.js';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../../helpers/manager.js';
import { startAndWait, stopAndWait } from '../../helpers/pipeline.js';
import { assertError } from '../../helpers/reference.js';

describe('platform version endpoints', () => {
  let m: TestManager;
  const base = '/v0/pipelines/pv';
  const version = async () => (await m.request('GET', base)).body.platform_version as string;

  before(async () => {
    const saved = process.env.FELDERA_UNSTABLE_FEATURES;
    process.env.FELDERA_UNSTABLE_FEATURES = 'runtime_version, testing';
    try {
      m = await startTestManager();
    } finally {
      if (saved === undefined) delete process.env.FELDERA_UNSTABLE_FEATURES;
      else process.env.FELDERA_UNSTABLE_FEATURES = saved;
    }
    await m.request('POST', '/v0/pipelines', { name: 'pv', program_code: SIMPLE_PROGRAM });
    await m.waitFor('pv', (p) => p.program_status === 'Success', 15_000, 'compiled');
  });
  after(async () => {
    await m.close();
  });

  test('a forced old version survives a start; update_runtime refuses while running, then recompiles', async () => {
    assert.equal(await version(), PLATFORM_VERSION);
    assert.equal((await m.request('POST', `${base}/testing?set_platform_version=0.0.1`)).status, 200);
    assert.equal(await version(), '0.0.1');
    await startAndWait(m, 'pv');
    assert.equal(await version(), '0.0.1', 'starting does not recompile');
    assertError(await m.request('POST', `${base}/update_runtime`), 400, 'UpdateRestrictedToStopped');
    await stopAndWait(m, 'pv', true);
    const updated = await m.request('POST', `${base}/update_runtime`);
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.platform_version, PLATFORM_VERSION);
    await m.waitFor('pv', (p) => p.program_status === 'Success', 15_000, 'recompiled');
    const again = (await m.request('POST', `${base}/update_runtime`)).body;
    assert.equal(again.program_status, 'Success', 'already current: a no-op');
  });

  test('editing the program recompiles it with this platform version', async () => {
    await m.request('POST', `${base}/testing?set_platform_version=0.0.1`);
    await m.request('PATCH', base, { program_code: `${SIMPLE_PROGRAM}\nCREATE VIEW v2 AS SELECT 1 AS one;` });
    assert.equal(await version(), PLATFORM_VERSION);
  });

  test('the testing endpoint is off by default (405), and 404 for an unknown pipeline', async () => {
    assertError(
      await m.request('POST', '/v0/pipelines/nope/testing?set_platform_version=1'),
      404,
      'UnknownPipelineName',
    );
    const plain = await startTestManager();
    try {
      assertError(
        await plain.request('POST', '/v0/pipelines/x/testing?set_platform_version=1'),
        405,
        'UnstableFeatureDisabled',
      );
    } finally {
      await plain.close();
    }
  });
});
