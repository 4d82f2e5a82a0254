import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatTextTable, parseJsonValue } from '../../../src/engine/values/index.js';
import { errorLine, type OutputChunk, outputWriter } from '../../../src/runtime/adhoc/output.js';

/** The text formats' chunks are strings: their concatenation. */
function textOf(...chunks: OutputChunk[]): string {
  for (const c of chunks) assert.equal(typeof c, 'string');
  return chunks.join('');
}

const COLUMNS = [
  { name: 'id', type: { type: 'INTEGER' as const, nullable: false } },
  { name: 'name', type: { type: 'VARCHAR' as const, nullable: true } },
];

describe('ad-hoc output formats', () => {
  test('text: one batch prints exactly as formatTextTable; an empty result is the header', () => {
    const rows = [
      [1, 'ann'],
      [22, null],
    ];
    const out = outputWriter('text', COLUMNS);
    assert.equal(textOf(out.rows(rows), out.end()), formatTextTable(COLUMNS, rows));
    const empty = outputWriter('text', COLUMNS);
    assert.equal(textOf(empty.rows([]), empty.end()), formatTextTable(COLUMNS, []));
  });

  test('text: later batches continue the table, the closing rule comes at the end', () => {
    const out = outputWriter('text', COLUMNS);
    const text = textOf(out.rows([[1, 'ann']]), out.rows([[333, 'a much longer name']]), out.end());
    assert.equal(
      text,
      [
        '+----+------+',
        '| id | name |',
        '+----+------+',
        '| 1  | ann  |',
        '| 333 | a much longer name |',
        '+-----+--------------------+',
        '',
      ].join('\n'),
    );
  });

  test('json: a line per row; errors in-band as the error body or an ERROR line', () => {
    const out = outputWriter('json', COLUMNS);
    assert.equal(
      textOf(
        out.rows([
          [1, 'ann'],
          [2, null],
        ]),
        out.end(),
      ),
      '{"id":1,"name":"ann"}\n{"id":2,"name":null}\n',
    );
    const error = { message: 'too slow', error_code: 'AdHocQueryTimeout', details: { limit_secs: 1 } };
    assert.deepEqual(JSON.parse(errorLine('json', error) ?? ''), error);
    const TS = { type: 'TIMESTAMP' as const, nullable: true };
    const stamped = outputWriter('json', [{ name: 'at', type: TS }]);
    assert.equal(
      stamped.rows([[parseJsonValue(TS, '1970-01-01 00:00:01.5')]]),
      '{"at":"1970-01-01T00:00:01.500"}\n',
      'the ad-hoc (Arrow) form',
    );
    assert.equal(errorLine('text', error), 'ERROR: too slow [AdHocQueryTimeout]\n');
  });
});
