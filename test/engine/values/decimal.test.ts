import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decimal } from '../../../src/engine/values/decimal.js';

const d = (s: string) => Decimal.parse(s)!;

describe('Decimal', () => {
  test('parses and prints exactly, keeping the scale', () => {
    assert.equal(d('-12.50').toString(), '-12.50');
    assert.equal(d('.5').toString(), '0.5');
    assert.equal(d('1e3').toString(), '1000');
    assert.equal(d('1.5e-3').toString(), '0.0015');
    assert.equal(
      d('123456789012345678901234567890.123456789').toString(),
      '123456789012345678901234567890.123456789',
    );
    assert.equal(Decimal.parse('abc'), undefined);
    assert.equal(Decimal.parse('.'), undefined);
  });

  test('0.1 + 0.2 is exactly 0.3', () => {
    assert.equal(d('0.1').add(d('0.2')).toString(), '0.3');
    assert.equal(d('0.1').add(d('0.2')).compare(d('0.30')), 0);
  });

  test('rescaling rounds half away from zero', () => {
    assert.equal(d('2.345').rescale(2).toString(), '2.35');
    assert.equal(d('-2.345').rescale(2).toString(), '-2.35');
    assert.equal(d('2.344').rescale(2).toString(), '2.34');
    assert.equal(d('1.5').rescale(3).toString(), '1.500');
  });

  test('multiplication, division and modulo', () => {
    assert.equal(d('1.10').mul(d('3')).toString(), '3.30');
    assert.equal(d('1').div(d('3'), 6).toString(), '0.333333');
    assert.equal(d('2').div(d('3'), 2).toString(), '0.67');
    assert.equal(d('-7.5').mod(d('2')).toString(), '-1.5');
  });

  test('floor, ceil, round and precision checks', () => {
    assert.equal(d('-1.5').floor().toString(), '-2');
    assert.equal(d('-1.5').ceil().toString(), '-1');
    assert.equal(d('1.25').round(1).toString(), '1.30');
    assert.ok(d('999.99').fits(5, 2));
    assert.ok(!d('1000.00').fits(5, 2));
  });

  test('canonical form ignores trailing zeros (used for hashing)', () => {
    assert.equal(d('1.50').canonical(), d('1.5').canonical());
    assert.notEqual(d('1.5').canonical(), d('15').canonical());
  });
});
