import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonSyntaxError, jsonRecords, type RawNumber } from '../../../src/runtime/formats/json-reader.js';

function readJsonRecords(text: string, array: boolean) {
  return Array.from(jsonRecords(text, array), (r) => r.node);
}

describe('jsonRecords', () => {
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

  test('yields each record with its range, and errors name the record being read', () => {
    const text = '{"a":1}\n [{"b":2}]\n{"c":3}';
    const recs = [...jsonRecords(text, false)];
    assert.deepEqual(
      recs.map((r) => text.slice(r.start, r.end)),
      ['{"a":1}', '[{"b":2}]', '{"c":3}'],
    );
    const inArrays = [...jsonRecords('[{"a":1}, {"a":2}] [] [{"a":3}]', true)];
    assert.equal(inArrays.length, 3);
    const recordOf = (body: string, array = false) => {
      try {
        for (const _ of jsonRecords(body, array)) {
          // Read every record.
        }
      } catch (err) {
        assert.ok(err instanceof JsonSyntaxError);
        return err.record;
      }
      return null;
    };
    assert.equal(recordOf('{"a":1}\n{"a":2} xyz'), 3);
    assert.equal(recordOf('{"a":1}\n{"a":'), 2);
    assert.equal(recordOf('[{"a":1}, {"a":2}, {"a":', true), 3);
    assert.equal(recordOf('[{"a":1}]\n{"a":1}', true), 2);
  });

  test('refuses a key given twice and a lone surrogate, which JSON.parse would accept', () => {
    assert.throws(() => readJsonRecords('{"id": 4001, "name": "x", "id": 1}', false), /"id" appears twice/);
    assert.throws(
      () => readJsonRecords('{"insert": {"id": 1}, "insert": {"id": 2}}', false),
      /appears twice/,
    );
    assert.throws(() => readJsonRecords('{"s": "\\ud800"}', false), /lone UTF-16 surrogate/);
    assert.throws(() => readJsonRecords('{"s": "\ud800"}', false), /lone UTF-16 surrogate/);
    const [pair] = readJsonRecords('{"s": "\\ud83d\\ude00", "t": "😀"}', false);
    assert.deepEqual({ ...(pair as object) }, { s: '😀', t: '😀' });
    assert.equal(
      readJsonRecords('{"a": {"k": 1}, "b": {"k": 2}}', false).length,
      1,
      'same key in two objects',
    );
  });
});
