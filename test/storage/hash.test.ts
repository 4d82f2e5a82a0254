import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { digestBuffer, sha256OfBuffer } from '../../src/storage/hash.js';

test('hashing a large buffer lets timers run in between', async () => {
  const data = randomBytes(32 * 1024 * 1024);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const digest = await sha256OfBuffer(data);
  clearInterval(timer);
  assert.equal(digest, createHash('sha256').update(data).digest('hex'));
  assert.ok(ticks >= 3, `the event loop ran ${ticks} times while 32 MiB were hashed`);
});

test('one pass computes several digests', async () => {
  const data = randomBytes(10 * 1024 * 1024 + 3);
  assert.deepEqual(await digestBuffer(data, ['sha256', 'md5']), {
    sha256: createHash('sha256').update(data).digest('hex'),
    md5: createHash('md5').update(data).digest('hex'),
  });
});
