/**
 * Date, time, timestamp and interval functions: the examples of Feldera's reference
 * (datetime.md), time units, NULLs, out-of-range results and illegal arguments.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileError, evalValues } from '../../helpers/sql-eval.js';

/** Values as VARCHAR, so that intervals (refused in output views) can be shown too. */
function texts(exprs: string[]): string[] {
  return evalValues(exprs.map((x) => `CAST(${x} AS VARCHAR)`));
}

const TS = { columns: 'ts TIMESTAMP, d DATE, t TIME', rows: [{}] };

describe('date/time functions', () => {
  test("the reference's examples", () => {
    assert.deepEqual(
      texts([
        "CEIL(DATE '2020-01-10' TO MONTH)",
        "DATE_TRUNC(DATE '2020-01-10', MONTH)",
        "FLOOR(DATE '2020-01-10' TO MONTH)",
        'MAKE_DATE(2020, 2, 1)',
        "CEIL(TIME '17:01:00' TO HOUR)",
        "FLOOR(TIME '17:23:59' TO MINUTE)",
        "EXTRACT(HOUR FROM TIME '17:23:59')",
        'MAKE_TIME(20, 1, 1)',
        "TIME_TRUNC(TIME '12:34:56.78', MINUTE)",
        "CEIL(TIMESTAMP '2024-05-04 17:23:01' TO MINUTE)",
        "CONVERT_TIMEZONE('America/New_York', 'America/Los_Angeles', TIMESTAMP '2008-03-05 12:25:29')",
        "EXTRACT(HOUR FROM TIMESTAMP '2024-05-04 17:23:59')",
        "FLOOR(TIMESTAMP '2024-05-04 17:23:59' TO MONTH)",
        'MAKE_TIMESTAMP(2020, 1, 1, 10, 0, 0.5)',
        "TIMESTAMP_TRUNC(TIMESTAMP '2020-01-10 10:00:00', MONTH)",
        "FORMAT_DATE('%Y-%m', DATE '2020-10-10')",
        "FORMAT_TIMESTAMP('%Y-%m %H,%M,%S', TIMESTAMP '2020-10-10 10:00:00')",
        "FORMAT_TIME('%H-%M-%S', TIME '10:00:00')",
        "PARSE_DATE(' %Y-%m-%d', '   2020-10-01')",
        "PARSE_TIME('%H:%M', '10:10')",
        "PARSE_TIMESTAMP('%Y-%m-%d %H:%M:%S', '2020-10-01 00:00:00')",
      ]),
      [
        '"2020-02-01"',
        '"2020-01-01"',
        '"2020-01-01"',
        '"2020-02-01"',
        '"18:00:00"',
        '"17:23:00"',
        '"17"',
        '"20:01:01"',
        '"12:34:00"',
        '"2024-05-04 17:24:00"',
        '"2008-03-05 09:25:29"',
        '"17"',
        '"2024-05-01 00:00:00"',
        '"2020-01-01 10:00:00"',
        '"2020-01-01 00:00:00"',
        '"2020-10"',
        '"2020-10 10,00,00"',
        '"10-00-00"',
        '"2020-10-01"',
        '"10:10:00"',
        '"2020-10-01 00:00:00"',
      ],
    );
    // CAST to VARCHAR drops the fraction (Feldera's cast); the value keeps it.
    assert.deepEqual(evalValues(['MAKE_TIMESTAMP(2020, 1, 1, 10, 0, 0.5)']), ['"2020-01-01 10:00:00.500"']);
  });

  test('EXTRACT of every unit, and its shorthands', () => {
    assert.deepEqual(
      evalValues([
        "EXTRACT(MILLENNIUM FROM DATE '2001-01-01')",
        "EXTRACT(CENTURY FROM DATE '2000-12-31')",
        "EXTRACT(DECADE FROM DATE '2024-01-07')",
        "EXTRACT(QUARTER FROM DATE '2020-05-17')",
        "EXTRACT(WEEK FROM DATE '2021-01-01')",
        "EXTRACT(DOY FROM DATE '2020-12-31')",
        "DAYOFWEEK(DATE '2024-01-07')",
        "EXTRACT(ISODOW FROM DATE '2024-01-07')",
        "EXTRACT(MICROSECOND FROM TIMESTAMP '2020-05-17 10:11:12.345678')",
        "EXTRACT(NANOSECOND FROM TIME '10:00:01.123456789')",
        "EXTRACT(EPOCH FROM DATE '1969-12-31')",
        "SECOND(TIMESTAMP '2020-05-17 10:11:12.9')",
        "HOUR(DATE '2020-05-17')",
        "DATE_PART(YEAR, DATE '2020-05-17')",
      ]),
      ['3', '20', '202', '2', '53', '366', '1', '7', '12345678', '1123456789', '-86400', '12', '0', '2020'],
    );
  });

  test('TIMESTAMPADD and TIMESTAMPDIFF: calendar months, result types, truncation (microseconds move by whole milliseconds)', () => {
    assert.deepEqual(
      texts([
        "TIMESTAMPADD(SECOND, 10, DATE '1970-01-01')",
        "TIMESTAMPADD(MONTH, 1, DATE '2020-01-31')",
        "TIMESTAMPADD(HOUR, 1, TIME '23:30:00')",
        "TIMESTAMPADD(QUARTER, -1, TIMESTAMP '2020-05-31 10:00:00')",
        "TIMESTAMPADD(MICROSECOND, 5, TIMESTAMP '2020-05-31 10:00:00')",
        "TIMESTAMPADD(MICROSECOND, -1500, TIMESTAMP '2020-05-31 10:00:00')",
        "TIMESTAMPDIFF(MONTH, TIMESTAMP '2020-01-31 10:00:00', TIMESTAMP '2020-02-29 10:00:00')",
        "TIMESTAMPDIFF(YEAR, DATE '2020-02-29', DATE '2021-02-28')",
        "TIMESTAMPDIFF(WEEK, DATE '2020-01-01', DATE '2020-01-15')",
        "TIMESTAMPDIFF(MINUTE, TIME '10:00:00', TIME '09:00:30')",
        "DATEDIFF(DAY, DATE '2020-01-01', DATE '2020-01-31')",
        "TIMESTAMPDIFF(HOUR, DATE '2020-01-01', DATE '2020-02-01')",
      ]),
      [
        '"1970-01-01 00:00:10"',
        '"2020-02-29"',
        '"00:30:00"',
        '"2020-02-29 10:00:00"',
        '"2020-05-31 10:00:00"',
        '"2020-05-31 09:59:59"',
        '"0"',
        '"0"',
        '"2"',
        '"-59"',
        '"30"',
        '"744"',
      ],
    );
    // CAST to VARCHAR drops the fraction (Feldera's cast); the value keeps it.
    assert.deepEqual(evalValues(["TIMESTAMPADD(MICROSECOND, -1500, TIMESTAMP '2020-05-31 10:00:00')"]), [
      '"2020-05-31 09:59:59.999"',
    ]);
  });

  test('NULL in, NULL out; invalid parts and unparsable text are NULL', () => {
    assert.deepEqual(
      evalValues(
        [
          'YEAR(d)',
          "TIMESTAMPDIFF(DAY, d, DATE '2020-01-01')",
          'TIMESTAMPADD(DAY, 1, ts)',
          'DATE_TRUNC(d, YEAR)',
          'CEIL(t TO HOUR)',
          "FORMAT_DATE('%Y', d)",
          'MAKE_DATE(2020, 13, 1)',
          'MAKE_TIME(25, 0, 0)',
          'MAKE_TIMESTAMP(2020, 1, 1, 10, 0, 61)',
          "PARSE_DATE('%d/%m/%Y', '31/02/2020')",
          "CONVERT_TIMEZONE('America/Nowhere', 'UTC', ts)",
        ],
        TS,
      ),
      Array(11).fill('null'),
    );
  });

  test('run-time errors: INTEGER overflow, dates out of range, formats that cannot give a value', () => {
    for (const x of [
      "TIMESTAMPDIFF(SECOND, TIMESTAMP '1900-01-01 00:00:00', TIMESTAMP '2020-01-01 00:00:00')",
      "TIMESTAMPADD(YEAR, 2147483647, DATE '2020-01-01')",
      "PARSE_TIME('%I:%M:%S', '10:00:00')",
      "PARSE_TIMESTAMP('%Y-%m-%d', '2020-01-01')",
    ])
      assert.throws(() => evalValues([x]), Error, x);
  });

  test('illegal arguments are compile-time errors at the call', () => {
    assert.match(
      compileError("EXTRACT(DAY FROM TIME '10:00:00')"),
      /^Compilation error @2:25: Cannot apply 'EXTRACT' to arguments of type 'EXTRACT\(<DAY> FROM <TIME>\)'/,
    );
    assert.match(compileError('EXTRACT(YEAR FROM x)'), /Cannot apply 'EXTRACT'/);
    assert.match(compileError("DATE_TRUNC(DATE '2020-01-10', HOUR)"), /cannot use the time unit HOUR/);
    assert.match(compileError("TIMESTAMPADD(DAY, 1, 'x')"), /Cannot apply 'TIMESTAMPADD'/);
    assert.match(compileError("MAKE_DATE('a', 1, 1)"), /Cannot apply 'MAKE_DATE'/);
    assert.match(compileError("TIMESTAMPADD(FORTNIGHT, 1, DATE '2020-01-01')"), /fortnight/i);
  });
});

