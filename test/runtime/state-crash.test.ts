/**
 * Crash safety of state on disk against the real thing: a child process runs a pipeline's data
 * plane and checkpointer with tiny state budgets, so that batches are sealed, built and merged
 * (on the worker thread) and old files collected all the time, and is SIGKILLed at random
 * instants. Afterwards every kept checkpoint must verify (no merge or collection deleted a file
 * it names), and the newest must resume to exactly the state a replay of its steps gives.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WeightedRow } from '../../src/engine/index.js';
import { Checkpointer } from '../../src/runtime/checkpointer.js';
import { DataPlane } from '../../src/runtime/data-plane.js';
import { PipelineLogger } from '../../src/runtime/log.js';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { tempDir } from '../helpers/storage.js';
import { program, requestOf, STATE } from './fixtures/state-writer.js';

const WRITER = join(import.meta.dirname, 'fixtures', 'state-writer.ts');

/** Runs the writer until `checkpoints` checkpoints are durable, then `delayMs` more, then SIGKILL. */
function runUntilKilled(
  dir: string,
  checkpoints: number,
  delayMs: number,
): Promise<{ steps: number[]; merges: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const done: number[] = [];
  let merges = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const m of chunk.toString().matchAll(/checkpoint (\d+) merges (\d+)/g)) {
      done.push(Number(m[1]));
      merges = Number(m[2]);
      if (done.length === checkpoints) setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve({ steps: done, merges })
        : reject(new Error(`writer exited on its own: ${stderr}`)),
    ),
  );
}

const quiet = new (class extends PipelineLogger {
  override info(): void {}
})();

function bag(rows: WeightedRow[]): string[] {
  return rows
    .map((r) => `${r.weight}×${JSON.stringify(r.row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`)
    .sort();
}

test('SIGKILL during seals, merges, collections and checkpoints leaves every kept checkpoint whole and resumable', async (t) => {
  for (const [checkpoints, delayMs] of [
    [3, 0],
    [4, 37],
    [6, 113],
  ] as const) {
    const dir = tempDir(t, 'sluice-state-crash-');
    const { steps: reported, merges } = await runUntilKilled(dir, checkpoints, delayMs);
    if (checkpoints === 6) assert.ok(merges > 0, 'batches were merged before the kill');
    const store = await CheckpointStore.open(dir, { keep: 2 });
    const kept = await store.list();
    assert.ok(kept.length > 0);
    for (const manifest of kept) await store.verify(manifest.uuid);
    const newest = kept.at(-1)!;
    assert.ok(newest.steps >= reported.at(-1)!, `checkpoint of step ${reported.at(-1)} was reported durable`);

    const p = program();
    const checkpointer = await Checkpointer.open(
      { storageDir: dir, model: 'none', intervalSecs: null, keep: 2, state: STATE },
      quiet,
    );
    const plane = new DataPlane(p, 'check', quiet, {
      onRejected: (rejected) => assert.fail(`unexpected rejection of ${rejected.length} input(s)`),
      onFatal: (message) => assert.fail(message),
    });
    await checkpointer.resume(plane, p.fingerprint);
    assert.equal(plane.completedSteps, newest.steps);
    const replay = p.instantiate();
    for (let step = 1; step <= newest.steps; step++) {
      const rows = requestOf(step).map((r) =>
        'insert' in r
          ? { row: Object.values(r.insert as object), weight: 1 }
          : { row: Object.values(r.delete as object), weight: -1 },
      );
      replay.push('t', rows as WeightedRow[]);
      replay.step();
    }
    for (const name of ['t', 'sums', 'pairs'])
      assert.deepEqual(
        bag(plane.circuit.snapshot(name)),
        bag(replay.snapshot(name)),
        `${name} after step ${newest.steps}`,
      );
    // The resumed pipeline goes on: one more step and checkpoint work.
    plane.setRunning(true);
    await plane.ingest('t', JSON.stringify(requestOf(newest.steps + 1)), {
      format: 'json',
      updateFormat: 'insert_delete',
      array: true,
    });
    await plane.waitProcessed();
    await checkpointer.request('after crash').done;
    checkpointer.close();
  }
});

test('files a push is uploading survive merges and collections until the push ends', async (t) => {
  const dir = tempDir(t, 'sluice-state-pin-');
  const p = program();
  const checkpointer = await Checkpointer.open(
    { storageDir: dir, model: 'none', intervalSecs: null, keep: 1, state: STATE },
    quiet,
  );
  const plane = new DataPlane(p, 'pin', quiet, {
    onRejected: (rejected) => assert.fail(`unexpected rejection of ${rejected.length} input(s)`),
    onFatal: (message) => assert.fail(message),
  });
  await checkpointer.resume(plane, p.fingerprint);
  plane.setRunning(true);
  const step = async (n: number) => {
    await plane.ingest('t', JSON.stringify(requestOf(n)), {
      format: 'json',
      updateFormat: 'insert_delete',
      array: true,
    });
    await plane.waitProcessed();
  };
  for (let n = 1; n <= 4; n++) await step(n);
  const uploading = await checkpointer.request('pushed').done;
  const { release } = await checkpointer.store.pin(uploading.uuid);
  for (let n = 5; n <= 40; n++) {
    await step(n);
    if (n % 4 === 0) await checkpointer.request('later').done;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  await checkpointer.store.collectGarbage();
  assert.ok(checkpointer.stateCounters!.merges > 0, 'batches were merged meanwhile');
  assert.equal(
    await checkpointer.store.manifest(uploading.uuid),
    null,
    'its manifest was collected (keep 1)',
  );
  for (const f of uploading.files)
    assert.ok(await checkpointer.store.hasBlob(f.sha256, f.size), `${f.name} is still there while pinned`);
  release();
  await checkpointer.store.collectGarbage();
  const latest = await checkpointer.store.latest();
  const named = new Set(latest!.files.map((f) => f.sha256));
  const gone = uploading.files.filter((f) => !named.has(f.sha256));
  assert.ok(gone.length > 0);
  for (const f of gone)
    assert.equal(await checkpointer.store.hasBlob(f.sha256, f.size), false, `${f.name} collected`);
  checkpointer.close();
});
