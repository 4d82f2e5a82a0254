import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointStore } from '../../src/storage/checkpoint-store.js';
import type { ApiError } from '../../src/types/errors.js';
import { assertMatchesReference } from '../helpers/reference.js';
import { checkpointOf, randomFiles, tempDir } from '../helpers/storage.js';

function stateFiles(dir: string): string[] {
  return readdirSync(join(dir, 'state')).sort();
}

test('a written checkpoint loads back byte for byte, with its metadata', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir);
  const files = randomFiles(3, 10_000);
  const { manifest } = await store.write({ ...checkpointOf(files, 7), identifier: 'before-upgrade' });
  const loaded = await (await CheckpointStore.open(dir)).load(manifest.uuid);
  for (const file of files) assert.deepEqual(loaded.files.get(file.name), file.data);
  assert.deepEqual(loaded.manifest.extra, { inputs: { t: 7 } });
  assert.equal(manifest.sequence, 1);
  assert.match(manifest.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const [metadata] = await store.listMetadata();
  assert.deepEqual(metadata, {
    uuid: manifest.uuid,
    identifier: 'before-upgrade',
    fingerprint: 42,
    steps: 7,
    processed_records: 70,
    size: 30_000,
  });
  assertMatchesReference('CheckpointMetadata', metadata);
});

test('the next checkpoint writes only the files that changed', async (t) => {
  const store = await CheckpointStore.open(tempDir(t));
  const files = randomFiles(10, 50_000);
  const first = await store.write(checkpointOf(files, 1));
  assert.equal(first.filesWritten, 10);
  assert.equal(first.bytesWritten, 500_000);

  const changed = files.map((f, i) => (i === 3 ? { name: f.name, data: randomBytes(50_000) } : f));
  const second = await store.write(checkpointOf(changed, 2));
  assert.equal(second.filesWritten, 1);
  assert.equal(second.bytesWritten, 50_000);
  assert.equal(second.filesReused, 9);
  assert.equal(second.manifest.sequence, 2);
  assert.deepEqual(
    (await store.list()).map((m) => m.uuid),
    [first.manifest.uuid, second.manifest.uuid],
  );

  const same = await store.write(checkpointOf(changed, 3));
  assert.equal(same.bytesWritten, 0, 'an unchanged state writes only a manifest');
});

test('files given as paths are streamed in, and identical contents are stored once', async (t) => {
  const source = tempDir(t, 'sluice-source-');
  const path = join(source, 'big.bin');
  const data = randomBytes(3 * 1024 * 1024);
  writeFileSync(path, data);
  const store = await CheckpointStore.open(tempDir(t));
  const result = await store.write(
    checkpointOf([
      { name: 'from-path', path },
      { name: 'copy', data },
    ]),
  );
  assert.equal(result.filesWritten, 1, 'two names, one content: one state file');
  const loaded = await store.load(result.manifest.uuid);
  assert.deepEqual(loaded.files.get('from-path'), data);
  assert.deepEqual(loaded.files.get('copy'), data);
});

test('only `keep` checkpoints are kept, and collection keeps the files they share', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir, { keep: 2 });
  const shared = { name: 'shared', data: randomBytes(1000) };
  const uuids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const { manifest, removed } = await store.write(
      checkpointOf([shared, { name: 'own', data: randomBytes(1000) }], i),
    );
    uuids.push(manifest.uuid);
    if (i >= 2) assert.deepEqual(removed, [uuids[i - 2]]);
  }
  assert.deepEqual(
    (await store.list()).map((m) => m.uuid),
    uuids.slice(2),
  );
  assert.equal(stateFiles(dir).length, 3, 'the shared file and the two kept own files');
  for (const uuid of uuids.slice(2))
    assert.deepEqual((await store.load(uuid)).files.get('shared'), shared.data);
});

