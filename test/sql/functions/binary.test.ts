/**
 * Binary-string functions: the reference's examples, byte positions, Feldera's runtime rules
 * (which differ from the string functions at the edges), strings taken as their UTF-8 bytes,
 * runtime failures, and illegal arguments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { compileError, evalValues } from '../../helpers/sql-eval.js';

const hex = (bytes: number[]) => JSON.stringify(bytes);
const BYTES = { columns: 'b VARBINARY, s VARCHAR, n INT', rows: [{ b: [0x12, 0x34, 0x56], s: 'hello ' }] };

describe('binary functions', () => {
  test("the reference's examples", () => {
    assert.deepEqual(
      evalValues([
        "BIN2UTF8(x'4041')",
        "x'ab' || x'cd'",
        "gunzip(x'1f8b08000000000000ff4b4bcd49492d4a0400218115ac07000000')",
        "left(x'abcdef', 2)",
        "md5(x'0123456789ABCDEF')",
        "OCTET_LENGTH(x'0abc')",
        "overlay(x'1234567890' placing x'0203' from 2 for 3)",
        "POSITION(x'20' IN x'102023')",
        "right(x'abcdef', 2)",
        "SUBSTRING(x'123456', 3)",
        "SUBSTRING(x'1234567890' FROM 3 FOR 2)",
        "TO_HEX(x'0abc')",
        "TO_INT(x'0abc')",
      ]),
      [
        '"@A"',
        hex([0xab, 0xcd]),
        '"feldera"',
        hex([0xab, 0xcd]),
        '"a1cd1d1fc6491068d91007283ed84489"',
        '2',
        hex([0x12, 0x02, 0x03, 0x90]),
        '2',
        hex([0xcd, 0xef]),
        hex([0x56]),
        hex([0x56, 0x78]),
        '"0abc"',
        '2748',
      ],
    );
  });

  test("Feldera's runtime rules at the edges", () => {
    assert.deepEqual(
      evalValues([
        "SUBSTRING(x'123456' FROM 0 FOR 2)",
        "SUBSTRING(x'123456' FROM -5 FOR 1)",
        "SUBSTRING(x'123456' FROM 2 FOR -1)",
        "SUBSTRING(x'123456' FROM 9)",
        "LEFT(x'1234', -1)",
        "RIGHT(x'1234', 9)",
        "POSITION(x'5678' IN x'1234')",
        "OVERLAY(x'1234' PLACING x'ff' FROM 0)",
        "OVERLAY(x'1234' PLACING x'ff' FROM 3)",
        "OVERLAY(x'123456' PLACING x'ff' FROM 2 FOR 0)",
        "TO_INT(x'')",
        "TO_INT(x'ffffffff')",
        "TO_INT(x'0102030405')",
        "TO_HEX(x'')",
        "BIN2UTF8(x'ff')",
        "BIN2UTF8(x'eda080')",
        "BIN2UTF8(x'efbbbf41')",
        "x'' || x'01'",
      ]),
      [
        hex([0x12, 0x34]),
        hex([0x12]),
        '[]',
        '[]',
        '[]',
        hex([0x12, 0x34]),
        '0',
        hex([0x12, 0x34]),
        hex([0x12, 0x34, 0xff]),
        hex([0x12, 0xff, 0x34, 0x56]),
        '0',
        '-1',
        '16909060',
        '""',
        'null',
        'null',
        '"\ufeffA"',
        hex([1]),
      ],
    );
  });

  test('a string argument is taken as its UTF-8 bytes', () => {
    assert.deepEqual(
      evalValues(
        [
          'OCTET_LENGTH(s)',
          'TO_HEX(s)',
          'TO_INT(s)',
          "OCTET_LENGTH('🐍🐍')",
          "TO_INT('🐍🐍')",
          "TO_HEX('¯\\_')",
        ],
        BYTES,
      ),
      ['6', '"68656c6c6f20"', '1751477356', '8', '-257978227', '"c2af5c5f"'],
    );
  });

  test('columns, NULLs and result types', () => {
    assert.deepEqual(
      evalValues(
        ['LEFT(b, 2)', 'b || b', 'SUBSTR(b, 2, 3)', 'TO_HEX(b)', 'OCTET_LENGTH(b)', 'MD5(b)'],
        BYTES,
      ),
      [
        hex([0x12, 0x34]),
        hex([0x12, 0x34, 0x56, 0x12, 0x34, 0x56]),
        hex([0x34, 0x56]),
        '"123456"',
        '3',
        '"ae1fa6209a246b8b2f2cd2d21be8f2e1"',
      ],
    );
    assert.deepEqual(
      evalValues(['TO_HEX(b)', 'LEFT(b, n)', 'b || NULL', 'GUNZIP(b)', 'BIN2UTF8(b)', 'POSITION(b IN b)'], {
        columns: 'b VARBINARY, n INT',
        rows: [{}],
      }),
      Array(6).fill('null'),
    );
  });

  test('GUNZIP decompresses the first member and fails the step on anything that is not gzip', () => {
    const gz = (s: string) => `x'${gzipSync(Buffer.from(s)).toString('hex')}'`;
    assert.deepEqual(evalValues([`GUNZIP(${gz('snake 🐍')})`]), ['"snake 🐍"']);
    assert.throws(() => evalValues(["GUNZIP(x'0102')"]), /GUNZIP: failed to decompress/);
    assert.throws(() => evalValues(["GUNZIP('not gzip')"]), /GUNZIP: failed to decompress/);
  });

  test('POSITION of an empty binary string fails the step, as in Feldera', () => {
    assert.throws(() => evalValues(["POSITION(x'' IN x'12')"]), /POSITION/);
  });

  test('comparisons order bytes', () => {
    assert.deepEqual(
      evalValues([
        "x'12' < x'1200'",
        "x'ff' > x'00ff'",
        "x'0102' = x'0102'",
        "x'0102' <> x'0103'",
        "x'' < x'00'",
      ]),
      ['true', 'true', 'true', 'true', 'true'],
    );
  });

  test('illegal arguments are compile-time errors', () => {
    const columns = 'r REAL, u UUID, rw ROW(i1 INT, v1 VARCHAR NULL), b VARBINARY';
    for (const [expr, name] of [
      ['OCTET_LENGTH(r)', 'OCTET_LENGTH'],
      ['TO_HEX(u)', 'TO_HEX'],
      ['TO_INT(rw)', 'TO_INT'],
      ['GUNZIP(r)', 'GUNZIP'],
      ['BIN2UTF8(1)', 'BIN2UTF8'],
      ["LEFT(b, 'x')", 'LEFT'],
    ])
      assert.match(
        compileError(expr!, columns),
        new RegExp(`Cannot apply '${name}' to arguments of type`),
        expr,
      );
  });
});
