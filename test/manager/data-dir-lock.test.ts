/**
 * Issue 8, item 6: one manager per data directory, one process per pipeline storage, both
 * enforced by locks the OS releases when the holder dies (src/storage/dir-lock.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultManagerConfig } from '../../src/manager/config.js';
import { startManager } from '../../src/manager/server.js';
import { SIMPLE_PROGRAM } from '../helpers/manager.js';
import { ingestAndWait, inserts, pipelinePid, queryRows, startAndWait } from '../helpers/pipeline.js';
import { type CliManager, runManagerCli, startCliManager } from './cli-manager.js';

const RUNTIME_ENTRY = join(import.meta.dirname, '../../src/runtime/main.ts');

describe('a data directory has one manager', () => {
  let parent: string;
  let dataDir: string;
  let first: CliManager;
  let key: string;

  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
    dataDir = join(parent, 'data');
    const created = await runManagerCli(['--create-api-key', 'admin', '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.stderr);
    key = created.stdout.trim();
    first = await startCliManager({ dataDir, args: ['--auth'], headers: { authorization: `Bearer ${key}` } });
  });
  after(async () => {
    await first?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  test('a second manager on the same directory refuses to start, naming the directory and the holder', async () => {
    const second = await runManagerCli(['--port', '0', '--data-dir', dataDir]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /in use by another Sluice manager/);
    assert.ok(second.stderr.includes(dataDir), second.stderr);
    assert.ok(second.stderr.includes(`pid ${first.child.pid}`), second.stderr);
    assert.ok(second.stderr.includes(first.url), second.stderr);
    assert.equal((await first.request('GET', '/v0/pipelines')).status, 200, 'the first one still serves');
  });

  test('--create-api-key works while the manager runs; the running manager accepts the key at once', async () => {
    const created = await runManagerCli(['--create-api-key', 'second', '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.stderr);
    const second = created.stdout.trim();
    const res = await first.request('GET', '/v0/api_keys', undefined, { authorization: `Bearer ${second}` });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.map((k: { name: string }) => k.name).sort(), ['admin', 'second']);
  });

  test('after SIGKILL of the manager a new one starts and adopts its pipeline; a hand-started second process refuses its storage', async () => {
    const created = await first.request('POST', '/v0/pipelines', {
      name: 'locked',
      program_code: SIMPLE_PROGRAM,
      runtime_config: { storage: { backend: { name: 'default' } } },
    });
    assert.equal(created.status, 201, created.text);
    await first.waitFor('locked', (p) => p.program_status === 'Success', 15_000, 'compiled');
    const p = await startAndWait(first, 'locked');
    await ingestAndWait(first, 'locked', 't', inserts([{ id: 1, name: 'one' }]));
    const pid = pipelinePid(first, p);

    // The OS drops the lock of a killed process: no stale lock, no guessing.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await first.restart();
    const adopted = await first.waitFor(
      'locked',
      (x) => x.deployment_status === 'Running',
      15_000,
      'Running',
    );
    assert.equal(pipelinePid(first, adopted), pid, 'the pipeline process was replaced, not adopted');

    // A second pipeline process on the same pipeline directory, started by hand.
    const pipelineDir = join(dataDir, 'pipelines', p.id);
    const runtimeBefore = readFileSync(join(pipelineDir, 'runtime.json'), 'utf8');
    const intruder = spawn(
      process.execPath,
      ['--import', 'tsx', RUNTIME_ENTRY, join(pipelineDir, 'deployment.json')],
      { env: { ...process.env, SLUICE_PIPELINE_TOKEN: 'intruder' } },
    );
    let stderr = '';
    intruder.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((r) => intruder.on('exit', (c) => r(c)));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /fatal: another pipeline process \(pid \d+\) is running on/);
    assert.ok(stderr.includes(`pid ${pid}`), stderr);
    assert.ok(stderr.includes(pipelineDir), stderr);
    assert.equal(
      readFileSync(join(pipelineDir, 'runtime.json'), 'utf8'),
      runtimeBefore,
      'it wrote runtime.json',
    );
    assert.deepEqual(await queryRows(first, 'locked', 'SELECT id FROM t'), [{ id: 1 }]);
    assert.equal((await first.request('POST', '/v0/pipelines/locked/stop?force=true')).status, 202);
    await first.waitFor('locked', (x) => x.deployment_status === 'Stopped', 15_000, 'Stopped');
  });
});

describe('the lock inside one process (embedded managers)', () => {
  test('a second startManager on the same directory fails until the first closes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-lock-embedded-'));
    try {
      const config = defaultManagerConfig({ dataDir, port: 0 });
      const one = await startManager(config);
      await assert.rejects(startManager(config), (err: Error) => {
        assert.match(err.message, /in use by another Sluice manager \(pid \d+, serving http:/);
        assert.ok(err.message.includes(dataDir));
        return true;
      });
      assert.equal((await fetch(`${one.url}/healthz`)).status, 200, 'the failed start disturbed the first');
      await one.close();
      const two = await startManager(config);
      await two.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
