/**
 * Issue 8 (item 4 for ingest): a validated body keeps its text and where each chunk of
 * records starts, and decodes a chunk when its rows are read. Whatever the chunk size and
 * however the rows are read in parts, they are the rows decoding the whole body gives, for
 * CSV and for JSON in every form the decoder reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeIngress,
  type IngressOptions,
  scanIngress,
  scanIngressSliced,
  type TableShape,
} from '../../../src/runtime/formats/ingress.js';
import { ApiError } from '../../../src/types/errors.js';

const table: TableShape = {
  name: 't',
  columns: [
    { name: 'id', caseSensitive: false, type: { type: 'BIGINT', nullable: false } },
    { name: 's', caseSensitive: false, type: { type: 'VARCHAR', nullable: true, precision: -1 } },
  ],
  primaryKey: [0],
};

const json: IngressOptions = { format: 'json', updateFormat: 'insert_delete', array: false };

/** Bodies of 23 records each, in every format, with what makes resuming mid-body hard. */
const n = 23;
const bodies: Array<[string, IngressOptions, string]> = [
  [
    'csv: quoted newlines and commas, CRLF, blank lines',
    { ...json, format: 'csv' },
    Array.from({ length: n }, (_, i) => (i % 4 === 0 ? `${i},"a,\n""b"""` : `${i},s${i}`))
      .join('\r\n')
      .replace('5,s5', '\n5,s5'),
  ],
  [
    'ndjson: insert, delete, update, varied whitespace',
    json,
    Array.from({ length: n }, (_, i) =>
      i % 3 === 0
        ? `{"delete": {"id": ${i}}}`
        : i % 3 === 1
          ? `  {"update": {"id": ${i}, "s": "u\\n${i}"}}`
          : `{"insert": [${i}, "x ]},"]}`,
    ).join('\n \n'),
  ],
  [
    'json arrays: several arrays, empty ones, elements spread over lines',
    { ...json, updateFormat: 'raw', array: true },
    `[] [${Array.from({ length: 10 }, (_, i) => `{"id": ${i}, "s": "[${i}]"}`).join(',\n ')}] [] [${Array.from(
      { length: n - 10 },
      (_, i) => `[${i + 10}, null]`,
    ).join(' , ')}]`,
  ],
  [
    'weighted: records of weight 0 hold no row',
    { ...json, updateFormat: 'weighted' },
    Array.from(
      { length: n },
      (_, i) => `{"weight": ${i % 5 === 0 ? 0 : i % 2 ? 2 : -1}, "data": {"id": ${i}}}`,
    ).join('\n'),
  ],
];

const text = (rows: unknown) =>
  JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

describe('IngressRows: a body decoded a chunk at a time', () => {
  for (const [name, options, body] of bodies) {
    test(`${name}: every chunk size and part size reads the whole-body rows`, async () => {
      const whole = decodeIngress(table, body, options).rows;
      assert.ok(whole.length > 10, `${name} decodes to rows`);
      for (const chunk of [1, 2, 3, 5, 7, 100]) {
        const rows = scanIngress(table, body, options, chunk);
        assert.equal(rows.count, whole.length);
        assert.equal(text(rows.read(0, rows.count)), text(whole), `chunks of ${chunk}, read whole`);
        for (const part of [1, 2, 4, 9]) {
          const read = [];
          for (let from = 0; from < rows.count; from += part) {
            read.push(...rows.read(from, Math.min(rows.count, from + part)));
          }
          assert.equal(text(read), text(whole), `chunks of ${chunk}, parts of ${part}`);
        }
        // Reading out of order decodes again what is not cached.
        assert.equal(text(rows.read(3, 6)), text(whole.slice(3, 6)));
        assert.equal(text(rows.read(0, 2)), text(whole.slice(0, 2)));
      }
      const sliced = await scanIngressSliced(table, Buffer.from(body), options, 4);
      assert.equal(text(sliced.read(0, sliced.count)), text(whole));
      assert.equal(sliced.text, body);
    });
  }

  test('a bad record anywhere is refused by the validating pass, naming it', () => {
    const body = `${Array.from({ length: 30 }, (_, i) => `${i},a`).join('\n')}\nx,b\n`;
    assert.throws(
      () => scanIngress(table, body, { ...json, format: 'csv' }, 4),
      (err: unknown) =>
        err instanceof ApiError &&
        err.errorCode === 'ParseError' &&
        (err.details as { record: number }).record === 31,
    );
  });
});
