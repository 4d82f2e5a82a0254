/** BIT_AND / BIT_OR / BIT_XOR on signed, unsigned and binary values: NULLs, DISTINCT, retractions. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalSql } from '../../helpers/sql-eval.js';
import { viewAfterSteps } from '../../helpers/sql-steps.js';

const BITS = 'BIT_AND(x) AS a, BIT_OR(x) AS o, BIT_XOR(x) AS x';

function bits(type: string, values: unknown[], select = BITS): string[] {
  return evalSql(select, { columns: `x ${type}`, rows: values.map((x) => ({ x })) });
}

describe('bitwise aggregates', () => {
  test("signed integers combine their two's-complement patterns; NULLs are ignored", () => {
    assert.deepEqual(bits('TINYINT', [-1, -2, 5, null]), ['{"a":4,"o":-1,"x":4}']);
    assert.deepEqual(bits('BIGINT', [-(2 ** 63), -1]), [
      '{"a":-9223372036854775808,"o":-1,"x":9223372036854775807}',
    ]);
  });

  test('unsigned integers keep their high bits', () => {
    assert.deepEqual(bits('INT UNSIGNED', [4294967295, 2147483648]), [
      '{"a":2147483648,"o":4294967295,"x":2147483647}',
    ]);
    assert.deepEqual(bits('BIGINT UNSIGNED', [2 ** 63, 2 ** 63 + 2 ** 62]), [
      '{"a":9223372036854775808,"o":13835058055282163712,"x":4611686018427387904}',
    ]);
  });

  test('binary strings combine byte by byte', () => {
    // 0F0F & FF00 & 3C3C = 0C00; | = FF3F; ^ = CC33.
    assert.deepEqual(
      bits('VARBINARY', [
        [0x0f, 0x0f],
        [0xff, 0x00],
        [0x3c, 0x3c],
      ]),
      ['{"a":[12,0],"o":[255,63],"x":[204,51]}'],
    );
  });

  test('binary strings of different lengths fail the step', () => {
    const steps = viewAfterSteps('x VARBINARY', 'BIT_OR(x) AS o', [{ insert: [{ x: [1] }, { x: [1, 2] }] }]);
    assert.match(steps[0]![0]!, /BIT_OR of binary strings of different lengths/);
  });

  test('no non-NULL value gives NULL', () => {
    assert.deepEqual(bits('INT', [null, null]), ['{"a":null,"o":null,"x":null}']);
    assert.deepEqual(bits('SMALLINT', []), ['{"a":null,"o":null,"x":null}']);
  });

  test('DISTINCT changes only BIT_XOR', () => {
    assert.deepEqual(
      bits('INT', [3, 3, 5], 'BIT_XOR(x) AS x, BIT_XOR(DISTINCT x) AS dx, BIT_AND(DISTINCT x) AS da'),
      ['{"x":5,"dx":6,"da":1}'],
    );
  });

  test('retractions take a value out of every bit count', () => {
    const steps = viewAfterSteps('x INT', BITS, [
      { insert: [{ x: 6 }, { x: 3 }] },
      { delete: [{ x: 3 }] },
      { delete: [{ x: 6 }] },
    ]);
    assert.deepEqual(steps, [
      ['{"a":2,"o":7,"x":5}'],
      ['{"a":6,"o":6,"x":6}'],
      ['{"a":null,"o":null,"x":null}'],
    ]);
  });

  test('other argument types are compile-time errors', () => {
    assert.equal(
      compileError('BIT_AND(s)'),
      "Compilation error @2:25: Cannot apply 'BIT_AND' to arguments of type 'BIT_AND(<VARCHAR>)'. Supported form(s): 'BIT_AND(<INTEGER>)', 'BIT_AND(<BINARY>)'",
    );
  });
});
