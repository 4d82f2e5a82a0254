import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StagedSync } from '../../src/storage/staged-sync.js';
import { tempDir } from '../helpers/storage.js';

// A path that cannot be opened makes its fsync fail: `drain` rejecting with ENOENT proves an
// fsync of it was started, `drain` resolving that none was.
const EVERY = 1000;

test('a complete file is fsynced, and drain fails when that fsync failed', async (t) => {
  const dir = tempDir(t);
  const present = join(dir, 'present');
  writeFileSync(present, 'bytes');
  const ok = new StagedSync(2, 8, EVERY);
  ok.complete(present);
  await ok.drain();

  const failing = new StagedSync(2, 8, EVERY);
  failing.complete(present);
  failing.complete(join(dir, 'missing'));
  await assert.rejects(failing.drain(), { code: 'ENOENT' });
});

test('a file is fsynced while it is written each time syncEveryBytes more bytes reached it', async (t) => {
  const missing = join(tempDir(t), 'missing');
  const below = new StagedSync(1, 8, EVERY);
  below.written(missing, EVERY - 1);
  await below.drain();

  const reached = new StagedSync(1, 8, EVERY);
  reached.written(missing, EVERY - 1);
  reached.written(missing, 1);
  await assert.rejects(reached.drain(), { code: 'ENOENT' });
});
