/** How a sync's progress bar ends, from the last progress seen and the push's outcome. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalSyncSnapshot } from '../../../src/cli/commands/checkpoints.js';
import { progressLine } from '../../../src/cli/progress.js';

const line = (s: Parameters<typeof progressLine>[1]) => progressLine('sync', s, null, 1000);
const mid = { phase: 'transferring', filesDone: 3, filesTotal: 5, bytesDone: 4 << 20, bytesTotal: 11 << 20 };

test('a failed push stops where it was, marked failed', () => {
  const end = finalSyncSnapshot(mid, false);
  assert.deepEqual(end, { ...mid, phase: 'failed' });
  assert.match(line(end), /^sync \[[=-]+\] +36% \| 3\/5 files \| 4\.0 MiB\/11\.0 MiB \| -- \/s \| failed$/);
  assert.equal(line(finalSyncSnapshot(null, false)), 'sync: failed (1.0 s)');
});

test('a push that succeeded is completed where its totals were seen', () => {
  assert.match(
    line(finalSyncSnapshot(mid, true)),
    /^sync \[=+\] 100% \| 5\/5 files \| 11\.0 MiB\/11\.0 MiB \| .* \| done$/,
  );
});

test('a push last seen checking, or never seen, ends done, not checking and not 0/0 files', () => {
  const checking = { phase: 'checking', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  assert.equal(line(finalSyncSnapshot(checking, true)), 'sync: done (1.0 s)');
  assert.equal(line(finalSyncSnapshot(null, true)), 'sync: done (1.0 s)');
});

test('a push with nothing to upload says so', () => {
  const present = { phase: 'done', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  assert.equal(line(finalSyncSnapshot(present, true)), 'sync: done, nothing to upload (1.0 s)');
});
