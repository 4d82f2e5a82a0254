/** Keys, order and checkpoint encoding of binary, array, map, row and variant values. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StateReader, StateWriter } from '../../../src/engine/state-codec.js';
import { Decimal } from '../../../src/engine/values/decimal.js';
import { compareValues, SqlMap, type Value, Variant, valueKey } from '../../../src/engine/values/value.js';

const samples: Value[] = [
  null,
  new Uint8Array([1, 2]),
  new Uint8Array([1, 2, 0]),
  [1, null, 'x'],
  [1, null],
  [[1], ['a|b']],
  [['a'], ['|b']],
  new SqlMap([
    ['b', 2],
    ['a', 1],
  ]),
  new SqlMap([['a', 1]]),
  new Variant('INTEGER', 1),
  new Variant('TINYINT', 1),
  new Variant('DECIMAL', Decimal.parse('1.50')!),
  Variant.NULL,
  new Variant('ARRAY', [new Variant('VARCHAR', 'x'), null]),
];

describe('compound values', () => {
  test('keys are equal exactly when values compare equal', () => {
    for (const a of samples)
      for (const b of samples)
        assert.equal(
          valueKey(a) === valueKey(b),
          compareValues(a, b) === 0,
          `${valueKey(a)} vs ${valueKey(b)}`,
        );
  });

  test('maps are equal whatever order their entries were given in; the last duplicate key wins', () => {
    const m1 = new SqlMap([
      ['x', 1],
      ['y', 2],
    ]);
    const m2 = new SqlMap([
      ['y', 2],
      ['x', 0],
      ['x', 1],
    ]);
    assert.equal(valueKey(m1), valueKey(m2));
    assert.equal(m2.get('x'), 1);
    assert.equal(m2.get('z'), undefined);
  });

  test('order: arrays lexicographic with prefixes first; variants by runtime type first', () => {
    assert.ok(compareValues([1, null], [1, null, 'x']) < 0);
    assert.ok(compareValues([23, 56], [23, null]) > 0);
    assert.ok(compareValues(new Variant('TINYINT', 5), new Variant('INTEGER', 1)) < 0);
    assert.ok(compareValues(Variant.NULL, new Variant('BOOLEAN', false)) < 0);
    assert.ok(compareValues(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])) < 0);
  });

  test('the state codec round-trips every kind of value', () => {
    const w = new StateWriter();
    for (const v of samples) w.value(v);
    const r = new StateReader(w.finish());
    for (const v of samples) assert.equal(valueKey(r.value()), valueKey(v));
    assert.ok(r.done());
  });
});
