import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderErrorDocs } from '../../src/types/error-docs.js';
import { ApiError, ERROR_CODES } from '../../src/types/errors.js';

test('every registered error code is documented in docs/errors.md (run npm run docs:errors)', () => {
  const docs = readFileSync('docs/errors.md', 'utf8');
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.ok(docs.includes(`| \`${code}\` | ${info.status} |`), `docs/errors.md lacks ${code}`);
  }
  assert.equal(docs, renderErrorDocs(), 'docs/errors.md is out of date');
});

test("codes are CamelCase (Feldera's dotted RuntimeError.* too) with a description and an HTTP error status", () => {
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^[A-Z][A-Za-z]+(\.[A-Z][A-Za-z]+)?$/);
    assert.ok(info.description.length > 10, code);
    assert.ok(info.status >= 400 && info.status < 600, code);
  }
});

test('ApiError serializes to the reference shape with its status', () => {
  const err = new ApiError('UnknownPipelineName', "Unknown pipeline name 'x'", { pipeline_name: 'x' });
  assert.equal(err.status, 404);
  assert.deepEqual(err.toBody(), {
    message: "Unknown pipeline name 'x'",
    error_code: 'UnknownPipelineName',
    details: { pipeline_name: 'x' },
  });
});
