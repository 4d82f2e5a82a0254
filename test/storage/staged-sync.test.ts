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

/** An fsync the test finishes by hand: the calls in order, each with its own resolve/reject. */
function heldFsync() {
  const calls: Array<{ path: string; resolve: () => void; reject: (err: Error) => void }> = [];
  const fsync = (path: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ path, resolve, reject });
    });
  return { calls, fsync };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a file completed while an fsync of it runs gets another fsync, started after the first', async () => {
  const { calls, fsync } = heldFsync();
  const sync = new StagedSync(2, 8, EVERY, fsync);
  sync.written('/staged', EVERY);
  assert.equal(calls.length, 1, 'the fsync during the download started');
  // The download's last bytes land after that fsync started, then the file is complete: the
  // running fsync may not cover them, so one more must follow.
  sync.written('/staged', 10);
  sync.complete('/staged');
  const drained = sync.drain();
  let done = false;
  void drained.then(() => {
    done = true;
  });
  calls[0]!.resolve();
  await turn();
  assert.equal(calls.length, 2, 'a second fsync started once the first was done');
  assert.equal(done, false, 'drain waits for the second fsync');
  calls[1]!.resolve();
  await drained;
});

test('requests for a file whose fsync is queued and not started are folded into it', async () => {
  const { calls, fsync } = heldFsync();
  const sync = new StagedSync(1, 1, EVERY, fsync);
  sync.complete('/a');
  sync.complete('/b');
  sync.written('/b', EVERY);
  sync.complete('/b');
  calls[0]!.resolve();
  await turn();
  assert.deepEqual(
    calls.map((c) => c.path),
    ['/a', '/b'],
  );
  calls[1]!.resolve();
  await sync.drain();
  assert.equal(calls.length, 2);
});

test('drain waits for every fsync queued beyond the limit', async () => {
  const { calls, fsync } = heldFsync();
  const sync = new StagedSync(1, 2, EVERY, fsync);
  for (const path of ['/a', '/b', '/c', '/d']) sync.complete(path);
  assert.equal(calls.length, 1, 'one at a time while downloading');
  let done = false;
  const drained = sync.drain().then(() => {
    done = true;
  });
  assert.equal(calls.length, 2, 'drain lets two run');
  for (let settled = 0; settled < 4; settled++) {
    assert.equal(done, false, `drain resolved with ${4 - settled} fsync(s) unfinished`);
    calls[settled]!.resolve();
    await turn();
  }
  await drained;
  assert.deepEqual(
    calls.map((c) => c.path),
    ['/a', '/b', '/c', '/d'],
  );
});

test('an fsync that failed during the download fails drain even if the final one would succeed', async () => {
  const { calls, fsync } = heldFsync();
  const sync = new StagedSync(2, 8, EVERY, fsync);
  sync.written('/big', EVERY);
  calls[0]!.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  await turn();
  sync.complete('/big');
  const drained = assert.rejects(sync.drain(), { code: 'EIO' });
  await turn();
  for (const call of calls.slice(1)) call.resolve();
  await drained;
});
