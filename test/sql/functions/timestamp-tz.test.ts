/**
 * TIMESTAMP WITH TIME ZONE (Feldera 0.312's TIMESTAMP_TZ): literals with an IANA zone or a
 * fixed offset, comparisons of the instants, casts to and from TIMESTAMP and DATE, and the
 * functions of TIMESTAMP applied to the UTC time; the places where Sluice refuses it (tables,
 * output views, ad-hoc results, conversions to text) with "Not yet implemented".
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../../src/engine/index.js';
import { planAdHoc } from '../../../src/sql/adhoc.js';
import { NO_USER_TYPES } from '../../../src/sql/catalog.js';
import { MessageSink } from '../../../src/sql/messages.js';
import { parseScript } from '../../../src/sql/parser.js';
import { compileError, describeError, evalSql, evalValues } from '../../helpers/sql-eval.js';

/** A TIMESTAMP WITH TIME ZONE literal. */
const tz = (text: string) => `TIMESTAMP WITH TIME ZONE '${text}'`;
/** The UTC time of an instant, as the view prints a TIMESTAMP. */
const utc = (x: string) => `CAST(${x} AS TIMESTAMP)`;

function programError(sql: string): string {
  const r = compileProgram(sql);
  if (r.ok) return assert.fail(`expected a compile error for ${sql}`);
  return describeError(r.errors[0]!);
}

