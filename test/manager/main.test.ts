import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseManagerConfig } from '../../src/manager/config.js';
import { startTestManager } from '../helpers/manager.js';

/** Runs the manager's entry point as a real process until it exits or prints `until`. */
function runManager(
  args: string[],
  until?: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/manager/main.ts', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('manager command line', () => {
  test('defaults: 127.0.0.1:8080, ./.sluice, auth off', () => {
    const config = parseManagerConfig([], {});
    assert.ok(config !== 'help');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.match(config.dataDir, /\.sluice$/);
    assert.equal(config.auth.enabled, false);
  });

  test('flags win over environment variables', () => {
    const config = parseManagerConfig(['--port', '9000'], { SLUICE_PORT: '7000', SLUICE_DATA_DIR: '/tmp/x' });
    assert.ok(config !== 'help');
    assert.equal(config.port, 9000);
    assert.equal(config.dataDir, '/tmp/x');
  });

  test('a non-loopback address without auth is refused unless explicitly allowed', () => {
    assert.throws(() => parseManagerConfig(['--host', '0.0.0.0'], {}), /Refusing to listen on non-loopback/);
    assert.doesNotThrow(() => parseManagerConfig(['--host', '0.0.0.0', '--auth'], {}));
    assert.doesNotThrow(() =>
      parseManagerConfig(['--host', '0.0.0.0', '--allow-unauthenticated-non-loopback'], {}),
    );
    assert.doesNotThrow(() => parseManagerConfig(['--host', '::1'], {}));
    assert.throws(() => parseManagerConfig(['--port', 'eighty'], {}), /--port/);
  });

  test('the process refuses bad flags with a clear message and prints where it listens', async () => {
    const bad = await runManager(['--host', '0.0.0.0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Refusing to listen on non-loopback address 0\.0\.0\.0/);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-main-'));
    try {
      const ok = await runManager(['--port', '0', '--data-dir', dir], /listening on/);
      assert.match(ok.stdout, /Sluice manager listening on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--create-api-key prints a key once, which then authenticates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-key-'));
    const created = await runManager(['--create-api-key', 'admin', '--data-dir', dir]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^apikey:[A-Za-z0-9]+$/);
    const m = await startTestManager({
      dataDir: dir,
      auth: { enabled: true, jwksSource: null, jwtIssuer: null, jwtAudience: null, oidcClientId: null },
    });
    try {
      assert.equal((await m.request('GET', '/v0/pipelines')).status, 401);
      assert.equal(
        (await m.request('GET', '/v0/pipelines', undefined, { authorization: `Bearer ${key}` })).status,
        200,
      );
      const again = await runManager(['--create-api-key', 'admin', '--data-dir', dir]);
      assert.notEqual(again.code, 0, 'a second key with the same name is refused');
    } finally {
      await m.close();
    }
  });
});
