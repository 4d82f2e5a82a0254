/**
 * `POST /samply_profile` and `GET /samply_profile` through a real manager to a real pipeline
 * process: the profile is a gzipped Firefox Profiler profile of that process, holding samples
 * in the engine's own functions; `latest=true` while a collection runs, one collection at a
 * time, the errors before any profile and for bad input, steps and ingress going on during a
 * collection, and the last profile kept in the pipeline's directory across a new collection
 * and a restart.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { assertProcessedProfile, functionsOf, sampledStacks } from '../helpers/firefox-profile.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  createAndCompile,
  ingestAndWait,
  inserts,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const PROGRAM = `
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n, SUM(id) AS s FROM t GROUP BY grp;
`;
const PATH = '/v0/pipelines/samply/samply_profile';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getProfile(m: TestManager, query = '') {
  const res = await fetch(`${m.url}${PATH}${query}`);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Polls `GET ?latest=true` until the running collection's profile is there. */
async function waitForLatest(m: TestManager): Promise<{ res: Response; bytes: Buffer }> {
  for (let i = 0; i < 150; i++) {
    const got = await getProfile(m, '?latest=true');
    if (got.res.status !== 204) return got;
    await sleep(100);
  }
  throw new Error('the collection never ended');
}

describe('samply_profile', () => {
  let m: TestManager;
  let pipelineId: string;
  let first: Buffer;
  before(async () => {
    m = await startTestManager();
    pipelineId = (await createAndCompile(m, 'samply', PROGRAM)).id;
    await startAndWait(m, 'samply');
  });
  after(async () => {
    await m.close();
  });

  test('404 for an unknown pipeline, 400 NoSamplyProfile before any profile, 400 for bad parameters', async () => {
    for (const method of ['POST', 'GET']) {
      assertError(await m.request(method, '/v0/pipelines/nope/samply_profile'), 404, 'UnknownPipelineName');
    }
    for (const query of ['', '?latest=true']) {
      const res = await m.request('GET', `${PATH}${query}`);
      assertError(res, 400, 'NoSamplyProfile');
      assert.match(res.body.message, /POST request to `\/samply_profile`/);
    }
    for (const query of ['duration_secs=-1', 'duration_secs=abc', 'duration_secs=86401', 'ordinal=1']) {
      assertError(await m.request('POST', `${PATH}?${query}`), 400, 'InvalidRequest');
    }
    assertError(await m.request('GET', PATH), 400, 'NoSamplyProfile');
  });

  test('POST then GET: a gzipped profile with samples in the engine; latest=true, one at a time, steps go on', async () => {
    const start = await m.request('POST', `${PATH}?duration_secs=2`);
    assert.equal(start.status, 202, start.text);
    assert.equal(start.text, '');
    const again = await m.request('POST', `${PATH}?duration_secs=2`);
    assertError(again, 409, 'SamplyProfilingInProgress');

    const running = await getProfile(m, '?latest=true');
    assert.equal(running.res.status, 204);
    const retryAfter = Number(running.res.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 0 && retryAfter <= 2,
      `Retry-After ${retryAfter}`,
    );
    // Without `latest`, the last finished profile: there is none yet.
    assertError(await m.request('GET', PATH), 400, 'NoSamplyProfile');

    // Ingress and steps while the collection runs, with their results checked.
    let expected = 0;
    for (let batch = 0; batch < 4; batch++) {
      const rows = Array.from({ length: 3000 }, (_, i) => ({ id: batch * 3000 + i, grp: i % 50 }));
      expected += rows.length;
      await ingestAndWait(m, 'samply', 't', inserts(rows));
    }
    const groups = await queryRows(m, 'samply', 'SELECT SUM(n) AS total FROM per_group');
    assert.deepEqual(groups, [{ total: expected }]);

    const { res, bytes } = await waitForLatest(m);
    assert.equal(res.status, 200, bytes.toString('utf8').slice(0, 300));
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /^attachment; filename=".+-samply_profile\.json\.gz"$/,
    );
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'a gzip file');
    const profile = JSON.parse(gunzipSync(bytes).toString('utf8'));
    assertProcessedProfile(profile);
    const [thread] = profile.threads;
    assert.ok(thread.samples.length >= 1, 'at least one sample');
    assert.match(profile.meta.product, /samply/);
    // The engine's own functions, by their files, in the string table and in sampled stacks.
    const engine = functionsOf(thread).filter((f) => /\/src\/(engine|runtime)\//.test(f.file ?? ''));
    assert.ok(engine.length > 0, `engine functions in the string table: ${thread.stringArray.slice(0, 40)}`);
    // Under tsx the positions come through the source maps, in the TypeScript files.
    assert.ok(
      engine.some((f) => f.file?.endsWith('.ts') && (f.line ?? 0) > 1),
      JSON.stringify(engine.slice(0, 5)),
    );
    const engineNames = new Set(engine.map((f) => f.name));
    assert.ok(
      sampledStacks(thread).some((stack) => stack.some((n) => engineNames.has(n))),
      'a sample inside the engine',
    );
    const kept = join(m.dataDir, 'pipelines', pipelineId, 'samply_profile.json.gz');
    assert.ok(existsSync(kept), 'kept in the pipeline directory');
    assert.deepEqual(readFileSync(kept), bytes);
    first = bytes;
  });

  test('a new POST replaces the profile, the previous one is served meanwhile; it survives a restart', async () => {
    assert.ok(first, 'the previous test took a profile');
    assert.equal((await m.request('POST', `${PATH}?duration_secs=1`)).status, 202);
    const meanwhile = await getProfile(m);
    assert.equal(meanwhile.res.status, 200);
    assert.deepEqual(meanwhile.bytes, first, 'the previous profile while the new one is taken');

    const { res, bytes } = await waitForLatest(m);
    assert.equal(res.status, 200);
    assert.notDeepEqual(bytes, first);
    const previous = JSON.parse(gunzipSync(first).toString('utf8'));
    const latest = JSON.parse(gunzipSync(bytes).toString('utf8'));
    assertProcessedProfile(latest);
    assert.ok(latest.meta.startTime > previous.meta.startTime);

    await stopAndWait(m, 'samply', true);
    await startAndWait(m, 'samply');
    const restarted = await getProfile(m);
    assert.equal(restarted.res.status, 200);
    assert.deepEqual(restarted.bytes, bytes, 'the last profile after a restart');
  });
});
