/**
 * Issue 8, item 2: whatever the umask, the data directory is 0700 and every file Sluice
 * writes in it 0600 (directories 0700), for the manager and for every pipeline process; and,
 * where the test can switch users, another OS user reads none of it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultManagerConfig } from '../../src/manager/config.js';
import { startManager } from '../../src/manager/server.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { checkpointAndWait, ingestAndWait, inserts, startAndWait, stopAndWait } from '../helpers/pipeline.js';
import { type S3TestServer, startS3Server } from '../helpers/s3server.js';
import { runManagerCli, startCliManager } from '../manager/cli-manager.js';

const PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, name VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT id, name FROM t;`;

/** Every entry under `root` with its permission bits, symbolic links included. */
function walk(root: string): Array<{ path: string; kind: 'dir' | 'file' | 'other'; mode: number }> {
  const out: Array<{ path: string; kind: 'dir' | 'file' | 'other'; mode: number }> = [];
  const visit = (path: string) => {
    const st = lstatSync(path);
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    out.push({ path, kind, mode: st.mode & 0o777 });
    if (kind === 'dir') for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return out;
}

/** Asserts the data dir holds only 0700 directories and 0600 files; returns the file paths. */
function assertPrivate(dataDir: string): string[] {
  const entries = walk(dataDir);
  const wrong = entries
    .filter((e) => e.kind === 'other' || e.mode !== (e.kind === 'dir' ? 0o700 : 0o600))
    .map((e) => `${e.path} (${e.kind} ${e.mode.toString(8)})`);
  assert.deepEqual(wrong, [], 'entries that are not private');
  return entries.filter((e) => e.kind === 'file').map((e) => e.path);
}

/** How to run a command as `nobody`, or why it cannot be done here. */
function asNobody(): { run: (args: string[]) => boolean } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'not running as root: cannot switch to another OS user' };
  const has = (tool: string) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const prefix = has('setpriv')
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
    : has('runuser')
      ? ['runuser', '-u', 'nobody', '--']
      : null;
  if (!prefix) return { skip: 'neither setpriv nor runuser is installed' };
  return {
    run: (args) => {
      try {
        execFileSync(prefix[0] as string, [...prefix.slice(1), ...args], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
  };
}

describe('the CLI manager and its pipelines under umask 000', () => {
  let s3: S3TestServer;
  let parent: string;
  before(async () => {
    s3 = await startS3Server();
    await s3.createBucket('private-files');
    parent = mkdtempSync(join(tmpdir(), 'sluice-private-'));
    // The parent is open to everyone: only Sluice's own modes may keep other users out.
    chmodSync(parent, 0o755);
  });
  after(async () => {
    await s3.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  test('a full scenario leaves only 0700 directories and 0600 files; another user reads nothing', async (t) => {
    const dataDir = join(parent, 'data');
    const created = await runManagerCli(['--create-api-key', 'admin', '--data-dir', dataDir], {
      umask: '000',
    });
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    const m = await startCliManager({
      dataDir,
      args: ['--auth'],
      umask: '000',
      headers: { authorization: `Bearer ${key}` },
    });
    try {
      const res = await m.request('POST', '/v0/pipelines', {
        name: 'private',
        program_code: PROGRAM,
        runtime_config: {
          storage: { backend: { name: 'file', config: { sync: s3.syncConfig('private-files/p') } } },
          fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: null },
        },
      });
      assert.equal(res.status, 201, res.text);
      await m.waitFor('private', (p) => p.program_status === 'Success', 15_000, 'compiled');
      const p = await startAndWait(m, 'private');
      await ingestAndWait(m, 'private', 't', inserts([{ id: 1, name: 'secret row' }]));
      const { uuid } = await checkpointAndWait(m, 'private');
      await ingestAndWait(m, 'private', 't', inserts([{ id: 2, name: 'journaled row' }]));
      const synced = await m.request('POST', '/v0/pipelines/private/checkpoint/sync');
      assert.equal(synced.status, 200, synced.text);
      assert.equal(synced.body.checkpoint_uuid, uuid);
      const logs = await fetch(`${m.url}/v0/pipelines/private/logs`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(1000),
      });
      assert.equal(logs.status, 200);
      await logs.body?.cancel();

      // While it runs: the files another user would go for.
      const pipelineDir = join(dataDir, 'pipelines', p.id);
      const stateDir = join(pipelineDir, 'storage', 'state');
      const targets = [
        join(dataDir, 'metadata.sqlite'),
        join(dataDir, 'metadata.sqlite-wal'),
        join(stateDir, readdirSync(stateDir)[0] as string),
        join(pipelineDir, 'storage', 'journal.log'),
        join(pipelineDir, 'pipeline.log'),
        join(pipelineDir, 'runtime.json'),
        join(pipelineDir, 'deployment.json'),
      ];
      const files = assertPrivate(dataDir);
      for (const target of targets) assert.ok(files.includes(target), `${target} was not written`);

      await t.test('another OS user (nobody) reads none of it', (st) => {
        const nobody = asNobody();
        if ('skip' in nobody) {
          st.skip(nobody.skip);
          return;
        }
        const control = join(parent, 'readable.txt');
        writeFileSync(control, 'anyone may read this');
        chmodSync(control, 0o644);
        assert.ok(nobody.run(['cat', control]), 'the second-user check cannot read a world-readable file');
        for (const target of targets)
          assert.equal(nobody.run(['cat', target]), false, `nobody read ${target}`);
        assert.equal(nobody.run(['ls', dataDir]), false, 'nobody listed the data directory');
      });

      await stopAndWait(m, 'private', false);
      assertPrivate(dataDir);
    } finally {
      await m.close();
    }
  });
});

describe('an embedded manager sets the modes itself', () => {
  let m: TestManager | null = null;
  let previous: number;
  before(() => {
    // startManager must not rely on the umask of the process that embeds it.
    previous = process.umask(0o000);
  });
  after(async () => {
    await m?.close();
    process.umask(previous);
  });

  test('under umask 000 in the embedding process, everything is private', async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'embedded',
      program_code: PROGRAM,
      runtime_config: { fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: null } },
    });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('embedded', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'embedded');
    await ingestAndWait(m, 'embedded', 't', inserts([{ id: 1, name: 'x' }]));
    await checkpointAndWait(m, 'embedded');
    assertPrivate(m.dataDir);
    await stopAndWait(m, 'embedded', false);
    assertPrivate(m.dataDir);
  });

  test('a data directory left readable by an older version is tightened at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-older-'));
    try {
      chmodSync(dataDir, 0o755);
      const db = new Database(join(dataDir, 'metadata.sqlite'));
      db.exec('CREATE TABLE IF NOT EXISTS older (a)');
      db.close();
      chmodSync(join(dataDir, 'metadata.sqlite'), 0o644);
      mkdirSync(join(dataDir, 'pipelines', 'old', 'storage'), { recursive: true, mode: 0o755 });
      for (const file of ['pipelines/old/pipeline.log', 'pipelines/old/storage/journal.log']) {
        writeFileSync(join(dataDir, file), '', { mode: 0o644 });
      }
      const manager = await startManager(defaultManagerConfig({ dataDir, port: 0 }));
      await manager.close();
      assertPrivate(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
