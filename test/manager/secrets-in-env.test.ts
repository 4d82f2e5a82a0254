/**
 * Issue 8, item 10: values of `runtime_config.env` entries named like credentials are
 * redacted like `secret_key`: not returned, kept on a write-back of the placeholder, and
 * scrubbed from the pipeline's log.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isSecretEnvVariable, REDACTED } from '../../src/types/secrets.js';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { pipelineLog, pipelinePid, startAndWait, stopAndWait } from '../helpers/pipeline.js';

/** The pipeline's name doubles as a secret value, so that its log has a line to scrub. */
const NAME = 'envsecret7x3q';

const SECRET: Record<string, string> = {
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLETOKEN',
  DB_PASSWORD: NAME,
  GITHUB_TOKEN: 'ghp_example0123456789',
  STRIPE_API_KEY: 'sk_test_example',
  SIGNING_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----',
  OAUTH_CLIENT_SECRET_VALUE: 'client-secret-example',
  ENCRYPTION_KEY: 'k3y-example',
  DATABASE_URL: 'postgres://app:s3cr3t@db.internal:5432/app',
  db_passwd: 'lower-case-name',
  SMTP_PASS: 'mail-pass-example',
  WEBHOOK_HMAC: 'hmac-example',
  KAFKA_SASL_JAAS: 'org.apache.kafka.common.security.plain.PlainLoginModule required password="x";',
};
const PLAIN: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_REGION: 'eu-west-1',
  MY_SETTING: 'visible',
  SERVICE_URL: 'https://api.example.com/v1',
  PASSENGER_COUNT: '4',
};

describe('credentials in runtime_config.env', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('the name rule', () => {
    for (const [k, v] of Object.entries(SECRET)) assert.ok(isSecretEnvVariable(k, v), k);
    for (const [k, v] of Object.entries(PLAIN)) assert.ok(!isSecretEnvVariable(k, v), k);
    assert.ok(!isSecretEnvVariable('PWD', '/home/x'), "the shell's PWD is a directory");
    assert.ok(isSecretEnvVariable('MYSQL_PWD', 'x'));
  });

  test('GET shows the placeholder; a write-back keeps the stored value; the process gets it', async () => {
    const env = { ...SECRET, ...PLAIN };
    const created = await m.request('POST', '/v0/pipelines', {
      name: NAME,
      program_code: SIMPLE_PROGRAM,
      runtime_config: { env },
    });
    assert.equal(created.status, 201, created.text);
    const expected = {
      ...Object.fromEntries(Object.keys(SECRET).map((k) => [k, REDACTED])),
      ...PLAIN,
    };
    assert.deepEqual(created.body.runtime_config.env, expected);
    // (DB_PASSWORD's value is also the pipeline's name, which responses carry as `name`.)
    const secretValues = Object.values(SECRET).filter((v) => v !== NAME);
    for (const value of secretValues) assert.ok(!created.text.includes(value), value);
    const got = await m.request('GET', `/v0/pipelines/${NAME}`);
    assert.deepEqual(got.body.runtime_config.env, expected);
    const list = await m.request('GET', '/v0/pipelines');
    for (const value of secretValues) assert.ok(!list.text.includes(value), value);

    // Read, change one field, write back: the placeholders keep what is stored.
    const patched = await m.request('PATCH', `/v0/pipelines/${NAME}`, {
      runtime_config: {
        ...got.body.runtime_config,
        env: { ...got.body.runtime_config.env, MY_SETTING: 'changed' },
      },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.runtime_config.env.MY_SETTING, 'changed');
    await m.waitFor(NAME, (p) => p.program_status === 'Success', 15_000, 'compiled');

    const p = await startAndWait(m, NAME);
    if (existsSync('/proc/self/environ')) {
      const environ = readFileSync(`/proc/${pipelinePid(m, p)}/environ`, 'utf8').split('\0');
      for (const [k, v] of Object.entries(SECRET))
        assert.ok(environ.includes(`${k}=${v}`), `${k} lost its value`);
    }
    // The process logs "pipeline '<name>' initializing"; the name is DB_PASSWORD's value.
    const log = pipelineLog(m, p);
    assert.match(log, /pipeline '<redacted>' initializing/);
    assert.ok(!log.includes(NAME), 'a secret from env reached the log');
    await stopAndWait(m, NAME, true);
  });
});
