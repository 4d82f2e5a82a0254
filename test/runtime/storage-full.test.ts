/**
 * Ingress into a pipeline whose storage is full: the journal append's ENOSPC becomes a plain
 * error saying so and that nothing of the request was accepted, and the queue room the
 * request was admitted into is given back. The ENOSPC is a real one, from a write to
 * /dev/full; a whole pipeline on a full filesystem needs one mounted (root), so the route is
 * not driven end to end here.
 */
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { InputQueue } from '../../src/runtime/input-queue.js';
import { ingressWriteError } from '../../src/runtime/storage-full.js';
import { ApiError } from '../../src/types/errors.js';

function realEnospc(): unknown {
  const fd = openSync('/dev/full', 'a');
  try {
    writeSync(fd, 'x');
  } catch (err) {
    return err;
  } finally {
    closeSync(fd);
  }
  throw new Error('a write to /dev/full succeeded');
}

test('ENOSPC on ingress says the storage is full and nothing was accepted', {
  skip: !existsSync('/dev/full') && 'no /dev/full to get a real ENOSPC from',
}, () => {
  const err = ingressWriteError(realEnospc(), 't');
  assert.ok(err instanceof ApiError);
  assert.equal(err.status, 500);
  assert.equal(err.errorCode, 'InternalError');
  assert.match(err.message, /^The pipeline's storage is full \(ENOSPC/);
  assert.match(err.message, /nothing of this request to table 't' was accepted/);
  assert.deepEqual(err.details, { table: 't', reason: 'storage full' });
});

test('other failures pass through unchanged', () => {
  const other = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
  assert.equal(ingressWriteError(other, 't'), other);
});

test('withdraw gives back the room of an admitted request that was not accepted', async () => {
  const q = new InputQueue(10);
  await q.admit('t', 8);
  let admitted = false;
  const waiting = q.admit('t', 5).then(() => {
    admitted = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(admitted, false, 'no room while the first request holds 8 of 10');
  q.withdraw('t', 8);
  await waiting;
  assert.equal(q.queuedRecords('t'), 5);
});