test('a corrupted or truncated state file is detected, named, and the previous checkpoint used', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir);
  const base = randomFiles(2, 4096);
  const delta = { name: 'delta', data: randomBytes(4096) };
  const older = await store.write(checkpointOf(base, 1));
  const newer = await store.write(checkpointOf([...base, delta], 2));
  const path = join(dir, 'state', newer.manifest.files.find((f) => f.name === 'delta')!.sha256);
  const flipped = Buffer.from(delta.data);
  flipped[100] = flipped[100]! ^ 1;
  writeFileSync(path, flipped);

  await assert.rejects(store.load(newer.manifest.uuid), (err: ApiError) => {
    assert.equal(err.errorCode, 'CheckpointCorrupt');
    assert.match(
      err.message,
      new RegExp(`Checkpoint ${newer.manifest.uuid} is corrupt: file 'delta' .* SHA-256`),
    );
    return true;
  });
  writeFileSync(path, delta.data.subarray(0, 1000));
  const result = await store.loadLatestValid();
  assert.equal(result.checkpoint?.manifest.uuid, older.manifest.uuid);
  assert.deepEqual(result.checkpoint?.files.get('f0'), base[0]!.data);
  assert.deepEqual(
    result.skipped.map((s) => s.uuid),
    [newer.manifest.uuid],
  );
  assert.match(result.skipped[0]!.reason, /'delta' .* has 1000 bytes instead of 4096/);

  const found = await store.findLatestValid();
  assert.equal(found.checkpoint?.uuid, older.manifest.uuid);
  assert.match(found.skipped[0]!.reason, /is missing/, 'a file that failed verification is deleted');
  const repaired = await store.write(checkpointOf([...base, delta], 3));
  assert.equal(
    repaired.filesWritten,
    1,
    'the next checkpoint writes a good copy instead of sharing the bad one',
  );
  assert.deepEqual((await store.load(repaired.manifest.uuid)).files.get('delta'), delta.data);
});

test('opening a store removes temporaries and unreferenced files left by a crash', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir);
  const { manifest } = await store.write(checkpointOf(randomFiles(1, 100)));
  writeFileSync(join(dir, 'state', '.tmp-deadbeef'), 'partial');
  writeFileSync(join(dir, 'checkpoints', '.tmp-cafe'), '{');
  writeFileSync(
    join(dir, 'state', 'a'.repeat(64)),
    'orphan of a checkpoint whose manifest never got written',
  );
  await CheckpointStore.open(dir);
  assert.deepEqual(stateFiles(dir), [manifest.files[0]!.sha256]);
  assert.deepEqual(readdirSync(join(dir, 'checkpoints')), [`${manifest.uuid}.json`]);
});

test('an unparsable manifest is reported and stops collection from deleting state files', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir);
  const good = await store.write(checkpointOf(randomFiles(1, 100)));
  const bad = await store.write(checkpointOf(randomFiles(1, 100), 2));
  writeFileSync(join(dir, 'checkpoints', `${bad.manifest.uuid}.json`), '{"format": 99}');
  await CheckpointStore.open(dir);
  assert.equal(stateFiles(dir).length, 2, 'the files of the unparsable manifest are kept');
  const result = await store.loadLatestValid();
  assert.equal(result.checkpoint?.manifest.uuid, good.manifest.uuid);
  assert.match(result.skipped[0]!.reason, /manifest is invalid: unsupported format 99/);
});

test('invalid checkpoints are refused before anything is written', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir);
  const file = { name: 'x', data: Buffer.from('x') };
  for (const [input, pattern] of [
    [{ ...checkpointOf([file, file]) }, /file name 'x' appears twice/],
    [{ ...checkpointOf([{ name: '', data: Buffer.alloc(1) }]) }, /empty name/],
    [{ ...checkpointOf([file]), steps: -1 }, /steps must be a non-negative integer/],
    [{ ...checkpointOf([file]), fingerprint: 1.5 }, /fingerprint/],
  ] as const) {
    await assert.rejects(
      store.write(input),
      (err: ApiError) => err.errorCode === 'CheckpointFailed' && pattern.test(err.message),
    );
  }
  await assert.rejects(store.load('01234567-89ab-7def-8123-456789abcdef'), { errorCode: 'NoCheckpoint' });
  await assert.rejects(store.load('../../../etc/passwd'), { errorCode: 'NoCheckpoint' }, 'not a path');
  await assert.rejects(CheckpointStore.open(dir, { keep: 0 }), { errorCode: 'InvalidRuntimeConfig' });
  assert.deepEqual(stateFiles(dir), []);
});

test('a pinned checkpoint keeps its files through collection until released', async (t) => {
  const dir = tempDir(t);
  const store = await CheckpointStore.open(dir, { keep: 1 });
  const first = await store.write(checkpointOf(randomFiles(2, 1000), 1));
  const { manifest, release } = await store.pin(first.manifest.uuid);
  await store.write(checkpointOf(randomFiles(2, 1000), 2));
  assert.equal(await store.manifest(first.manifest.uuid), null, 'its manifest was collected');
  for (const file of manifest.files)
    assert.ok(await store.hasBlob(file.sha256, file.size), 'its files were not');
  release();
  await store.write(checkpointOf(randomFiles(2, 1000), 3));
  assert.equal(stateFiles(dir).length, 2, 'released files go with the next collection');
  await assert.rejects(store.pin(first.manifest.uuid), { errorCode: 'NoCheckpoint' });
});
