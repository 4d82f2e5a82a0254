/**
 * The entries of Feldera's function index that are not functions of a family: `MAP(k, v, ...)`
 * (the map constructor), `PI` (a bare name), `DOW`/`DOY` (the index's names of `DAYOFWEEK`
 * and `DAYOFYEAR`), and the ones that stay refused with their reason (`DATE(year, month, day)`,
 * `TIME(...)`, `TIMESTAMP(...)`, `CONNECTOR_METADATA()`, `XXHASH`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalValues, type Table } from '../../helpers/sql-eval.js';

const COLUMNS = 'k VARCHAR, v INT, d DATE';
const ROW: Table = { columns: COLUMNS, rows: [{ k: 'b', v: 2, d: '2024-03-03' }] };

describe('function forms of their own syntax', () => {
  test('MAP(k, v, ...) builds the same map as MAP[k, v, ...]', () => {
    assert.deepEqual(
      evalValues(
        [
          "MAP('x', 4, 'y', 3)",
          "MAP('y', 3, 'x', 4)['y']",
          "MAP(k, v, 'a', 1)",
          'MAP(k, v) = MAP[k, v]',
          'CARDINALITY(MAP())',
          "MAP('a', 1, 'a', 2)",
        ],
        ROW,
      ),
      ['{"x":4,"y":3}', '3', '{"a":1,"b":2}', 'true', '0', '{"a":2}'],
    );
  });

  test('MAP(...) keeps a NULL value as an entry', () => {
    assert.deepEqual(evalValues(["MAP('a', v)", "MAP('a', v)['a']"], { columns: COLUMNS, rows: [{}] }), [
      '{"a":null}',
      'null',
    ]);
  });

  test('MAP(...) with an odd number of arguments or keys of two types is a compile-time error', () => {
    assert.match(compileError("MAP('a')", COLUMNS), /MAP needs an even number of arguments/);
    assert.match(
      compileError("MAP('a', 1, 2, 3)", COLUMNS),
      /The keys of MAP have incompatible types: VARCHAR NOT NULL, INTEGER NOT NULL/,
    );
  });

  test('PI is a bare name; with parentheses it is no function, as in Calcite', () => {
    assert.deepEqual(evalValues(['PI', 'ROUND(PI, 2)'], ROW), ['3.141592653589793', '3.14']);
    assert.equal(
      compileError('PI()', COLUMNS),
      'Function not found @2:25: No match found for function signature PI()',
    );
  });

  test('DOW and DOY are the index names of DAYOFWEEK and DAYOFYEAR, not functions', () => {
    // 2024-03-03 is a Sunday, the 63rd day of a leap year.
    assert.deepEqual(
      evalValues(['DAYOFWEEK(d)', 'DAYOFYEAR(d)', 'EXTRACT(DOW FROM d)', 'EXTRACT(DOY FROM d)'], ROW),
      ['1', '63', '1', '63'],
    );
    assert.deepEqual(evalValues(['DAYOFWEEK(d)', 'DAYOFYEAR(d)'], { columns: COLUMNS, rows: [{}] }), [
      'null',
      'null',
    ]);
    assert.equal(
      compileError('DOW(d)', COLUMNS),
      'Function not found @2:25: No match found for function signature DOW(DATE)',
    );
    assert.match(compileError('DOY(d)', COLUMNS), /No match found for function signature DOY\(DATE\)/);
    assert.match(compileError('DAYOFWEEK(k)', COLUMNS), /Cannot apply 'DAYOFWEEK'/);
  });

  test('refused with their reason, at the call', () => {
    const refusals: [string, RegExp][] = [
      ['DATE(2020, 1, 2)', /DATE\(INTEGER, INTEGER, INTEGER\) is not yet implemented/],
      ['TIME(d)', /The TIME\(\.\.\.\) function/],
      ['TIMESTAMP(d)', /The TIMESTAMP\(\.\.\.\) function/],
      ['CONNECTOR_METADATA()', /supported only in the DEFAULT expression of a table column/],
      ["XXHASH('abc', 10)", /cannot reproduce the hash Feldera computes/],
      ["XXHASH(x'010203', 5)", /XXHASH is not yet implemented/],
    ];
    for (const [expr, reason] of refusals) {
      const error = compileError(expr, COLUMNS);
      assert.match(error, /^Not yet implemented @2:25: /, expr);
      assert.match(error, reason, expr);
    }
  });
});
