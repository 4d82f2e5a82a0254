/**
 * The block cache's budget covers the index and bloom filter an open batch keeps resident:
 * opening batches leaves less room for blocks, and closing them gives it back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchReader } from '../../../src/engine/trace/batch-reader.js';
import { BlockCache } from '../../../src/engine/trace/block-cache.js';
import { batchFile } from '../../helpers/batch-file.js';
import { tempDir } from '../../helpers/storage.js';

function numberedFile(dir: string, entries: number): { path: string; size: number } {
  return batchFile(
    dir,
    Array.from(
      { length: entries },
      (_, i) => [`key ${String(i).padStart(7, '0')}`, Buffer.from(`value ${i} ${'v'.repeat(200)}`)] as const,
    ),
  );
}

test('open batches reserve their index and filter in the cache budget until closed', (t) => {
  const dir = tempDir(t);
  const file = numberedFile(dir, 20_000);
  const cache = new BlockCache(64 * 1024 * 1024);
  const reader = new BatchReader({ path: file.path }, file.size, 'a', cache);
  assert.equal(cache.reservedBytes, 0, 'nothing is read before the first lookup');
  assert.ok(reader.find('key 0000042', 11)?.toString().startsWith('value 42 '));
  // 20,000 entries: a filter of 10 bits each, and an index entry per 16 KiB block.
  assert.ok(cache.reservedBytes >= 25_000, `reserved ${cache.reservedBytes}`);
  assert.ok(cache.reservedBytes < 100_000, `reserved ${cache.reservedBytes}`);
  reader.close();
  assert.equal(cache.reservedBytes, 0, 'closing gives the reservation back');
  assert.ok(reader.find('key 0019999', 11), 'a closed reader opens again when read');
  assert.ok(cache.reservedBytes > 0);
  reader.close();
});

test('blocks get only what the reservations leave of the budget', (t) => {
  const dir = tempDir(t);
  const file = numberedFile(dir, 20_000);
  const probe = new BatchReader({ path: file.path }, file.size, 'probe', new BlockCache(2 ** 30));
  probe.open();
  const blocks = probe.blockCount;
  const blockBytes = probe.block(0).bytes;
  probe.close();
  // Room for the metadata and about four blocks.
  const cache = new BlockCache(0);
  const reader = new BatchReader({ path: file.path }, file.size, 'a', cache);
  reader.open();
  cache.setBudget(cache.reservedBytes + 4.5 * blockBytes);
  for (let n = 0; n < blocks; n++) reader.block(n);
  assert.ok(cache.usedBytes <= 4.5 * blockBytes, `cached ${cache.usedBytes} bytes of blocks`);
  assert.ok(cache.usedBytes >= 2 * blockBytes, 'some blocks stay cached');
  reader.close();
  assert.equal(cache.reservedBytes, 0);
});
