/**
 * Merging batch files block by block: the inputs are read through one reused buffer each and
 * the output's blocks are handed to the file sink without a copy, so a merge must still see
 * every entry of every block, newest input winning, across many blocks of each input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFromRecords, mergeBatches } from '../../../src/engine/trace/batch-build.js';
import { BatchReader } from '../../../src/engine/trace/batch-reader.js';
import { batchRecords, installBuilt } from '../../helpers/batch-file.js';
import { tempDir } from '../../helpers/storage.js';

function records(entries: Array<[string, string]>): Buffer {
  return batchRecords(entries.map(([key, value]) => [key, Buffer.from(value)] as const));
}

function contents(source: { path: string }, size: number): Map<string, string> {
  const reader = new BatchReader(source, size, 'result', null);
  const out = new Map<string, string>();
  for (const c = reader.cursor(''); c.valid; c.next()) out.set(c.key, c.value!.toString());
  reader.close();
  return out;
}

test('a merge of multi-block files keeps every entry, the newest input winning', (t) => {
  const dir = tempDir(t);
  const key = (i: number) => `k${String(i).padStart(6, '0')}`;
  // ~300 bytes a value: each input spans dozens of 16 KiB blocks.
  const older = Array.from({ length: 3000 }, (_, i): [string, string] => [
    key(i),
    `old ${i} ${'x'.repeat(300)}`,
  ]);
  const newer = Array.from({ length: 3000 }, (_, i): [string, string] => [
    key(2 * i),
    `new ${2 * i} ${'y'.repeat(290)}`,
  ]);
  const a = installBuilt(buildFromRecords(records(older), { dir }), dir);
  const b = installBuilt(buildFromRecords(records(newer), { dir }), dir);
  assert.ok(new BatchReader({ path: a.path }, a.size, 'a', null).blockCount > 20, 'inputs span many blocks');
  const merged = installBuilt(
    mergeBatches(
      [
        { source: { path: a.path }, size: a.size },
        { source: { path: b.path }, size: b.size },
      ],
      true,
      { dir },
    ),
    dir,
  );
  const expected = new Map<string, string>(older);
  for (const [k, v] of newer) expected.set(k, v);
  const got = contents({ path: merged.path }, merged.size);
  assert.equal(got.size, expected.size);
  for (const [k, v] of expected) assert.equal(got.get(k), v, k);
});
