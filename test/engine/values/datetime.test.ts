import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addMonthsToDate,
  civilFromDays,
  daysFromCivil,
  formatDate,
  formatTime,
  formatTimestamp,
  parseDate,
  parseTime,
  parseTimestamp,
} from '../../../src/engine/values/datetime.js';
import { extractField } from '../../../src/engine/values/datetime-fields.js';

describe('datetime', () => {
  test('day numbers round-trip across the supported range', () => {
    for (let days = daysFromCivil(1, 1, 1); days <= daysFromCivil(9999, 12, 31); days += 997) {
      const [y, m, dd] = civilFromDays(days);
      assert.equal(daysFromCivil(y, m, dd), days);
    }
    assert.equal(daysFromCivil(1970, 1, 1), 0);
    assert.equal(formatDate(-1), '1969-12-31');
  });

  test('parses and validates dates, times and timestamps', () => {
    assert.equal(parseDate('2024-02-29'), daysFromCivil(2024, 2, 29));
    assert.equal(parseDate('2023-02-29'), undefined);
    assert.equal(parseDate('2024-13-01'), undefined);
    assert.equal(parseTime('23:59:59.999'), 86_399_999_000_000);
    assert.equal(parseTime('23:59:59.123456789'), 86_399_123_456_789);
    assert.equal(parseTime('24:00:00'), undefined);
    assert.equal(parseTimestamp('2024-01-02T03:04:05.006'), parseTimestamp('2024-01-02 03:04:05.006'));
    assert.equal(parseTimestamp('2024-01-02'), BigInt(daysFromCivil(2024, 1, 2)) * 86_400_000_000_000n);
    // TIMESTAMP keeps nanoseconds; digits past the ninth are cut.
    assert.equal(parseTimestamp('1970-01-01 00:00:00.123456789'), 123_456_789n);
    assert.equal(parseTimestamp('1970-01-01 00:00:00.1234567891'), 123_456_789n);
    assert.equal(parseTimestamp('1969-12-31 23:59:59.999999999'), -1n);
    assert.equal(parseTimestamp('2024-01-02T02:00:00+02:00'), parseTimestamp('2024-01-02 00:00:00'));
    assert.equal(
      parseTimestamp('2024-01-02T03:04:05.000000001-01:30'),
      parseTimestamp('2024-01-02 04:34:05.000000001'),
    );
  });

  test("prints Feldera's encoding: fractions only when not zero", () => {
    assert.equal(formatTime(3_600_000_000_000), '01:00:00');
    assert.equal(formatTime(3_600_120_000_000), '01:00:00.120');
    assert.equal(formatTime(3_600_000_001_000), '01:00:00.000001');
    assert.equal(formatTime(3_600_000_000_001), '01:00:00.000000001');
    assert.equal(formatTimestamp(parseTimestamp('1999-12-31 23:59:59.5')!), '1999-12-31 23:59:59.500');
    assert.equal(formatTimestamp(-1_000_000n), '1969-12-31 23:59:59.999');
    assert.equal(formatTimestamp(-1000n), '1969-12-31 23:59:59.999999');
    assert.equal(formatTimestamp(-1n), '1969-12-31 23:59:59.999999999');
    assert.equal(
      formatTimestamp(parseTimestamp('2024-01-02 03:04:05.123456789')!),
      '2024-01-02 03:04:05.123456789',
    );
    assert.equal(
      formatTimestamp(parseTimestamp('2024-01-02 03:04:05.1234567')!),
      '2024-01-02 03:04:05.123456700',
    );
    assert.equal(
      formatTimestamp(parseTimestamp('2024-01-02 03:04:05.000001')!, 'T'),
      '2024-01-02T03:04:05.000001',
    );
  });

  test('adding months clamps to the end of the month', () => {
    assert.equal(formatDate(addMonthsToDate(parseDate('2024-01-31')!, 1)), '2024-02-29');
    assert.equal(formatDate(addMonthsToDate(parseDate('2024-03-31')!, -13)), '2023-02-28');
  });

  test('EXTRACT fields', () => {
    const d = parseDate('2024-03-10')!; // A Sunday.
    assert.equal(extractField('DOW', d, 0), 1);
    assert.equal(extractField('ISODOW', d, 0), 7);
    assert.equal(extractField('DOY', d, 0), 70);
    assert.equal(extractField('QUARTER', d, 0), 1);
    assert.equal(extractField('WEEK', parseDate('2021-01-03')!, 0), 53);
    assert.equal(extractField('CENTURY', parseDate('2000-01-01')!, 0), 20);
    assert.equal(extractField('MILLISECOND', 0, 61_500_000_000), 1500);
  });
});
