import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Decimal,
  JsonNumberText,
  parseJsonValue,
  rowToJsonText,
  toJsonValue,
  ValueError,
  valueToJsonText,
} from '../../../src/engine/index.js';
import type { ColumnType } from '../../../src/engine/values/types.js';

const t = (type: ColumnType['type'], extra: Partial<ColumnType> = {}): ColumnType => ({
  type,
  nullable: true,
  ...extra,
});

describe('JSON codec', () => {
  test('BIGINT and DECIMAL are exact when the raw text is given', () => {
    assert.equal(parseJsonValue(t('BIGINT'), 9007199254740992, '9007199254740993'), 9007199254740993n);
    const dec = parseJsonValue(t('DECIMAL', { precision: 30, scale: 10 }), 0.1, '0.1000000000000000055511');
    assert.equal(String(dec), '0.1000000000');
    assert.equal(String(parseJsonValue(t('DECIMAL', { precision: 10, scale: 2 }), '12.345')), '12.35');
  });

  test('dates and times use Feldera strings', () => {
    const ts = parseJsonValue(t('TIMESTAMP'), '2024-05-06 07:08:09.010');
    assert.equal(toJsonValue(t('TIMESTAMP'), ts), '2024-05-06 07:08:09.010');
    assert.equal(valueToJsonText(t('DATE'), parseJsonValue(t('DATE'), '2024-05-06')), '"2024-05-06"');
    assert.equal(toJsonValue(t('TIME'), parseJsonValue(t('TIME'), '07:08:09')), '07:08:09');
  });

  test('rejects wrong types, out-of-range values and NULL in NOT NULL columns', () => {
    assert.throws(() => parseJsonValue(t('INTEGER'), 2 ** 31), ValueError);
    assert.throws(() => parseJsonValue(t('TINYINT'), 1.5), ValueError);
    assert.throws(() => parseJsonValue(t('BOOLEAN'), 'yes'), ValueError);
    assert.throws(() => parseJsonValue(t('DATE'), '2024-02-30'), ValueError);
    assert.throws(() => parseJsonValue(t('DECIMAL', { precision: 4, scale: 2 }), 123.4), /out of range/);
    assert.throws(() => parseJsonValue({ type: 'INTEGER', nullable: false }, null), /NOT NULL/);
    assert.throws(() => parseJsonValue(t('VARCHAR'), 5), /expected VARCHAR/);
  });

  test('CHAR(n) and VARCHAR(n) keep the string the source sent, as Feldera does', () => {
    assert.equal(parseJsonValue(t('CHAR', { precision: 3 }), 'a'), 'a');
    assert.equal(parseJsonValue(t('CHAR'), 'hello'), 'hello');
    assert.equal(parseJsonValue(t('VARCHAR', { precision: 2 }), 'abc'), 'abc');
  });

  test('rows print as exact JSON objects', () => {
    const columns = [
      { name: 'id', type: t('BIGINT') },
      { name: 'price', type: t('DECIMAL', { precision: 10, scale: 2 }) },
      { name: 'name "q"', type: t('VARCHAR') },
      { name: 'ok', type: t('BOOLEAN') },
      { name: 'x', type: t('DOUBLE') },
    ];
    const row = [12345678901234567n, Decimal.parse('1.50')!, 'a"b', true, Number.NaN];
    assert.equal(
      rowToJsonText(columns, row),
      '{"id":12345678901234567,"price":1.50,"name \\"q\\"":"a\\"b","ok":true,"x":null}',
    );
    const v = toJsonValue(t('BIGINT'), 5n);
    assert.ok(v instanceof JsonNumberText);
    assert.equal(JSON.stringify({ v }), '{"v":5}');
  });

  test('non-finite floats are written as null (as Feldera and serde_json do); out-of-range input is refused', () => {
    assert.equal(rowToJsonText([{ name: 'x', type: t('DOUBLE') }], [Number.NaN]), '{"x":null}');
    assert.equal(valueToJsonText(t('REAL'), -Infinity), 'null');
    assert.throws(() => parseJsonValue(t('DOUBLE'), Infinity, '1e309'), /out of range for DOUBLE/);
    assert.throws(() => parseJsonValue(t('INTEGER'), '1'), /expected INTEGER, got string/);
    assert.throws(() => parseJsonValue(t('BIGINT'), 1, '1.0'), /expected an integer/);
    assert.equal(String(parseJsonValue(t('DECIMAL', { precision: 5, scale: 1 }), '12.5')), '12.5');
  });
});