describe('TIMESTAMP WITH TIME ZONE', () => {
  test('a literal is the instant of its wall-clock time in its zone', () => {
    assert.deepEqual(
      evalValues([
        utc(tz('2024-01-15 10:30:00 America/New_York')), // EST, UTC-5
        utc(tz('2024-07-15 10:30:00 America/New_York')), // EDT, UTC-4
        utc(tz('2024-01-15 10:30:00.123456 +05:30')),
        utc(tz('2024-01-15 10:30:00-08:00')), // an offset may follow the seconds directly
        utc(tz('2024-01-15 10:30:00 UTC')),
        utc(tz('2024-01-01 01:00:00 Asia/Tokyo')), // into the previous day (and year)
      ]),
      [
        '"2024-01-15 15:30:00"',
        '"2024-07-15 14:30:00"',
        '"2024-01-15 05:00:00.123456"',
        '"2024-01-15 18:30:00"',
        '"2024-01-15 10:30:00"',
        '"2023-12-31 16:00:00"',
      ],
    );
  });

  test("a wall-clock time in a daylight-saving gap or overlap resolves as Java's atZone", () => {
    assert.deepEqual(
      evalValues([
        // 02:30 does not exist on 2024-03-10 in New York: moved later by the hour of the gap.
        utc(tz('2024-03-10 02:30:00 America/New_York')),
        // 01:30 happens twice on 2024-11-03: the earlier offset (EDT), the earlier instant.
        utc(tz('2024-11-03 01:30:00 America/New_York')),
      ]),
      ['"2024-03-10 07:30:00"', '"2024-11-03 05:30:00"'],
    );
  });

  test('a malformed literal or an unknown zone is a compile error at the literal', () => {
    for (const text of [
      '2024-01-15 10:30:00 Mars/Olympus',
      '2024-01-15 10:30:00',
      '2024-01-15 10:30:00 UTC ',
      '2024-01-15 10:30:00.1234567 UTC',
      '2024-13-15 10:30:00 UTC',
    ])
      assert.equal(
        compileError(utc(tz(text))),
        `Compilation error @2:30: Invalid TIMESTAMP WITH TIME ZONE literal '${text}'`,
      );
  });

  test('values compare as instants, whatever zone wrote them', () => {
    assert.deepEqual(
      evalValues([
        `${tz('2024-01-15 10:30:00 UTC')} = ${tz('2024-01-15 11:30:00 Europe/Paris')}`,
        `${tz('2024-01-15 10:30:00 UTC')} < ${tz('2024-01-15 10:30:00 Europe/London')}`,
        `${tz('2024-01-15 10:30:00 UTC')} > ${tz('2024-01-15 05:30:00 America/New_York')}`,
        `${tz('2024-01-15 10:30:00 UTC')} BETWEEN ${tz('2024-01-15 10:00:00 +00:00')} AND ${tz('2024-01-15 11:00:00 +00:00')}`,
        `${tz('2024-01-15 10:30:00 UTC')} IN (${tz('2024-01-15 19:30:00 Asia/Tokyo')})`,
        `${tz('2024-01-15 10:30:00 UTC')} IS DISTINCT FROM ${tz('2024-01-15 10:30:00.000001 UTC')}`,
      ]),
      ['true', 'false', 'false', 'true', 'true', 'true'],
    );
  });

  test('casts: TIMESTAMP and DATE are read as UTC; back they are the UTC time, date or time of day', () => {
    const table = {
      columns: 'ts TIMESTAMP, d DATE',
      rows: [{ ts: '2024-01-15 23:30:00.123456789', d: '2024-02-29' }],
    };
    const [row] = evalSql(
      [
        `${utc('CAST(ts AS TIMESTAMP WITH TIME ZONE)')} AS back`,
        `${utc('CAST(d AS TIMESTAMP WITH TIME ZONE)')} AS midnight`,
        `CAST(${tz('2024-01-15 23:30:00 America/Los_Angeles')} AS DATE) AS day`,
        `CAST(${tz('2024-01-15 23:30:00 America/Los_Angeles')} AS TIME) AS tod`,
        `CAST(ts AS TIMESTAMP WITH TIME ZONE) = ${tz('2024-01-16 00:30:00.123456 Europe/Paris')} AS same`,
      ].join(', '),
      table,
    );
    // The type has microseconds (Feldera: TIMESTAMP WITH TIME ZONE(6)); the nanoseconds of a
    // TIMESTAMP are cut.
    assert.deepEqual(JSON.parse(row!), {
      back: '2024-01-15 23:30:00.123456',
      midnight: '2024-02-29 00:00:00',
      day: '2024-01-16',
      tod: '07:30:00',
      same: true,
    });
  });

  test('EXTRACT and its shorthands read the UTC time', () => {
    const x = tz('2024-12-31 23:30:00 America/Los_Angeles'); // 2025-01-01 07:30:00 UTC
    assert.deepEqual(
      evalValues([
        `YEAR(${x})`,
        `MONTH(${x})`,
        `DAYOFMONTH(${x})`,
        `DAYOFWEEK(${x})`,
        `HOUR(${x})`,
        `MINUTE(${x})`,
        `SECOND(${x})`,
        `EXTRACT(DOY FROM ${x})`,
        `DATE_PART(EPOCH, ${x})`,
        `EXTRACT(YEAR FROM CAST(NULL AS TIMESTAMP WITH TIME ZONE))`,
      ]),
      ['2025', '1', '1', '4', '7', '30', '0', '1', '1735716600', 'null'],
    );
  });

  test('FLOOR, CEIL, truncations, TIMESTAMPADD and interval arithmetic give instants; TIMESTAMPDIFF counts units', () => {
    const x = tz('2024-01-15 23:30:00 America/Los_Angeles'); // 2024-01-16 07:30:00 UTC
    assert.deepEqual(
      evalValues([
        utc(`FLOOR(${x} TO DAY)`),
        utc(`CEIL(${x} TO HOUR)`),
        utc(`DATE_TRUNC(${x}, MONTH)`),
        utc(`TIMESTAMP_TRUNC(${x}, HOUR)`),
        utc(`TIMESTAMPADD(MONTH, 1, ${x})`),
        utc(`${x} + INTERVAL '90' MINUTE`),
        utc(`${x} - INTERVAL '1' YEAR`),
        utc(`INTERVAL '1' DAY + ${x}`),
        `TIMESTAMPDIFF(HOUR, ${tz('2024-01-15 10:00:00 UTC')}, ${tz('2024-01-15 10:00:00 Asia/Tokyo')})`,
        `CAST((${x} - ${tz('2024-01-16 07:00:00 UTC')}) MINUTE AS VARCHAR)`,
      ]),
      [
        '"2024-01-16 00:00:00"',
        '"2024-01-16 08:00:00"',
        '"2024-01-01 00:00:00"',
        '"2024-01-16 07:00:00"',
        '"2024-02-16 07:30:00"',
        '"2024-01-16 09:00:00"',
        '"2023-01-16 07:30:00"',
        '"2024-01-17 07:30:00"',
        '-9',
        '"+30"',
      ],
    );
  });

  test('instants group, aggregate and order inside a query', () => {
    const table = {
      columns: 'k INT, ts TIMESTAMP',
      rows: [
        { k: 1, ts: '2024-01-15 10:00:00' },
        { k: 1, ts: '2024-01-15 12:00:00' },
        { k: 2, ts: '2024-01-15 12:00:00' },
      ],
    };
    const rows = evalSql(
      `k, ${utc('MAX(CAST(ts AS TIMESTAMP WITH TIME ZONE))')} AS hi, COUNT(DISTINCT CAST(ts AS TIMESTAMP WITH TIME ZONE)) AS n`,
      table,
      'GROUP BY k',
    );
    assert.deepEqual(rows, [
      '{"k":1,"hi":"2024-01-15 12:00:00","n":2}',
      '{"k":2,"hi":"2024-01-15 12:00:00","n":1}',
    ]);
  });

  test('a LOCAL view may hold the type; an output view reads it through a cast', () => {
    const r = compileProgram(
      `CREATE TABLE t (ts TIMESTAMP);
       CREATE LOCAL VIEW l AS SELECT CAST(ts AS TIMESTAMP WITH TIME ZONE) AS z FROM t;
       CREATE VIEW v AS SELECT CAST(z AS TIMESTAMP) AS u FROM l;`,
    );
    assert.ok(r.ok);
  });
});

