/**
 * When fast-xml-parser cannot be imported (s3-xml.ts imports it on first use), the failure is
 * not remembered, and the S3 client still names a store's refusal by its HTTP status, the part
 * that decides retries and "absent". Node 20 has no `mock.module`, so a child process runs with
 * an ESM resolve hook (fixtures/xml-import-fails*.mjs) that fails the first two resolutions of
 * the package, against a real `node:http` server answering 403 with an S3 error document.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const FIXTURES = join(import.meta.dirname, 'fixtures');

test('a failed import of the XML library is tried again, and meanwhile errors are named by their HTTP status', () => {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', './xml-import-fails.mjs', 'xml-import-fails.ts'],
    { cwd: FIXTURES, env: { ...process.env, FAIL_XML_IMPORTS: '2' }, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  const steps = JSON.parse(child.stdout);

  // 1. The import fails: parsing rejects with the import's error.
  assert.equal(steps.parseWhileFailing.ok, false);
  assert.match(steps.parseWhileFailing.message, /Cannot find package 'fast-xml-parser'/);
  // 2. The import fails again, this time while the client builds the error of a 403: its error
  // document cannot be read, and the error is named by the status instead of failing.
  assert.deepEqual(steps.errorWhileFailing, { ok: false, name: 'Forbidden', message: '', status: 403 });
  // 3. Neither failure was remembered: the next use imports the library and parsing works.
  assert.deepEqual(steps.parseAgain, {
    ok: true,
    value: { objects: [{ key: 'k', size: 3, lastModified: new Date(0).toISOString() }], nextToken: null },
  });
  // 4. And the same refusal is now named by the store's code.
  assert.deepEqual(steps.errorAgain, {
    ok: false,
    name: 'AccessDenied',
    message: 'Access Denied',
    status: 403,
  });
});
