/**
 * TIMESTAMP WITH TIME ZONE values (engine/values/timestamp-tz.ts, the casts in cast.ts): the
 * literal's instant in nanoseconds since the epoch, zones and offsets, daylight-saving edges.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeCast } from '../../../src/engine/values/cast.js';
import { ValueError } from '../../../src/engine/values/errors.js';
import { parseTimestampTzLiteral } from '../../../src/engine/values/timestamp-tz.js';
import type { ColumnType } from '../../../src/engine/values/types.js';

const NS = 1_000_000_000n;
/** Nanoseconds since the epoch of a UTC time written as ISO text. */
const at = (iso: string, extraNs = 0n) => BigInt(Date.parse(`${iso}Z`)) * 1_000_000n + extraNs;

const TZ: ColumnType = { type: 'TIMESTAMP_TZ', nullable: false, precision: 6 };
const TS: ColumnType = { type: 'TIMESTAMP', nullable: false, precision: 0 };
const DATE: ColumnType = { type: 'DATE', nullable: false };
const TIME: ColumnType = { type: 'TIME', nullable: false, precision: 0 };

describe('TIMESTAMP WITH TIME ZONE literals', () => {
  test('IANA zones, fixed offsets with or without a space, and UTC', () => {
    assert.equal(parseTimestampTzLiteral('2024-01-15 10:30:00 America/New_York'), at('2024-01-15T15:30:00'));
    assert.equal(parseTimestampTzLiteral('2024-06-15 10:30:00 Europe/Berlin'), at('2024-06-15T08:30:00'));
    assert.equal(parseTimestampTzLiteral('2024-01-15 10:30:00 +05:30'), at('2024-01-15T05:00:00'));
    assert.equal(parseTimestampTzLiteral('2024-01-15 10:30:00-0800'), at('2024-01-15T18:30:00'));
    assert.equal(parseTimestampTzLiteral('2024-01-15 10:30:00 UTC'), at('2024-01-15T10:30:00'));
    assert.equal(parseTimestampTzLiteral('1969-12-31 23:59:59.5 UTC'), -NS / 2n);
  });

  test('the fraction keeps its microseconds', () => {
    assert.equal(parseTimestampTzLiteral('2024-01-15 10:30:00.000001 UTC'), at('2024-01-15T10:30:00', 1000n));
    assert.equal(
      parseTimestampTzLiteral('2024-01-15 10:30:00.123456 +01:00'),
      at('2024-01-15T09:30:00', 123_456_000n),
    );
  });

  test('a gap moves the time later by its length; an overlap takes the earlier offset', () => {
    // Europe/Berlin: 2024-03-31 02:00 -> 03:00 (gap); 2024-10-27 03:00 -> 02:00 (overlap).
    assert.equal(parseTimestampTzLiteral('2024-03-31 02:30:00 Europe/Berlin'), at('2024-03-31T01:30:00'));
    assert.equal(parseTimestampTzLiteral('2024-10-27 02:30:00 Europe/Berlin'), at('2024-10-27T00:30:00'));
    // Just outside the edges the offset is the one in force.
    assert.equal(parseTimestampTzLiteral('2024-03-31 03:00:00 Europe/Berlin'), at('2024-03-31T01:00:00'));
    assert.equal(parseTimestampTzLiteral('2024-10-27 03:00:00 Europe/Berlin'), at('2024-10-27T02:00:00'));
  });

  test('text of another form is not a literal', () => {
    for (const text of [
      '2024-01-15 10:30:00',
      '2024-01-15T10:30:00 UTC',
      '2024-01-15 10:30 UTC',
      '2024-01-15 10:30:00  UTC',
      '2024-01-15 10:30:00 UTC ',
      '2024-01-15 10:30:00.1234567 UTC',
      '2024-02-30 10:30:00 UTC',
      '2024-01-15 10:30:00 No/Such_Zone',
      '24-01-15 10:30:00 UTC',
    ])
      assert.equal(parseTimestampTzLiteral(text), undefined, text);
  });
});

describe('TIMESTAMP WITH TIME ZONE casts', () => {
  test('to and from TIMESTAMP, DATE and TIME on the UTC time', () => {
    const v = at('2024-01-15T23:30:00', 123_456_789n);
    assert.equal(makeCast(TS, TZ)(v), at('2024-01-15T23:30:00', 123_456_000n));
    assert.equal(makeCast(TS, TZ)(-1n), -1000n, 'cut toward the earlier microsecond');
    assert.equal(makeCast(TZ, TS)(v), v);
    assert.equal(makeCast(DATE, TZ)(19737), at('2024-01-15T00:00:00'));
    assert.equal(makeCast(TZ, DATE)(v), 19737);
    assert.equal(makeCast(TZ, TIME)(v), (23 * 3600 + 30 * 60) * 1e9 + 123_456_789);
    assert.equal(makeCast(TZ, TS)(null), null);
  });

  test('text, numbers, VARIANT and TIME into it are not castable (refused by the binder)', () => {
    const others: ColumnType[] = [
      { type: 'VARCHAR', nullable: false, precision: -1 },
      { type: 'BIGINT', nullable: false },
      { type: 'VARIANT', nullable: false },
    ];
    for (const t of others) {
      assert.throws(() => makeCast(TZ, t), ValueError);
      assert.throws(() => makeCast(t, TZ), ValueError);
    }
    assert.throws(() => makeCast(TIME, TZ), ValueError);
  });
});
