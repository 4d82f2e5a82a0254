import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Union } from '../../../src/engine/operators/union.js';
import { checkOperatorLaws } from '../../helpers/sql-operator-law.js';

describe('Union', () => {
  test('sums its inputs', () => {
    const out = new Union().step([[{ row: [1], weight: 1 }], [{ row: [1], weight: 1 }]]);
    assert.equal(out.length, 2);
  });

  test('incrementalization law', () => {
    for (let seed = 1; seed <= 20; seed++)
      checkOperatorLaws({ make: () => new Union(), widths: [3, 3], seed });
  });
});
