/**
 * VARIANT and JSON: the examples of Feldera's "JSON support" page (PARSE_JSON, TO_JSON, TYPEOF,
 * VARIANTNULL, indexing, casts out of VARIANT), and NULL versus the JSON-null variant.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalValues, type Table } from '../../helpers/sql-eval.js';

const DOC: Table = { columns: 's VARCHAR', rows: [{ s: '{"a": 1, "b": [2, 3.3, null]}' }] };

describe('VARIANT and JSON functions', () => {
  test('TYPEOF names the runtime type; VARIANT null is not SQL NULL', () => {
    assert.deepEqual(
      evalValues([
        'TYPEOF(CAST(1 AS VARIANT))',
        'TYPEOF(CAST(CAST(1 AS TINYINT) AS VARIANT))',
        "TYPEOF(PARSE_JSON('1'))",
        "TYPEOF(PARSE_JSON('null'))",
        'TYPEOF(VARIANTNULL())',
        'TYPEOF(CAST(ARRAY[1,2,3] AS VARIANT)[1])',
        "TYPEOF(CAST(MAP[1,'a',2,'b'] AS VARIANT)[1])",
        'VARIANTNULL() IS NULL',
        'VARIANTNULL() = VARIANTNULL()',
        'CAST(1 AS VARIANT) = CAST(1 AS VARIANT)',
        'CAST(1 AS VARIANT) = CAST(CAST(1 AS TINYINT) AS VARIANT)',
      ]),
      [
        '"INTEGER"',
        '"TINYINT"',
        '"DECIMAL"',
        '"VARIANT"',
        '"VARIANT"',
        '"INTEGER"',
        '"VARCHAR"',
        'false',
        'true',
        'true',
        'false',
      ],
    );
  });

  test('PARSE_JSON: numbers are DECIMALs, objects maps of variants; text that is not JSON is NULL', () => {
    assert.deepEqual(
      evalValues(
        [
          "PARSE_JSON(s)['b'][2]",
          "CAST(PARSE_JSON(s)['b'][2] AS DECIMAL(4, 1))",
          "CAST(PARSE_JSON(s)['a'] AS INT)",
          "PARSE_JSON(s)['b'][3] IS NULL",
          "CAST(PARSE_JSON(s)['b'][3] AS INT)",
          'PARSE_JSON(1)',
          "PARSE_JSON('not json')",
          'PARSE_JSON(NULL)',
          'PARSE_JSON(\'{"a": 1, "b": 2}\') = PARSE_JSON(\'{"b":2,"a":1}\')',
        ],
        DOC,
      ),
      ['3.3', '3.3', '1', 'false', 'null', '1', 'null', 'null', 'true'],
    );
  });

  test('TO_JSON writes compact JSON; dates and times are strings', () => {
    assert.deepEqual(
      evalValues([
        'TO_JSON(PARSE_JSON(\'{ "a": 1, "b": 2 }\'))',
        "TO_JSON(PARSE_JSON('[1,2,3]'))",
        'TO_JSON(PARSE_JSON(\'"a"\'))',
        "TO_JSON(PARSE_JSON('false'))",
        "TO_JSON(PARSE_JSON('null'))",
        'TO_JSON(NULL)',
        "TO_JSON(CAST(DATE '2020-01-01' AS VARIANT))",
        "TO_JSON(CAST(TIMESTAMP '2020-01-01 10:00:00' AS VARIANT))",
        "TO_JSON(CAST(MAP['a', CAST(1 AS VARIANT), 'b', CAST('abc' AS VARIANT)] AS VARIANT))",
      ]),
      [
        '"{\\"a\\":1,\\"b\\":2}"',
        '"[1,2,3]"',
        '"\\"a\\""',
        '"false"',
        '"null"',
        'null',
        '"\\"2020-01-01\\""',
        '"\\"2020-01-01 10:00:00\\""',
        '"{\\"a\\":1,\\"b\\":\\"abc\\"}"',
      ],
    );
  });

  test('indexing a VARIANT: arrays by position, maps by key, anything else NULL', () => {
    assert.deepEqual(
      evalValues([
        '(CAST(1 AS VARIANT))[1]',
        'CAST(ARRAY[1,2,3] AS VARIANT)[1]',
        "CAST(ARRAY[1,2,3] AS VARIANT)['name']",
        "CAST(MAP['a',1,'b',2] AS VARIANT)['a']",
        "(MAP[CAST('a' AS VARIANT), 1, CAST(1 AS VARIANT), 2])[CAST(1 AS VARIANT)]",
        "CAST(MAP['a', CAST(1 AS VARIANT), 'c', CAST(ARRAY[1,2,3] AS VARIANT)]['c'][1] AS INTEGER)",
      ]),
      ['null', '1', 'null', '1', '2', '1'],
    );
  });

  test('a SQL NULL of any typed value cast to VARIANT is the VARIANT null', () => {
    const t: Table = {
      columns: 'n INT, b BOOLEAN, d DECIMAL(6, 2), a INT ARRAY',
      rows: [{ n: null, b: null, d: null, a: null }],
    };
    assert.deepEqual(
      evalValues(
        [
          'CAST(n AS VARIANT) IS NULL',
          'CAST(b AS VARIANT) IS NOT NULL',
          'TO_JSON(CAST(d AS VARIANT))',
          'TO_JSON(CAST(a AS VARIANT))',
          'CAST(CAST(n AS VARIANT) AS INT)',
          'CAST(NULL AS VARIANT) IS NULL',
        ],
        t,
      ),
      ['false', 'true', '"null"', '"null"', 'null', 'true'],
    );
  });

  test('TYPEOF takes only a VARIANT', () => {
    assert.match(
      compileError('TYPEOF(x)'),
      /Cannot apply 'TYPEOF' to arguments of type 'TYPEOF\(<INTEGER>\)'/,
    );
    assert.match(compileError('PARSE_JSON(ARRAY[1])'), /Cannot apply 'PARSE_JSON'/);
  });
});
