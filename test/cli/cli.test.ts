import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';

describe('sluice CLI against a real manager', () => {
  let m: TestManager;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const { spawn } = await import('node:child_process');
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--url', m.url, ...args]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  }

  test('create, start, push, query, stop, clear, delete', async () => {
    const sql = join(dir, 'p.sql');
    writeFileSync(sql, SIMPLE_PROGRAM);
    let r = await cli('create', 'clip', sql);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /program: Success/);
    r = await cli('start', 'clip');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /clip: Running/);
    const data = join(dir, 'rows.json');
    writeFileSync(data, '{"insert": {"id": 1, "name": "one"}}\n{"insert": {"id": 2, "name": "two"}}\n');
    r = await cli('push', 'clip', 't', data);
    assert.equal(r.code, 0, r.stderr);
    r = await cli('query', 'clip', 'SELECT name FROM v ORDER BY id');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /one[\s\S]*two/);
    r = await cli('list');
    assert.match(r.stdout, /clip\s+Success\s+Running/);
    r = await cli('stop', 'clip', '--force');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Stopped/);
    r = await cli('clear', 'clip');
    assert.equal(r.code, 0, r.stderr);
    r = await cli('delete', 'clip');
    assert.equal(r.code, 0, r.stderr);
  });

  test('errors are printed with their code and a non-zero exit', async () => {
    const r = await cli('status', 'missing');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /UnknownPipelineName/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'frobnicate'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown command/);
  });
});
