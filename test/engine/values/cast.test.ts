import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeCast } from '../../../src/engine/values/cast.js';
import { Decimal } from '../../../src/engine/values/decimal.js';
import type { ColumnType } from '../../../src/engine/values/types.js';

const t = (type: ColumnType['type'], extra: Partial<ColumnType> = {}): ColumnType => ({
  type,
  nullable: true,
  ...extra,
});

describe('casts', () => {
  test('numeric conversions truncate toward zero and check ranges', () => {
    assert.equal(makeCast(t('DOUBLE'), t('INTEGER'))(-2.7), -2);
    assert.equal(
      makeCast(t('DECIMAL', { precision: 5, scale: 2 }), t('SMALLINT'))(Decimal.parse('-9.99')!),
      -9,
    );
    assert.throws(() => makeCast(t('INTEGER'), t('TINYINT'))(200), /out of range/);
    assert.throws(() => makeCast(t('BIGINT'), t('INTEGER'))(2n ** 40n), /out of range/);
    assert.equal(String(makeCast(t('DOUBLE'), t('DECIMAL', { precision: 10, scale: 1 }))(0.25)), '0.3');
  });

  test('strings convert to and from other types', () => {
    assert.equal(makeCast(t('VARCHAR'), t('INTEGER'))(' 12 '), 12);
    assert.throws(() => makeCast(t('VARCHAR'), t('INTEGER'))('twelve'), /not a number/);
    assert.equal(makeCast(t('INTEGER'), t('VARCHAR'))(12), '12');
    assert.equal(makeCast(t('BOOLEAN'), t('VARCHAR'))(true), 'TRUE');
    assert.equal(makeCast(t('VARCHAR'), t('BOOLEAN'))('false'), false);
    assert.equal(makeCast(t('CHAR', { precision: 4 }), t('VARCHAR'))('ab  '), 'ab');
    assert.equal(makeCast(t('DATE'), t('VARCHAR'))(0), '1970-01-01');
  });

  test('dates and timestamps', () => {
    // TIMESTAMPs are nanoseconds since the epoch.
    assert.equal(makeCast(t('TIMESTAMP'), t('DATE'))(129_600_000_000_000n), 1);
    assert.equal(makeCast(t('TIMESTAMP'), t('DATE'))(-1n), -1);
    assert.equal(makeCast(t('DATE'), t('TIMESTAMP'))(1), 86_400_000_000_000n);
    assert.equal(makeCast(t('TIMESTAMP'), t('TIME'))(-1n), 86_399_999_999_999);
    assert.equal(makeCast(t('TIME'), t('TIMESTAMP'))(1), 1n);
    // As text the fraction is dropped (Feldera's cast_to_s_Timestamp), before 1970 too.
    assert.equal(makeCast(t('TIMESTAMP'), t('VARCHAR'))(1_500_000_001n), '1970-01-01 00:00:01');
    assert.equal(makeCast(t('TIMESTAMP'), t('VARCHAR'))(-1n), '1969-12-31 23:59:59');
    assert.equal(makeCast(t('VARCHAR'), t('TIMESTAMP'))(' 1970-01-01 00:00:01.500000001 '), 1_500_000_001n);
    // As numbers they are milliseconds (Feldera's reference, "Timestamps"), floored.
    assert.equal(makeCast(t('TIMESTAMP'), t('BIGINT'))(1_999_999_999n), 1999n);
    assert.equal(makeCast(t('TIMESTAMP'), t('BIGINT'))(-1n), -1n);
    assert.equal(makeCast(t('BIGINT'), t('TIMESTAMP'))(1999n), 1_000_000_000n);
    assert.throws(() => makeCast(t('DATE'), t('INTEGER')), /cannot cast/);
    assert.throws(() => makeCast(t('BOOLEAN'), t('DATE')), /cannot cast/);
  });

  test('NULL casts to NULL', () => {
    assert.equal(makeCast(t('VARCHAR'), t('INTEGER'))(null), null);
  });
});
