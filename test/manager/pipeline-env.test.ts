/**
 * Issue 8, item 1: `runtime_config.env` cannot run code on the host, and a pipeline process
 * starts from an environment Sluice builds (src/manager/pipelines/pipeline-env.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { pipelinePid, startAndWait, stopAndWait } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

/** Variables that must be refused, each with a value that would do harm if it were run. */
const REFUSED: Record<string, string> = {
  NODE_OPTIONS: '--import=data:text/javascript,process.exit(42)',
  node_options: '--require=/tmp/x.js',
  NODE_PATH: '/tmp',
  NODE_EXTRA_CA_CERTS: '/tmp/ca.pem',
  LD_PRELOAD: '/tmp/evil.so',
  LD_LIBRARY_PATH: '/tmp',
  LD_AUDIT: '/tmp/evil.so',
  DYLD_INSERT_LIBRARIES: '/tmp/evil.dylib',
  GLIBC_TUNABLES: 'glibc.malloc.mxfast=0',
  PATH: '/tmp',
  IFS: ' ',
  BASH_ENV: '/tmp/rc',
  ENV: '/tmp/rc',
  SHELLOPTS: 'xtrace',
  PS4: '$(touch /tmp/pwned)',
  HOME: '/tmp',
  OPENSSL_CONF: '/tmp/openssl.cnf',
  OPENSSL_MODULES: '/tmp',
  SSL_CERT_FILE: '/tmp/ca.pem',
  SSL_CERT_DIR: '/tmp',
  GCONV_PATH: '/tmp',
  LOCPATH: '/tmp',
  HOSTALIASES: '/tmp/hosts',
  MALLOC_CHECK_: '3',
  TMPDIR: '/tmp/shared',
  UV_THREADPOOL_SIZE: '1',
  ESBUILD_BINARY_PATH: '/tmp/evil',
  SLUICE_PIPELINE_TOKEN: 'mine',
  SLUICE_DEBUG: '1',
  AWS_CONFIG_FILE: '/tmp/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/tmp/aws-credentials',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/etc/shadow',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.169.254/',
  AWS_PROFILE: 'admin',
  RUST_LOG: 'debug',
  FELDERA_FOO: '1',
  KUBERNETES_SERVICE_HOST: '10.0.0.1',
  TOKIO_WORKER_THREADS: '1',
  '1BAD': 'x',
  'A-B': 'x',
  'BASH_FUNC_x%%': '() { id; }',
  '': 'x',
};

/** Variables a user may set. */
const ACCEPTED: Record<string, string> = {
  MY_SETTING: 'hello world',
  TZ: 'UTC',
  LC_ALL: 'C.UTF-8',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  HTTP_PROXY: 'http://proxy.example:3128',
};

