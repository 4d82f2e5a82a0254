import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  JsonSyntaxError,
  type RawNumber,
  readJsonRecords,
} from '../../../src/runtime/formats/json-reader.js';

describe('readJsonRecords', () => {
  test('keeps the exact text of numbers', () => {
    const [rec] = readJsonRecords(
      '{"a": 12345678901234567890, "b": 0.1000000000000000055, "c": -1e3}',
      false,
    );
    const obj = rec as Record<string, RawNumber>;
    assert.equal(obj.a?.text, '12345678901234567890');
    assert.equal(obj.b?.text, '0.1000000000000000055');
    assert.equal(obj.c?.text, '-1e3');
  });

  test('reads newline-delimited values and arrays', () => {
    assert.equal(readJsonRecords('{"a":1}\n{"a":2}\n\n{"a":3}', false).length, 3);
    assert.equal(readJsonRecords('[{"a":1},{"a":2}]\n[{"a":3}]', true).length, 3);
    assert.deepEqual(readJsonRecords('  ', false), []);
  });

  test('strings with escapes and unicode', () => {
    const [rec] = readJsonRecords('{"s": "a\\"b\\n\\u00e9", "t": "plain ü"}', false);
    assert.deepEqual(rec, Object.assign(Object.create(null), { s: 'a"b\né', t: 'plain ü' }));
  });

  test('reports malformed input with its line', () => {
    assert.throws(
      () => readJsonRecords('{"a":1}\n{"a":', false),
      (err: unknown) => {
        assert.ok(err instanceof JsonSyntaxError);
        assert.equal(err.line, 2);
        return true;
      },
    );
    assert.throws(() => readJsonRecords('{"a" 1}', false), JsonSyntaxError);
    assert.throws(() => readJsonRecords('{"a":1}', true), JsonSyntaxError);
    assert.throws(() => readJsonRecords('[1,]', true), JsonSyntaxError);
    assert.throws(() => readJsonRecords('{"a": tru}', false), JsonSyntaxError);
    assert.throws(() => readJsonRecords('"\u0001"', false), JsonSyntaxError);
  });

  test('refuses absurd nesting instead of overflowing the stack', () => {
    assert.throws(() => readJsonRecords('['.repeat(100_000), false), JsonSyntaxError);
  });
});
