import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCsvField, parseCsvField } from '../../../src/engine/index.js';
import type { ColumnType } from '../../../src/engine/values/types.js';

const t = (type: ColumnType['type'], nullable = true): ColumnType => ({ type, nullable });

describe('CSV fields', () => {
  test('parse typed values; empty is NULL except for strings', () => {
    assert.equal(parseCsvField(t('INTEGER'), ' 42 '), 42);
    assert.equal(parseCsvField(t('BIGINT'), '9007199254740993'), 9007199254740993n);
    assert.equal(parseCsvField(t('BOOLEAN'), 'TRUE'), true);
    assert.equal(parseCsvField(t('INTEGER'), ''), null);
    assert.equal(parseCsvField(t('VARCHAR'), ''), '');
    assert.throws(() => parseCsvField(t('INTEGER', false), ''), /NOT NULL/);
    assert.throws(() => parseCsvField(t('INTEGER'), 'x'), /expected an integer, got 'x'/);
    assert.throws(() => parseCsvField(t('INTEGER'), '1.5'), /expected an integer, got '1.5'/);
    assert.equal(parseCsvField(t('BIGINT'), '+007'), 7n);
  });

  test('format quotes fields that need it', () => {
    assert.equal(formatCsvField(t('VARCHAR'), 'a,b'), '"a,b"');
    assert.equal(formatCsvField(t('VARCHAR'), 'say "hi"'), '"say ""hi"""');
    assert.equal(formatCsvField(t('DATE'), 0), '1970-01-01');
    assert.equal(formatCsvField(t('INTEGER'), null), '');
  });

  test('non-finite floats round trip as Feldera writes them (NaN, inf, -inf)', () => {
    for (const type of [t('DOUBLE'), t('REAL')]) {
      assert.deepEqual(
        [Number.NaN, Infinity, -Infinity, 1.5].map((v) => formatCsvField(type, v)),
        ['NaN', 'inf', '-inf', '1.5'],
      );
      for (const v of [Number.NaN, Infinity, -Infinity, 0.1, -2e-300])
        assert.ok(
          Object.is(parseCsvField(type, formatCsvField(type, v)), type.type === 'REAL' ? Math.fround(v) : v),
        );
    }
    assert.equal(parseCsvField(t('DOUBLE'), 'Infinity'), Infinity);
    assert.throws(() => parseCsvField(t('DOUBLE'), '1e309'), /out of range/);
  });
});
