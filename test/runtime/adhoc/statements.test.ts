import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitStatements } from '../../../src/runtime/adhoc/statements.js';

test('statements split at ; outside literals, quoted identifiers and comments', () => {
  assert.deepEqual(splitStatements('SELECT 1'), ['SELECT 1']);
  assert.deepEqual(splitStatements('SELECT 1; SELECT 2;'), ['SELECT 1', 'SELECT 2']);
  assert.deepEqual(splitStatements(" SELECT 'a;b''c;' AS x ;SELECT \"d;e\" FROM t"), [
    "SELECT 'a;b''c;' AS x",
    'SELECT "d;e" FROM t',
  ]);
  assert.deepEqual(splitStatements('SELECT 1 -- one; two\n; /* ; */ SELECT 2'), [
    'SELECT 1 -- one; two',
    '/* ; */ SELECT 2',
  ]);
  assert.deepEqual(splitStatements(' ; -- nothing\n ; /* x */ ;'), [], 'only empty statements');
  assert.deepEqual(splitStatements("SELECT 'unterminated;"), ["SELECT 'unterminated;"]);
});