describe('intervals', () => {
  test('literals of every qualifier, as Feldera casts them to strings', () => {
    assert.deepEqual(
      texts([
        "INTERVAL '20' YEAR",
        "INTERVAL '20-07' YEAR TO MONTH",
        "INTERVAL '10' MONTH",
        "INTERVAL '10 10' DAY TO HOUR",
        "INTERVAL '10 10:30' DAY TO MINUTE",
        "INTERVAL '10 10:30:40.999' DAY TO SECOND",
        "INTERVAL '12:10' HOUR TO MINUTE",
        "INTERVAL '12:10:59' HOUR TO SECOND",
        "INTERVAL '80:01.001' MINUTE TO SECOND",
        "INTERVAL '80.001' SECOND",
        "INTERVAL '-1 2:03:04' DAYS TO SECONDS",
        "INTERVAL '100' HOUR(3)",
        'INTERVAL 5 HOUR',
      ]),
      [
        '"+20"',
        '"+20-07"',
        '"+10"',
        '"+10 10"',
        '"+10 10:30"',
        '"+10 10:30:40.999000"',
        '"+12:10"',
        '"+12:10:59.000000"',
        '"+80:01.001000"',
        '"+80.001000"',
        '"-1 02:03:04.000000"',
        '"+100"',
        '"+5"',
      ],
    );
  });

  test('arithmetic with dates, times and timestamps', () => {
    assert.deepEqual(
      texts([
        "DATE '2020-01-01' + INTERVAL '1' MONTH",
        "DATE '2020-01-01' - INTERVAL '36' HOUR",
        "TIMESTAMP '2020-01-01 00:00:00' + INTERVAL '1 1:1:1.5' DAY TO SECOND",
        "TIME '23:00:00' + INTERVAL '2' HOUR",
        "TIME '01:00:00' - INTERVAL '2' HOUR",
        "TIME '01:00:00' + INTERVAL '2' YEAR",
        "DATE_SUB(DATE '2020-01-01', INTERVAL '1' DAY)",
        "DATE_ADD(DATE '2020-01-01', INTERVAL '1' DAY)",
        "INTERVAL '1' DAY + INTERVAL '2' HOUR",
        "-INTERVAL '2' HOUR",
        "INTERVAL '2' HOUR * 2.5",
        "INTERVAL '5' MONTH * 1.5",
        "ABS(INTERVAL '-2' HOUR)",
        "INTERVAL '1' DAY > INTERVAL '23' HOUR",
      ]),
      [
        '"2020-02-01"',
        '"2019-12-31"',
        '"2020-01-02 01:01:01"',
        '"01:00:00"',
        '"23:00:00"',
        '"01:00:00"',
        '"2019-12-31"',
        '"2020-01-02"',
        '"+1 02"',
        '"-2"',
        '"+5"',
        '"+7"',
        '"+2"',
        '"TRUE"',
      ],
    );
    // CAST to VARCHAR drops the fraction (Feldera's cast); the value keeps it.
    assert.deepEqual(evalValues(["TIMESTAMP '2020-01-01 00:00:00' + INTERVAL '1 1:1:1.5' DAY TO SECOND"]), [
      '"2020-01-02 01:01:01.500"',
    ]);
  });

  test('differences (a - b) qualifier keep the exact difference; DAY TO SECOND ones print no zero fraction', () => {
    assert.deepEqual(
      texts([
        "(DATE '2020-03-01' - DATE '2020-01-01') DAY",
        "(DATE '2020-03-01' - DATE '2020-01-01') MONTH",
        "(TIME '10:00:00' - TIME '08:30:00') HOUR TO MINUTE",
        "(TIMESTAMP '2020-03-01 10:00:00' - TIMESTAMP '2020-01-01 00:00:00') DAY TO SECOND",
        "(TIMESTAMP '2020-03-01 10:00:00' - TIMESTAMP '2020-01-01 00:00:00') YEAR TO MONTH",
        "(TIMESTAMP '2020-01-01 10:00:00' - TIMESTAMP '2020-01-01 00:00:00') HOUR TO SECOND",
        "(TIMESTAMP '2020-01-01 10:00:00' - TIMESTAMP '2020-01-01 00:00:00') DAY TO SECOND - INTERVAL '1' SECOND",
        "(TIMESTAMP '2020-01-01 10:00:00' - TIMESTAMP '2020-01-01 09:00:00') HOUR - INTERVAL '30' MINUTE",
      ]),
      [
        '"+60"',
        '"+2"',
        '"+1:30"',
        '"+60 10:00:00"',
        '"+0-02"',
        '"+10:00:00.000000"',
        '"+0 09:59:59.000000"',
        '"+0:30"',
      ],
    );
  });

  test('casts to and from intervals', () => {
    assert.deepEqual(
      texts([
        "CAST('1' AS INTERVAL DAY)",
        "CAST(INTERVAL '2' HOUR AS INTERVAL MINUTE)",
        'CAST(5 AS INTERVAL HOUR)',
        "CAST(INTERVAL '26' HOUR AS INTERVAL DAY TO HOUR)",
        "CAST(INTERVAL '1-2' YEAR TO MONTH AS INTERVAL MONTH)",
        "CAST(INTERVAL '90' MINUTE AS INTEGER)",
        "CAST(INTERVAL '-14' MONTH AS INTEGER)",
        'CAST(NULL AS INTERVAL MONTH)',
      ]),
      ['"+1"', '"+120"', '"+5"', '"+1 02"', '"+14"', '"90"', '"-14"', 'null'],
    );
  });

  test('EXTRACT from intervals', () => {
    assert.deepEqual(
      evalValues([
        "EXTRACT(DAY FROM INTERVAL '10 10:30:40.999' DAY TO SECOND)",
        "EXTRACT(MILLISECOND FROM INTERVAL '10 10:30:40.999' DAY TO SECOND)",
        "EXTRACT(HOUR FROM INTERVAL '-1 2:03:04' DAY TO SECOND)",
        "EXTRACT(MONTH FROM INTERVAL '20-07' YEAR TO MONTH)",
        "EXTRACT(YEAR FROM INTERVAL '-14' MONTH)",
      ]),
      ['10', '40999', '-2', '7', '-1'],
    );
  });

  test('errors: malformed literals, bad qualifiers, division by zero, interval columns', () => {
    assert.match(compileError("INTERVAL '1-13' YEAR TO MONTH"), /Illegal interval literal format '1-13'/);
    assert.match(compileError("INTERVAL '1 25' DAY TO HOUR"), /Illegal interval literal format/);
    assert.match(
      compileError("CAST('x' AS INTERVAL MONTH TO DAY)"),
      /Illegal interval qualifier MONTH TO DAY/,
    );
    assert.match(compileError("INTERVAL '1' DAY + INTERVAL '1' MONTH"), /Cannot apply/);
    assert.throws(() => evalValues(["CAST(INTERVAL '1' DAY / 0 AS VARCHAR)"]), /division by zero/);
    assert.match(
      compileError('1 FROM t; CREATE TABLE u (i INTERVAL DAY); --'),
      /tables cannot have interval columns/,
    );
  });
});

