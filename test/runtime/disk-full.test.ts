/**
 * A full disk, for real: the pipeline's storage lives on a small tmpfs (mounted for the test;
 * skipped, saying so, where this process may not mount one). An exactly-once pipeline's data
 * plane and checkpointer ingest and checkpoint until the disk is full. Every failure must be
 * reported (a failed checkpoint in `checkpoint_status`, a refused ingress request), the last
 * whole checkpoint must stay whole, and once space is back a restart must hold every
 * acknowledged record and nothing else.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WeightedRow } from '../../src/engine/index.js';
import { Checkpointer } from '../../src/runtime/checkpointer.js';
import { DataPlane } from '../../src/runtime/data-plane.js';
import { PipelineLogger } from '../../src/runtime/log.js';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { program } from './fixtures/state-writer.js';

const quiet = new (class extends PipelineLogger {
  override info(): void {}
  override warn(): void {}
})();

function tryMount(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}

/** Request `n`: 30 upserts. */
function requestOf(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: 30 }, (_, i) => {
    const id = (n * 31 + i * 7) % 4000;
    return { insert: { id, g: id % 11, v: n } };
  });
}

const STATE = { minStorageBytes: 0, memoryBatchBytes: 0, cacheBytes: 64 * 1024, headBudgetBytes: 0 };
const FORMAT = { format: 'json', updateFormat: 'insert_delete', array: true } as const;

async function open(dir: string) {
  const p = program();
  const checkpointer = await Checkpointer.open(
    { storageDir: dir, model: 'exactly_once', intervalSecs: null, keep: 2, state: STATE },
    quiet,
  );
  const plane = new DataPlane(p, 'disk', quiet, {
    onRejected: (rejected) => assert.fail(`unexpected rejection of ${rejected.length} input(s)`),
    onFatal: (message) => assert.fail(message),
  });
  await checkpointer.resume(plane, p.fingerprint);
  plane.setRunning(true);
  // Journaled input replayed by the resume is processed by the next step.
  await plane.waitProcessed();
  return { checkpointer, plane, program: p };
}

test('disk full: failures are reported, the last checkpoint stays whole, nothing acknowledged is lost', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to mount a small tmpfs');
    return;
  }
  const mountPoint = mkdtempSync(join(tmpdir(), 'sluice-disk-full-'));
  const refused = tryMount(mountPoint, '3m');
  if (refused) {
    rmSync(mountPoint, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (${refused})`);
    return;
  }
  t.after(() => {
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });
  const storage = join(mountPoint, 'storage');

  const first = await open(storage);
  const acknowledged: number[] = [];
  const refusals: string[] = [];
  let lastCheckpointSteps = 0;
  for (let n = 1; n <= 5000 && refusals.length < 3; n++) {
    try {
      await first.plane.ingest('t', JSON.stringify(requestOf(n)), FORMAT);
      acknowledged.push(n);
    } catch (err) {
      refusals.push((err as Error).message);
      continue;
    }
    await first.plane.waitProcessed();
    if (n % 5 === 0)
      try {
        const manifest = await first.checkpointer.request('test').done;
        lastCheckpointSteps = manifest.steps;
      } catch {
        // Reported in checkpoint_status, checked below.
      }
  }
  // Ingress may have filled the disk between two checkpoints: one more is then due, and fails.
  try {
    lastCheckpointSteps = (await first.checkpointer.request('test').done).steps;
  } catch {
    // Reported in checkpoint_status, checked below.
  }
  const status = first.checkpointer.checkpointStatus();
  assert.ok(refusals.length > 0, 'the disk filled up and ingress was refused');
  assert.match(refusals[0]!, /ENOSPC|no space/i);
  assert.ok(status.failure, 'a checkpoint failed');
  assert.match(status.failure.error, /ENOSPC|no space/i);
  assert.ok(lastCheckpointSteps > 0, 'some checkpoints were written before the disk filled');
  first.checkpointer.close();

  const store = await CheckpointStore.open(storage, { keep: 2 });
  const latest = await store.latest();
  assert.equal(latest?.steps, lastCheckpointSteps, 'the last whole checkpoint is the latest one');
  await store.verify(latest.uuid);

  execFileSync('mount', ['-o', 'remount,size=64m', mountPoint]);
  const second = await open(storage);
  const replay = second.program.instantiate();
  for (const n of acknowledged) {
    replay.push(
      't',
      requestOf(n).map((r) => ({ row: Object.values(r.insert as object), weight: 1 })) as WeightedRow[],
    );
    replay.step();
  }
  const rows = (of: WeightedRow[]) => of.map((r) => `${r.weight}×${String(r.row)}`).sort();
  assert.deepEqual(
    rows(second.plane.circuit.snapshot('t')),
    rows(replay.snapshot('t')),
    'every acknowledged record, and nothing else',
  );
  second.checkpointer.close();
});
