import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyConfigEdits, parseValue } from '../../src/cli/edit.js';
import { tempDir } from '../helpers/storage.js';

const CURRENT = {
  workers: 8,
  fault_tolerance: { model: 'none', checkpoint_interval_secs: 60 },
  resources: { memory_mb_max: null },
  storage: null,
};

test('KEY=VALUE sets a field by dotted path; values are JSON, else strings', () => {
  const { config, changes } = applyConfigEdits(
    CURRENT,
    [
      'workers=4',
      'fault_tolerance.model=exactly_once',
      'resources.memory_mb_max=1024',
      'storage={"backend": {"name": "default"}}',
    ],
    'runtime configuration',
  );
  assert.deepEqual(config, {
    workers: 4,
    fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: 60 },
    resources: { memory_mb_max: 1024 },
    storage: { backend: { name: 'default' } },
  });
  assert.deepEqual(
    changes.map((c) => [c.path, c.before, c.after, c.unknownField]),
    [
      ['workers', 8, 4, false],
      ['fault_tolerance.model', 'none', 'exactly_once', false],
      ['resources.memory_mb_max', null, 1024, false],
      ['storage', null, { backend: { name: 'default' } }, false],
    ],
  );
  assert.equal(CURRENT.workers, 8, 'the current configuration is not changed');
  assert.deepEqual([parseValue('"4"'), parseValue('null'), parseValue('a=b')], ['4', null, 'a=b']);
});

test('a field the configuration does not have is set and flagged', () => {
  const { changes } = applyConfigEdits(CURRENT, ['wrokers=2', 'dev_tweaks.x.y=1'], 'runtime configuration');
  assert.deepEqual(
    changes.map((c) => c.unknownField),
    [true, true],
  );
});

test('a file replaces the whole configuration; bad edits say why', (t) => {
  const dir = tempDir(t, 'sluice-edit-');
  const file = join(dir, 'rc.json');
  writeFileSync(file, '{"workers": 2}');
  assert.deepEqual(applyConfigEdits(CURRENT, [file, 'hosts=1'], 'runtime configuration').config, {
    workers: 2,
    hosts: 1,
  });
  writeFileSync(file, '[1]');
  assert.throws(() => applyConfigEdits(CURRENT, [file], 'runtime configuration'), /must hold a JSON object/);
  writeFileSync(file, '{"workers": ');
  assert.throws(
    () => applyConfigEdits(CURRENT, [file], 'runtime configuration'),
    /cannot read runtime configuration from/,
  );
  assert.throws(
    () => applyConfigEdits(CURRENT, ['missing.json'], 'runtime configuration'),
    /'missing.json' is neither KEY=VALUE nor an existing JSON file/,
  );
  assert.throws(
    () => applyConfigEdits(CURRENT, ['workers.count=1'], 'runtime configuration'),
    /'workers' is 8, not an object/,
  );
});
