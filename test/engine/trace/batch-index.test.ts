/**
 * A batch's index stays in memory as its stored bytes and is searched in place: comparing a key
 * with a block's first key must order exactly as JS strings do (UTF-16 code units), for keys
 * stored as Latin-1 and as UTF-16LE alike. The bloom filter is read at the first lookup only,
 * so a merge's inputs (cursors) never hold one.
 */
import assert from 'node:assert/strict';
import { openSync, readFileSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { FOOTER_BYTES, parseFooter, parseIndex } from '../../../src/engine/trace/batch-format.js';
import { BatchReader } from '../../../src/engine/trace/batch-reader.js';
import { BlockCache } from '../../../src/engine/trace/block-cache.js';
import { batchFile } from '../../helpers/batch-file.js';
import { Random } from '../../helpers/sql-random.js';
import { tempDir } from '../../helpers/storage.js';

/** Characters that land on both sides of the Latin-1 boundary, a lone surrogate among them. */
const ALPHABET = ['a', 'b', 'z', '~', '\u00e9', '\u00ff', '\u0100', '\u20ac', '\ud800', '\uffff'];

function randomKey(random: Random, wide: boolean): string {
  const letters = wide ? ALPHABET : ALPHABET.slice(0, 6);
  let key = '';
  const n = random.int(1, 12);
  for (let i = 0; i < n; i++) key += letters[random.int(0, letters.length - 1)];
  return key;
}

function keysFile(dir: string, keys: string[]): { path: string; size: number } {
  return batchFile(
    dir,
    keys.map((key) => [key, Buffer.from(`value of ${key} ${'v'.repeat(150)}`, 'utf16le')] as const),
  );
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

for (const wide of [false, true]) {
  test(`index search orders like JS strings (${wide ? 'UTF-16 and Latin-1' : 'Latin-1'} keys)`, (t) => {
    const random = new Random(wide ? 7 : 3);
    const keys = [...new Set(Array.from({ length: 4000 }, () => randomKey(random, wide)))];
    const file = keysFile(tempDir(t), keys);
    const bytes = readFileSync(file.path);
    const footer = parseFooter(bytes.subarray(bytes.length - FOOTER_BYTES), bytes.length, 'test');
    const index = parseIndex(
      Buffer.from(bytes.subarray(footer.indexOffset, footer.indexOffset + footer.indexLength)),
      footer.indexCrc,
      'test',
    );
    assert.ok(index.count > 10, `only ${index.count} blocks`);
    const firstKeys = Array.from({ length: index.count }, (_, i) => index.firstKey(i));
    assert.deepEqual(firstKeys, [...firstKeys].sort(), 'first keys ascend');
    const probes = [
      ...keys.slice(0, 300),
      ...firstKeys,
      '',
      ...Array.from({ length: 500 }, () => randomKey(random, true)),
    ];
    for (const probe of probes) {
      for (let i = 0; i < index.count; i++) {
        const expected = firstKeys[i]! < probe ? -1 : firstKeys[i] === probe ? 0 : 1;
        assert.equal(
          sign(index.compareFirstKey(i, probe)),
          expected,
          `block ${i} against ${JSON.stringify(probe)}`,
        );
      }
      const lower = firstKeys.findIndex((k) => k >= probe);
      assert.equal(index.lowerBound(probe), lower < 0 ? index.count : lower);
    }
    const reader = new BatchReader(file, file.size, 'test', new BlockCache(2 ** 24));
    for (const key of keys.slice(0, 500))
      assert.ok(reader.find(key, key.length)?.length, `finds ${JSON.stringify(key)}`);
    reader.close();
  });
}

test('the bloom filter is read at the first lookup, not by a cursor walk', (t) => {
  const keys = Array.from({ length: 3000 }, (_, i) => `key ${String(i).padStart(6, '0')}`);
  const file = keysFile(tempDir(t), keys);
  const bytes = readFileSync(file.path);
  const footer = parseFooter(bytes.subarray(bytes.length - FOOTER_BYTES), bytes.length, 'test');
  // Damage the filter: only a reader that reads it can notice.
  const fd = openSync(file.path, 'r+');
  writeSync(fd, Buffer.from([bytes[footer.bloomOffset]! ^ 0xff]), 0, 1, footer.bloomOffset);

  const cache = new BlockCache(2 ** 24);
  const reader = new BatchReader(file, file.size, 'test', cache);
  let walked = 0;
  for (const c = reader.cursor(''); c.valid; c.next()) walked++;
  assert.equal(walked, keys.length);
  const indexOnly = cache.reservedBytes;
  assert.ok(indexOnly > 0 && indexOnly < footer.indexLength * 2, `reserved ${indexOnly}`);
  assert.throws(() => reader.find('key 000042', 10), /bloom filter checksum mismatch/);
  reader.close();
  assert.equal(cache.reservedBytes, 0);
});
