import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderSqlCoverage } from '../../scripts/sql-coverage.js';

test('docs/sql.md has the current coverage tables (run npm run docs:sql)', () => {
  assert.ok(readFileSync('docs/sql.md', 'utf8').includes(renderSqlCoverage()));
});
