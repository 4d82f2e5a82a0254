/** Interval values: qualifiers, parsing their text, Feldera's cast-to-string forms, unit casts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDays, daysFromCivil } from '../../../src/engine/values/datetime.js';
import {
  formatInterval,
  intervalFromUnits,
  intervalType,
  intervalUnits,
  parseInterval,
  unionIntervalType,
} from '../../../src/engine/values/interval.js';
import type { ColumnType } from '../../../src/engine/values/types.js';

const type = (from: Parameters<typeof intervalType>[0], to: Parameters<typeof intervalType>[1] = null) =>
  intervalType(from, to, false) as ColumnType;

describe('interval values', () => {
  test('qualifiers: the combinations SQL has, and the span of two', () => {
    assert.equal(type('DAY', 'SECOND').type, 'INTERVAL_DAY_SECOND');
    assert.equal(type('YEAR', 'MONTH').type, 'INTERVAL_YEAR_MONTH');
    assert.equal(intervalType('MONTH', 'DAY', false), undefined);
    assert.equal(intervalType('SECOND', 'HOUR', false), undefined);
    assert.equal(unionIntervalType(type('HOUR'), type('SECOND'), true).type, 'INTERVAL_HOUR_SECOND');
    assert.equal(unionIntervalType(type('YEAR'), type('MONTH'), false).type, 'INTERVAL_YEAR_MONTH');
  });

  test('parses the text of each qualifier; a sign applies to every field', () => {
    assert.equal(parseInterval('20-07', type('YEAR', 'MONTH')), 247);
    assert.equal(parseInterval('-1 2:03:04', type('DAY', 'SECOND')), -93_784_000_000n);
    assert.equal(parseInterval('80:01.001', type('MINUTE', 'SECOND')), 4_801_001_000n);
    assert.equal(parseInterval('+5:45:33.000000', type('HOUR', 'SECOND')), 20_733_000_000n);
    assert.equal(parseInterval('0.0000015', type('SECOND')), 1n);
    for (const [text, t] of [
      ['1-12', type('YEAR', 'MONTH')],
      ['1 24', type('DAY', 'HOUR')],
      ['1:60', type('HOUR', 'MINUTE')],
      ['1 2', type('DAY')],
      ['x', type('MONTH')],
      ['1 2:3', type('DAY', 'SECOND')],
    ] as const)
      assert.equal(parseInterval(text, t), undefined, text);
  });

  test("prints Feldera's cast forms, leading field unbounded", () => {
    assert.equal(formatInterval(type('YEAR', 'MONTH'), -2), '-0-02');
    assert.equal(formatInterval(type('YEAR'), 71), '+5');
    assert.equal(formatInterval(type('MONTH'), -160), '-160');
    assert.equal(formatInterval(type('DAY', 'HOUR'), -84_686_400_000_000n), '-980 04');
    assert.equal(formatInterval(type('HOUR', 'SECOND'), 160_342_920_000_000n), '+44539:42:00.000000');
    assert.equal(formatInterval(type('SECOND'), -1_500_000n), '-1.500000');
    assert.equal(formatInterval(type('DAY', 'SECOND'), 86_400_000_000n), '+1 00:00:00.000000');
    const difference = { ...type('DAY', 'SECOND'), precision: 0 };
    assert.equal(formatInterval(difference, 86_400_000_000n), '+1 00:00:00');
    assert.equal(formatInterval(difference, 86_400_500_000n), '+1 00:00:00.500000');
  });

  test('casts to and from numbers of units truncate toward zero', () => {
    assert.equal(intervalUnits(type('MINUTE'), -119_000_000n), -1n);
    assert.equal(intervalUnits(type('YEAR'), -14), -1n);
    assert.equal(intervalFromUnits(type('HOUR'), 2n), 7_200_000_000n);
    assert.equal(intervalFromUnits(type('YEAR'), 2n), 24);
    assert.equal(intervalFromUnits(type('SECOND'), 1.5), 1_500_000n);
    assert.throws(() => intervalFromUnits(type('MONTH'), 2n ** 40n), /out of range/);
  });

  test('dates past the range Feldera can hold are errors', () => {
    assert.equal(checkDays(daysFromCivil(262142, 12, 31)), daysFromCivil(262142, 12, 31));
    assert.throws(() => checkDays(daysFromCivil(262143, 1, 1)), /out of range/);
  });
});
