import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../../helpers/manager.js';
import { assertError } from '../../helpers/reference.js';

describe('samply_profile', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('POST and GET answer 501 SamplyProfileUnsupported naming the feature; 404 for an unknown pipeline', async () => {
    assert.equal((await m.request('POST', '/v0/pipelines', { name: 'prof', program_code: '' })).status, 201);
    for (const method of ['POST', 'GET'] as const) {
      const res = await m.request(method, '/v0/pipelines/prof/samply_profile?duration_secs=1');
      assertError(res, 501, 'SamplyProfileUnsupported');
      assert.match(res.body.message, /Samply profiling is not supported/);
      assert.deepEqual(res.body.details, { feature: 'samply_profile', pipeline_name: 'prof' });
      assertError(await m.request(method, '/v0/pipelines/nope/samply_profile'), 404, 'UnknownPipelineName');
    }
  });
});
