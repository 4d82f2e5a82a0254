/**
 * CAST and SAFE_CAST between the reference's types, as Feldera's runtime does them (its cast
 * table of the illegal-argument tests): float text in ryu's layout, failed text parses, the
 * numeric and TIMESTAMP conversions, and SAFE_CAST's NULL instead of an error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql, evalValues, type Table } from '../../helpers/sql-eval.js';

const ROW: Table = {
  columns: 'i INT, d DECIMAL(6, 2), r REAL, f DOUBLE, s VARCHAR, ts TIMESTAMP, t TIME, m MAP<VARCHAR, INT>',
  rows: [
    {
      i: -12,
      d: -1111.52,
      r: -57681.18,
      f: -38.2711234601246,
      s: 'hello ',
      ts: '2020-06-21 14:23:44.123',
      t: '14:23:44.456',
      m: { a: 12, b: 17 },
    },
  ],
};

describe('casts', () => {
  test('numbers to text: whole floats keep .0, tiny and huge ones are scientific', () => {
    assert.deepEqual(
      evalValues(
        [
          'CAST(CAST(i AS REAL) AS VARCHAR)',
          'CAST(CAST(i AS DOUBLE) AS VARCHAR)',
          'CAST(r AS VARCHAR)',
          'CAST(CAST(r AS DOUBLE) AS VARCHAR)',
          'CAST(CAST(f AS REAL) AS VARCHAR)',
          'CAST(f AS VARCHAR)',
          'CAST(d AS VARCHAR)',
          'CAST(1.6631e-6 AS VARCHAR)',
          'CAST(1e16 AS VARCHAR)',
          'CAST(0.00001e0 AS VARCHAR)',
          'CAST(TRUE AS VARCHAR)',
        ],
        ROW,
      ),
      [
        '"-12.0"',
        '"-12.0"',
        '"-57681.18"',
        '"-57681.1796875"',
        '"-38.271122"',
        '"-38.2711234601246"',
        '"-1111.52"',
        '"1.6631e-6"',
        '"1e16"',
        '"0.00001"',
        '"TRUE"',
      ],
    );
  });

  test('text to numbers and BOOLEAN', () => {
    assert.deepEqual(
      evalValues(
        [
          'CAST(s AS REAL)',
          'CAST(s AS DOUBLE)',
          'CAST(s AS BOOLEAN)',
          "CAST(' True ' AS BOOLEAN)",
          "CAST('12' AS INT)",
          "CAST('1.5' AS DECIMAL(3, 1))",
        ],
        ROW,
      ),
      ['0', '0', 'false', 'true', '12', '1.5'],
    );
    assert.throws(() => evalSql('CAST(s AS INT) AS x', ROW), /cannot convert 'hello ' to INTEGER/);
  });

  test('numbers and TIMESTAMPs: milliseconds since the epoch', () => {
    assert.deepEqual(
      evalValues(
        [
          'CAST(i AS TIMESTAMP)',
          'CAST(d AS TIMESTAMP)',
          'CAST(r AS TIMESTAMP)',
          'CAST(ts AS DECIMAL)',
          'CAST(ts AS BIGINT)',
          'CAST(CAST(ts AS DOUBLE) AS VARCHAR)',
          'CAST(t AS TIMESTAMP)',
        ],
        ROW,
      ),
      [
        '"1970-01-01 00:00:00"',
        '"1969-12-31 23:59:59"',
        '"1969-12-31 23:59:03"',
        '1592749424123',
        '1592749424123',
        '"1592749424123.0"',
        '"1970-01-01 14:23:44.456"',
      ],
    );
  });

  test('a TIMESTAMP as text drops the fraction of a second, in CAST and in implicit conversions', () => {
    assert.deepEqual(
      evalValues(
        [
          'CAST(ts AS VARCHAR)',
          'RIGHT(ts, 2)',
          'CONCAT(ts, ts)',
          "CAST(TIMESTAMP '1999-12-31 23:59:59.999999' AS VARCHAR)",
          "CAST(TIMESTAMP '1969-12-31 23:59:58.5' AS VARCHAR)",
          "CAST(TIMESTAMP '2001-02-03 04:05:06' AS VARCHAR)",
        ],
        ROW,
      ),
      [
        '"2020-06-21 14:23:44"',
        '"44"',
        '"2020-06-21 14:23:442020-06-21 14:23:44"',
        '"1999-12-31 23:59:59"',
        '"1969-12-31 23:59:58"',
        '"2001-02-03 04:05:06"',
      ],
    );
  });

  test('numbers between themselves: truncation toward zero, range errors', () => {
    assert.deepEqual(
      evalValues(
        [
          'CAST(d AS INT)',
          'CAST(r AS INT)',
          'CAST(f AS DECIMAL(6, 2))',
          'CAST(r AS DECIMAL(8, 2))',
          'CAST(d AS BOOLEAN)',
        ],
        ROW,
      ),
      ['-1111', '-57681', '-38.27', '-57681.18', 'true'],
    );
    assert.throws(
      () => evalSql('CAST(r AS DECIMAL(6, 2)) AS x', ROW),
      /cannot convert '-57681.18' to DECIMAL\(6, 2\)/,
    );
  });

  test('SAFE_CAST gives NULL where CAST fails', () => {
    assert.deepEqual(
      evalValues(
        [
          'SAFE_CAST(s AS INT)',
          'SAFE_CAST(s AS DECIMAL(6, 2))',
          'SAFE_CAST(r AS DECIMAL(6, 2))',
          'SAFE_CAST(ts AS INT)',
          'SAFE_CAST(ts AS DECIMAL(6, 2))',
          "SAFE_CAST('7' AS INT)",
          "SAFE_CAST('x' AS INT)",
          'SAFE_CAST(m AS MAP<VARCHAR, VARCHAR>)',
          'SAFE_CAST(i AS INT)',
        ],
        ROW,
      ),
      ['null', 'null', 'null', 'null', 'null', '7', 'null', '{"a":"12","b":"17"}', '-12'],
    );
  });

  test('pairs Feldera cannot convert are compile-time errors', () => {
    const columns = 's VARCHAR, i INT, m MAP<VARCHAR, INT>, r ROW(a INT, b VARCHAR)';
    assert.match(
      compileError('CAST(s AS VARCHAR ARRAY)', columns),
      /Cast function cannot convert value of type VARCHAR/,
    );
    assert.match(
      compileError('SAFE_CAST(i AS ROW(a INT))', columns),
      /SAFE_CAST cannot be used to convert INTEGER/,
    );
    assert.match(compileError('SAFE_CAST(r AS ROW(a INT, b VARCHAR))', columns), /SAFE_CAST cannot be used/);
    assert.match(compileError('CAST(m AS INT)', columns), /Cast function cannot convert value of type MAP/);
  });
});
