/**
 * Crash safety of the local checkpoint store against the real thing: a child process writes
 * checkpoints and is SIGKILLed at each durable step of a write (and, separately, at random
 * instants); afterwards every checkpoint on disk must be whole, with exactly the bytes written,
 * and absent otherwise.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import { tempDir } from '../helpers/storage.js';
import { expectedFiles } from './fixtures/crash-writer.js';

const WRITER = join(import.meta.dirname, 'fixtures', 'crash-writer.ts');

/** Runs the writer; resolves with the signal that ended it (null if it exited) and its output. */
function runWriter(dir: string, stage: string, occurrence: number, killAfterMs?: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, stage, String(occurrence), '3'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (killAfterMs !== undefined && stdout.includes('\n')) {
      setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      killAfterMs = undefined;
    }
  });
  return new Promise<{ signal: NodeJS.Signals | null; completed: number[] }>((resolve) =>
    child.on('exit', (_code, signal) =>
      resolve({ signal, completed: stdout.split('\n').filter(Boolean).map(Number) }),
    ),
  );
}

/** Asserts every checkpoint in `dir` is whole and holds the bytes of its step; returns the steps. */
async function assertAllWhole(dir: string): Promise<number[]> {
  const store = await CheckpointStore.open(dir, { keep: 2 });
  const steps: number[] = [];
  for (const manifest of await store.list()) {
    const loaded = await store.load(manifest.uuid);
    for (const file of expectedFiles(manifest.steps)) {
      assert.ok(loaded.files.get(file.name)?.equals(file.data), `step ${manifest.steps} file ${file.name}`);
    }
    steps.push(manifest.steps);
  }
  assert.deepEqual(
    readdirSync(join(dir, 'state')).filter((n) => n.startsWith('.tmp-')),
    [],
  );
  return steps;
}

// [stage, occurrence, steps that must exist afterwards]. Checkpoint 1 writes 5 state files,
// later ones 2 each; the 3rd checkpoint is the first to collect an old one (keep 2).
const KILL_POINTS: Array<[string, number, number[]]> = [
  ['state-file-temp-written', 1, []],
  ['state-durable', 1, []],
  ['manifest-temp-written', 1, []],
  ['committed', 1, [1]],
  ['state-file-renamed', 8, [1, 2]],
  ['old-manifests-deleted', 1, [2, 3]],
];

test('SIGKILL at each durable step of a write leaves every checkpoint whole or absent', async (t) => {
  await Promise.all(
    KILL_POINTS.map(async ([stage, occurrence, expected]) => {
      const dir = tempDir(t);
      const { signal } = await runWriter(dir, stage, occurrence);
      assert.equal(signal, 'SIGKILL', `${stage} #${occurrence} was reached`);
      assert.deepEqual(await assertAllWhole(dir), expected, `after a kill at ${stage} #${occurrence}`);
      const next = await (await CheckpointStore.open(dir, { keep: 2 })).write({
        fingerprint: 7,
        steps: 9,
        processedRecords: 9,
        files: expectedFiles(9),
      });
      assert.equal((await assertAllWhole(dir)).at(-1), 9, 'the store keeps working after the crash');
      assert.ok(next.manifest.sequence >= 1);
    }),
  );
});

test('SIGKILL at random instants of continuous writing leaves every checkpoint whole', async (t) => {
  await Promise.all(
    [7, 40].map(async (delayMs) => {
      const dir = tempDir(t);
      const { signal, completed } = await runWriter(dir, 'never', 0, delayMs);
      assert.equal(signal, 'SIGKILL');
      const steps = await assertAllWhole(dir);
      const lastCompleted = completed.at(-1) ?? 0;
      assert.ok(
        steps.includes(lastCompleted),
        `step ${lastCompleted} was reported written, so it must exist`,
      );
    }),
  );
});