describe('TIMESTAMP WITH TIME ZONE refusals', () => {
  test('a table column, also inside a ROW or an ARRAY, is not yet implemented, at the type', () => {
    for (const type of [
      'TIMESTAMP WITH TIME ZONE',
      'ROW(a TIMESTAMP WITH TIME ZONE)',
      'TIMESTAMP(3) WITH TIME ZONE ARRAY',
    ])
      assert.match(
        programError(`CREATE TABLE t (x ${type});`),
        /^Not yet implemented @1:19: Column 'x' of table 't' has type .*TIMESTAMP WITH TIME ZONE.*: TIMESTAMP WITH TIME ZONE columns are not yet implemented/,
      );
  });

  test('an output view column is not yet implemented; the message says to cast it', () => {
    assert.match(
      compileError(`${tz('2024-01-15 10:30:00 UTC')} AS z`),
      /^Not yet implemented @2:18: Column 'z' of view 'v' has type TIMESTAMP WITH TIME ZONE NOT NULL: .*cast it to TIMESTAMP/,
    );
  });

  test('an ad-hoc query result is not yet implemented', () => {
    const columns = [{ name: 'ts', type: { type: 'TIMESTAMP' as const, nullable: true } }];
    const catalog = { resolve: () => ({ name: 't', columns }), table: () => undefined, types: NO_USER_TYPES };
    const plan = planAdHoc('SELECT CAST(ts AS TIMESTAMP WITH TIME ZONE) AS z FROM t', catalog);
    assert.equal(plan.kind, 'error');
    assert.equal(plan.kind === 'error' && plan.messages[0]!.error_type, 'Not yet implemented');
    assert.equal(
      planAdHoc('SELECT HOUR(CAST(ts AS TIMESTAMP WITH TIME ZONE)) AS h FROM t', catalog).kind,
      'query',
    );
  });

  test('conversions to text, numbers and VARIANT, and from text, are not yet implemented', () => {
    const x = tz('2024-01-15 10:30:00 UTC');
    for (const target of ['VARCHAR', 'CHAR(30)', 'BIGINT', 'DOUBLE', 'VARIANT'])
      assert.match(
        compileError(`CAST(${x} AS ${target}) AS c`),
        new RegExp(
          `^Not yet implemented @2:25: Conversion from TIMESTAMP WITH TIME ZONE NOT NULL to ${target.replace(/[()]/g, '\\$&')}`,
        ),
      );
    assert.match(
      compileError(`CAST('2024-01-15 10:30:00+00:00' AS TIMESTAMP WITH TIME ZONE) = ${x} AS c`),
      /^Not yet implemented @2:25: Conversion from VARCHAR/,
    );
    // A string literal met by an instant would be converted to one.
    assert.match(
      compileError(`${x} > '2024-01-01 00:00:00' AS c`),
      /^Not yet implemented @2:25: Conversion from VARCHAR/,
    );
  });

  test('mixing an instant with a TIMESTAMP or DATE is not yet implemented (how Feldera converts is not known)', () => {
    const x = tz('2024-01-15 10:30:00 UTC');
    assert.match(
      compileError(`${x} = TIMESTAMP '2024-01-15 10:30:00' AS c`),
      /^Not yet implemented @2:25: Cannot apply '='/,
    );
    assert.match(
      compileError(`TIMESTAMPDIFF(DAY, ${x}, DATE '2024-01-01') AS c`),
      /^Not yet implemented @2:25: TIMESTAMPDIFF of TIMESTAMP WITH TIME ZONE and/,
    );
    assert.match(
      compileError(`COALESCE(${x}, TIMESTAMP '2024-01-15 10:30:00') AS c`),
      /^Not yet implemented @2:25: COALESCE of TIMESTAMP WITH TIME ZONE values/,
    );
  });

  test('arithmetic mixing an instant with a TIMESTAMP or DATE is not yet implemented; with a number it is an error', () => {
    const x = tz('2024-01-15 10:30:00 UTC');
    assert.match(
      compileError(`CAST((${x} - TIMESTAMP '2024-01-01 00:00:00') HOUR AS VARCHAR) AS c`),
      /^Not yet implemented @2:30: The difference of TIMESTAMP WITH TIME ZONE and TIMESTAMP is not yet implemented/,
    );
    assert.match(
      compileError(`CAST(${x} - DATE '2024-01-01' AS VARCHAR) AS c`),
      /^Not yet implemented @2:30: Cannot apply '-' to arguments of type TIMESTAMP WITH TIME ZONE NOT NULL and DATE NOT NULL/,
    );
    assert.match(
      compileError(`CAST((${x} - 1) HOUR AS VARCHAR) AS c`),
      /^Compilation error @2:30: Cannot apply '-' to arguments of type '<TIMESTAMP WITH TIME ZONE> - <INTEGER>'/,
    );
  });

  test('functions Sluice does not bind for the type are not yet implemented', () => {
    const x = tz('2024-01-15 10:30:00 UTC');
    assert.match(
      compileError(`FORMAT_TIMESTAMP('%Y', ${x}) AS c`),
      /^Not yet implemented @2:25: FORMAT_TIMESTAMP of TIMESTAMP WITH TIME ZONE/,
    );
    assert.match(
      compileError(`(${x}, ${x}) OVERLAPS (${x}, ${x}) AS c`),
      /^Not yet implemented @2:26: OVERLAPS of TIMESTAMP WITH TIME ZONE periods is not yet implemented/,
    );
    assert.match(
      compileError(`UPPER(${x}) AS c`),
      /^Not yet implemented @2:31: UPPER of a TIMESTAMP WITH TIME ZONE argument/,
    );
  });

  test('TIME WITH TIME ZONE and TIMESTAMP WITH LOCAL TIME ZONE stay refused at the parser', () => {
    for (const type of ['TIME WITH TIME ZONE', 'TIMESTAMP WITH LOCAL TIME ZONE']) {
      const sink = new MessageSink(`CREATE TABLE t (x ${type});`);
      parseScript(`CREATE TABLE t (x ${type});`, sink);
      assert.deepEqual(
        sink.errors.map((e) => [e.error_type, e.message]),
        [['Not yet implemented', `Type ${type} is not supported`]],
      );
    }
  });
});
