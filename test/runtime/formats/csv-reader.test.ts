import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvSyntaxError, csvRecords } from '../../../src/runtime/formats/csv-reader.js';

function parseCsv(text: string): string[][] {
  return Array.from(csvRecords(text), (r) => r.fields);
}

test('parses RFC 4180 CSV', () => {
  assert.deepEqual(parseCsv('1,a\r\n2,"b,c"\n3,"say ""hi"""\n4,"multi\nline"\n\n5,\n'), [
    ['1', 'a'],
    ['2', 'b,c'],
    ['3', 'say "hi"'],
    ['4', 'multi\nline'],
    ['5', ''],
  ]);
  assert.deepEqual(parseCsv('x,y'), [['x', 'y']]);
  assert.deepEqual(parseCsv(''), []);
});

test('rejects malformed quoting with the record number', () => {
  assert.throws(
    () => parseCsv('1,a\n2,"unterminated'),
    (err: unknown) => err instanceof CsvSyntaxError && err.record === 2,
  );
  assert.throws(() => parseCsv('1,"a"b'), CsvSyntaxError);
});

test('yields the range of each record', () => {
  const text = '1,a\r\n\n2,"b\nc"\n3';
  assert.deepEqual(
    Array.from(csvRecords(text), (r) => text.slice(r.start, r.end)),
    ['1,a', '2,"b\nc"', '3'],
  );
});
