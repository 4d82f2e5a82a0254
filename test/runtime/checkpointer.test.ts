/**
 * The checkpointer's resume from a pulled checkpoint with its files hashed in the background
 * (the path a checkpoint above `verifyBeforeResumeBytes` takes), against real files and the
 * S3-compatible server of test/helpers: the checkpoint is taken by a pipeline, pushed, pulled
 * into an empty directory and resumed from, as bench/checkpoint.ts does at 300 MiB.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Checkpointer } from '../../src/runtime/checkpointer.js';
import { DataPlane } from '../../src/runtime/data-plane.js';
import { PipelineLogger } from '../../src/runtime/log.js';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { pullCheckpoint } from '../../src/storage/pull.js';
import { pushCheckpoint } from '../../src/storage/push.js';
import { RemoteStore } from '../../src/storage/remote-store.js';
import { type S3TestServer, startS3Server } from '../helpers/s3server.js';
import { tempDir, uniqueBucket } from '../helpers/storage.js';
import { program, requestOf, STATE } from './fixtures/state-writer.js';

const OWNER = { pipelineId: '0190a1b2-0000-7000-8000-0000000000c7', pipelineName: 'resume' };
const STEPS = 40;

const quiet = new (class extends PipelineLogger {
  override info(): void {}
})();

let s3: S3TestServer;
before(async () => {
  s3 = await startS3Server();
});
after(() => s3.stop());

/** A pipeline over `dir` resumed (background verification of any size), with what it reported corrupt. */
async function startPipeline(dir: string) {
  const corrupt: string[] = [];
  const p = program();
  const checkpointer = await Checkpointer.open(
    {
      storageDir: dir,
      model: 'none',
      intervalSecs: null,
      keep: 2,
      state: STATE,
      verifyBeforeResumeBytes: 0,
      onCorrupt: (message) => corrupt.push(message),
    },
    quiet,
  );
  const plane = new DataPlane(p, 'resume', quiet, {
    onRejected: (rejected) => assert.fail(`unexpected rejection of ${rejected.length} input(s)`),
    onFatal: (message) => assert.fail(message),
  });
  await checkpointer.resume(plane, p.fingerprint);
  return { checkpointer, plane, corrupt };
}

/** A checkpoint of STEPS steps taken in a fresh directory, pushed, and pulled into another. */
async function pulledCheckpoint(t: TestContext): Promise<{ dir: string; uuid: string }> {
  const source = await startPipeline(tempDir(t, 'sluice-resume-source-'));
  source.plane.setRunning(true);
  for (let step = 1; step <= STEPS; step++) {
    await source.plane.ingest('t', JSON.stringify(requestOf(step)), {
      format: 'json',
      updateFormat: 'insert_delete',
      array: true,
    });
    await source.plane.waitProcessed();
  }
  const { uuid } = await source.checkpointer.request('test').done;
  source.checkpointer.close();

  const bucket = uniqueBucket();
  await s3.createBucket(bucket);
  const remote = RemoteStore.open(s3.syncConfig(`${bucket}/pipeline`));
  await pushCheckpoint(remote, source.checkpointer.store, uuid, OWNER);
  const dir = tempDir(t, 'sluice-resume-pulled-');
  await pullCheckpoint(remote, uuid, await CheckpointStore.open(dir));
  return { dir, uuid };
}

test('a closed pipeline does not report the checkpoint it resumed from corrupt when its directory is deleted', async (t) => {
  const { dir } = await pulledCheckpoint(t);
  const files = readdirSync(join(dir, 'state')).length;
  assert.ok(files > 8, `the checkpoint has ${files} files, enough to still be hashing after the resume`);
  const pulled = await startPipeline(dir);
  assert.equal(pulled.plane.completedSteps, STEPS);
  pulled.checkpointer.close();
  rmSync(dir, { recursive: true, force: true });
  await sleep(500);
  assert.deepEqual(pulled.corrupt, []);
});

test('a running pipeline reports a file of the checkpoint it resumed from that goes missing', async (t) => {
  const { dir } = await pulledCheckpoint(t);
  const pulled = await startPipeline(dir);
  assert.equal(pulled.plane.completedSteps, STEPS);
  rmSync(dir, { recursive: true, force: true });
  for (let waited = 0; pulled.corrupt.length === 0 && waited < 5000; waited += 50) await sleep(50);
  pulled.checkpointer.close();
  assert.equal(pulled.corrupt.length, 1);
  // Which goes first, a state file or the manifest, depends on the order rmSync deletes them.
  assert.match(
    pulled.corrupt[0]!,
    /the checkpoint resumed from is corrupt: (.* is missing|No local checkpoint [0-9a-f-]+)/,
  );
});