describe('runtime_config.env cannot change how the pipeline process runs', () => {
  let m: TestManager;
  let marker: string;
  let hook: string;
  before(async () => {
    m = await startTestManager();
    const dir = mkdtempSync(join(tmpdir(), 'sluice-env-'));
    marker = join(dir, 'ran');
    hook = join(dir, 'hook.cjs');
    writeFileSync(hook, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'code ran');\n`);
    const res = await m.request('POST', '/v0/pipelines', { name: 'env', program_code: SIMPLE_PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('env', (p) => p.program_status === 'Success', 15_000, 'compiled');
  });
  after(async () => {
    await m.close();
    rmSync(join(marker, '..'), { recursive: true, force: true });
  });

  function assertRefused(res: { status: number; body: unknown; text: string }, name: string): void {
    assertError(res, 400, 'InvalidRuntimeConfig');
    const body = res.body as { message: string; details: { variable: string } };
    assert.equal(body.details.variable, name, res.text);
    assert.ok(body.message.includes(JSON.stringify(name)), body.message);
  }

  test('every refused variable is refused at create, PUT and PATCH, naming it', async () => {
    const before = (await m.request('GET', '/v0/pipelines/env')).body;
    for (const [name, value] of Object.entries(REFUSED)) {
      const env = { [name]: value };
      assertRefused(
        await m.request('POST', '/v0/pipelines', {
          name: 'env-new',
          program_code: SIMPLE_PROGRAM,
          runtime_config: { env },
        }),
        name,
      );
      assertRefused(
        await m.request('PUT', '/v0/pipelines/env', {
          name: 'env',
          program_code: SIMPLE_PROGRAM,
          runtime_config: { env },
        }),
        name,
      );
      assertRefused(await m.request('PATCH', '/v0/pipelines/env', { runtime_config: { env } }), name);
    }
    assert.equal((await m.request('GET', '/v0/pipelines/env-new')).status, 404, 'nothing was created');
    const after = (await m.request('GET', '/v0/pipelines/env')).body;
    assert.deepEqual(after.runtime_config, before.runtime_config, 'nothing was changed');
    assert.equal(after.version, before.version);
  });

  test('a value with a NUL character is refused; harmless variables are accepted', async () => {
    assertRefused(
      await m.request('PATCH', '/v0/pipelines/env', { runtime_config: { env: { MY_SETTING: 'a\u0000b' } } }),
      'MY_SETTING',
    );
    const ok = await m.request('PATCH', '/v0/pipelines/env', { runtime_config: { env: ACCEPTED } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.runtime_config.env, ACCEPTED);
  });

  test('NODE_OPTIONS with --require, written straight into the store, does not start (no code runs)', async () => {
    const p = (await m.request('GET', '/v0/pipelines/env')).body;
    // A record stored before the rule: bypass the API and write it into SQLite.
    const db = new Database(join(m.dataDir, 'metadata.sqlite'));
    try {
      db.prepare(
        "UPDATE pipelines SET doc = json_set(doc, '$.runtime_config.env', json(?)) WHERE id = ?",
      ).run(JSON.stringify({ NODE_OPTIONS: `--require=${hook}` }), p.id);
    } finally {
      db.close();
    }
    const start = await m.request('POST', '/v0/pipelines/env/start');
    assertRefused(start, 'NODE_OPTIONS');
    const after = (await m.request('GET', '/v0/pipelines/env')).body;
    assert.equal(after.deployment_status, 'Stopped');
    assert.equal(after.deployment_desired_status, 'Stopped');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(existsSync(marker), false, 'the hook ran');
  });

  test('the executor refuses it too, when the record asks to run without going through /start', async () => {
    const p = (await m.request('GET', '/v0/pipelines/env')).body;
    const db = new Database(join(m.dataDir, 'metadata.sqlite'));
    try {
      db.prepare(
        `UPDATE pipelines SET doc = json_set(doc, '$.deployment_resources_desired_status', 'Provisioned',
           '$.deployment_runtime_desired_status', 'Running', '$.deployment_initial', 'Running') WHERE id = ?`,
      ).run(p.id);
    } finally {
      db.close();
    }
    const failed = await m.waitFor('env', (x) => x.deployment_error !== null, 15_000, 'deployment_error');
    assert.equal(failed.deployment_error.error_code, 'InvalidRuntimeConfig');
    assert.equal(failed.deployment_error.details.variable, 'NODE_OPTIONS');
    await m.waitFor('env', (x) => x.deployment_status === 'Stopped', 15_000, 'Stopped');
    assert.equal(existsSync(join(m.dataDir, 'pipelines', p.id, 'runtime.json')), false, 'a process started');
    assert.equal(existsSync(marker), false, 'the hook ran');
    assert.equal((await m.request('POST', '/v0/pipelines/env/dismiss_error')).status, 200);
  });
});

describe('the environment of a pipeline process', () => {
  let m: TestManager;
  const secret = `manager-only-${process.pid}-${Date.now()}`;
  before(async () => {
    // Secrets of the manager's own environment, which no pipeline may see.
    process.env.SLUICE_TEST_MANAGER_SECRET = secret;
    process.env.AWS_SECRET_ACCESS_KEY = secret;
    process.env.DATABASE_PASSWORD = secret;
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
    delete process.env.SLUICE_TEST_MANAGER_SECRET;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.DATABASE_PASSWORD;
  });

  test("/proc/<pid>/environ holds the user's variables and a few of the manager's, none of its secrets", async (t) => {
    if (!existsSync('/proc/self/environ')) {
      t.skip('no /proc on this system: cannot read a process environment');
      return;
    }
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'envproc',
      program_code: SIMPLE_PROGRAM,
      runtime_config: { env: { MY_SETTING: 'hello world', TZ: 'UTC' } },
    });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('envproc', (p) => p.program_status === 'Success', 15_000, 'compiled');
    const p = await startAndWait(m, 'envproc');
    const raw = readFileSync(`/proc/${pipelinePid(m, p)}/environ`, 'utf8');
    const env = new Map(
      raw
        .split('\0')
        .filter((e) => e.length > 0)
        .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as const),
    );
    assert.equal(env.get('MY_SETTING'), 'hello world');
    assert.equal(env.get('TZ'), 'UTC');
    assert.match(env.get('SLUICE_PIPELINE_TOKEN') ?? '', /^[0-9a-f]{48}$/);
    assert.ok(!raw.includes(secret), 'a secret of the manager reached the pipeline');
    assert.equal(
      env.get('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'),
      'true',
      'a default of the process',
    );
    const passed =
      /^(PATH|HOME|LANG|LANGUAGE|LC_.*|TZ|TMPDIR|SLUICE_DEBUG|SLUICE_PIPELINE_TOKEN|MY_SETTING|AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED)$/;
    for (const name of env.keys()) assert.match(name, passed, `unexpected variable ${name}`);
    if (process.env.PATH) assert.equal(env.get('PATH'), process.env.PATH);
    await stopAndWait(m, 'envproc', true);
  });
});