describe('period predicates', () => {
  test("the reference's examples, reversed periods and interval ends", () => {
    assert.deepEqual(
      evalValues([
        "(DATE '2020-06-24', DATE '2020-06-22') CONTAINS DATE '2020-06-21'",
        "(DATE '2020-06-24', DATE '2020-06-22') CONTAINS DATE '2020-06-23'",
        "(DATE '2020-06-21', DATE '2020-06-25') CONTAINS (DATE '2020-06-22', DATE '2020-06-23')",
        "(DATE '2020-06-21', DATE '2020-06-23') OVERLAPS (DATE '2020-06-22', DATE '2020-06-24')",
        "(DATE '2020-06-21', DATE '2020-06-23') EQUALS (DATE '2020-06-21', DATE '2020-06-23')",
        "(DATE '2020-06-21', DATE '2020-06-22') PRECEDES (DATE '2020-06-24', DATE '2020-06-25')",
        "(DATE '2020-06-21', DATE '2020-06-22') IMMEDIATELY PRECEDES (DATE '2020-06-22', DATE '2020-06-23')",
        "(DATE '2020-06-24', DATE '2020-06-25') SUCCEEDS (DATE '2020-06-21', DATE '2020-06-22')",
        "(DATE '2020-06-24', DATE '2020-06-25') IMMEDIATELY SUCCEEDS (DATE '2020-06-23', DATE '2020-06-24')",
        "(DATE '2020-06-21', INTERVAL '1' DAY) OVERLAPS (DATE '2020-06-22', DATE '2020-06-24')",
        "(DATE '2020-06-21', INTERVAL '-1' DAY) OVERLAPS (DATE '2020-06-22', DATE '2020-06-24')",
        "(TIME '11:00:00', TIME '10:00:00') OVERLAPS (TIME '10:30:00', TIME '12:00:00')",
      ]),
      ['false', 'true', 'true', 'true', 'true', 'true', 'true', 'true', 'true', 'true', 'false', 'true'],
    );
  });

  test('operands must be dates, times or timestamps', () => {
    assert.match(compileError('(1, 2) OVERLAPS (2, 3)'), /OVERLAPS needs DATE, TIME or TIMESTAMP periods/);
    assert.match(
      compileError("(DATE '2020-06-21', DATE '2020-06-22') OVERLAPS DATE '2020-06-22'"),
      /OVERLAPS needs a period/,
    );
  });

  test('a TIMESTAMP WITH TIME ZONE column of an output view is refused as not yet implemented', () => {
    assert.match(
      compileError("TIMESTAMP WITH TIME ZONE '2020-01-01 10:00:00 +05:00'"),
      /^Not yet implemented @2:18: Column 'EXPR\$0' of view 'v' has type TIMESTAMP WITH TIME ZONE/,
    );
  });
});
