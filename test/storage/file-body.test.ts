import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { ChunkPool } from '../../src/storage/chunk-pool.js';
import { FileEndedError, type FileRange, hashRange, rangeBody } from '../../src/storage/file-body.js';
import { tempDir } from '../helpers/storage.js';

const CHUNK = 64 * 1024;

async function openRange(t: TestContext, data: Buffer, offset: number, length: number): Promise<FileRange> {
  const path = join(tempDir(t), 'file');
  writeFileSync(path, data);
  const handle = await open(path, 'r');
  t.after(() => handle.close());
  return { handle, offset, length, chunks: new ChunkPool(CHUNK, 4) };
}

test('a range is hashed chunk by chunk to the digests of its bytes', async (t) => {
  const data = randomBytes(5 * CHUNK + 123);
  const range = await openRange(t, data, 1000, 3 * CHUNK + 7);
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  await hashRange(range, [sha256, md5]);
  const bytes = data.subarray(1000, 1000 + 3 * CHUNK + 7);
  assert.equal(sha256.digest('hex'), createHash('sha256').update(bytes).digest('hex'));
  assert.equal(md5.digest('hex'), createHash('md5').update(bytes).digest('hex'));
});

test('a range body sends its bytes again on every write, through the same buffers', async (t) => {
  const data = randomBytes(4 * CHUNK + 5);
  const range = await openRange(t, data, 0, data.length);
  const body = rangeBody(range);
  assert.equal(body.length, data.length);
  const buffers = new Set<ArrayBufferLike>();
  for (let attempt = 0; attempt < 2; attempt++) {
    const sent: Buffer[] = [];
    await body.writeTo(async (chunk) => {
      assert.ok(chunk.length <= CHUNK);
      buffers.add(chunk.buffer);
      sent.push(Buffer.from(chunk));
    });
    assert.deepEqual(Buffer.concat(sent), data);
  }
  assert.equal(buffers.size, 1, 'every chunk of both attempts was read into one reused buffer');
});

test('a chunk whose write failed is not reused: the socket may still refer to it', async (t) => {
  const data = randomBytes(3 * CHUNK);
  const range = await openRange(t, data, 0, data.length);
  const held: Buffer[] = [];
  await assert.rejects(
    rangeBody(range).writeTo(async (chunk) => {
      held.push(chunk);
      throw new Error('socket closed');
    }),
    /socket closed/,
  );
  const next = range.chunks.take();
  assert.notEqual(next.buffer, held[0]!.buffer, 'the failed write still owns its chunk');
});

test('a file shorter than its range fails with the offset at which it ended', async (t) => {
  const data = randomBytes(CHUNK + 10);
  const range = await openRange(t, data, 100, CHUNK + 500);
  await assert.rejects(hashRange(range, [createHash('sha256')]), (err: FileEndedError) => {
    assert.ok(err instanceof FileEndedError);
    assert.equal(err.position, CHUNK + 10);
    return true;
  });
});
