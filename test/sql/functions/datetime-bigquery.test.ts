/**
 * Calcite's BigQuery DATE, TIME and TIMESTAMP functions as Feldera 0.312 compiles them:
 * DATE(string) is its runtime's cast of text to DATE (chrono's `%Y-%m-%d`, a failed read
 * fails the step (a literal, at compile time), NULL stays NULL, typed nullable only with a nullable argument); every other
 * form is refused at the call, naming the form.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../../src/engine/index.js';
import { compileError, evalSql, evalValues, type Table } from '../../helpers/sql-eval.js';

const COLUMNS = 's VARCHAR, n VARCHAR NOT NULL, c CHAR(10), i INT, ts TIMESTAMP, d DATE';
const ROW: Table = {
  columns: COLUMNS,
  rows: [
    { s: '2021-02-28', n: '2024-02-29', c: '1999-12-31', i: 7, ts: '2020-01-02 03:04:05', d: '2020-01-02' },
  ],
};

/** The column types of `CREATE VIEW v AS SELECT <select> FROM t` over COLUMNS, as SQL text. */
function viewTypes(select: string): string[] {
  const r = compileProgram(`CREATE TABLE t (${COLUMNS});\nCREATE VIEW v AS SELECT ${select} FROM t;`);
  if (!r.ok) return assert.fail(r.errors[0]!.message);
  return r.program
    .lookupRelation('v')!
    .columns.map((c) => `${c.type.type}${c.type.nullable ? '' : ' NOT NULL'}`);
}

describe('DATE(string)', () => {
  test('reads YYYY-MM-DD text of literals and of VARCHAR and CHAR columns', () => {
    assert.deepEqual(evalValues(["DATE('2020-06-21')", 'DATE(s)', 'DATE(n)', 'DATE(c)'], ROW), [
      '"2020-06-21"',
      '"2021-02-28"',
      '"2024-02-29"',
      '"1999-12-31"',
    ]);
  });

  test("reads text as chrono's %Y-%m-%d does: short fields, whitespace before a number, a signed year", () => {
    assert.deepEqual(
      evalValues(
        [
          "DATE('2020-1-5')",
          "DATE('  2020-01-05')",
          "DATE('2020- 1- 5')",
          "DATE('0001-01-01')",
          "DATE('9999-12-31')",
          "YEAR(DATE('+12345-06-01'))",
          "YEAR(DATE('-0044-03-15'))",
        ],
        ROW,
      ),
      ['"2020-01-05"', '"2020-01-05"', '"2020-01-05"', '"0001-01-01"', '"9999-12-31"', '12345', '-44'],
    );
  });

  test('is NULL for NULL, nullable exactly when its argument is', () => {
    assert.deepEqual(
      evalValues(['DATE(s)', 'DATE(CAST(NULL AS VARCHAR))'], { columns: COLUMNS, rows: [{ n: 'x' }] }),
      ['null', 'null'],
    );
    assert.deepEqual(viewTypes("DATE(s), DATE(n), DATE('2020-01-01'), DATE(c)"), [
      'DATE',
      'DATE NOT NULL',
      'DATE NOT NULL',
      'DATE',
    ]);
  });

  test('text that is not a day of the calendar fails the step, nullable or not', () => {
    for (const text of [
      '2020-01-01 ',
      '2020-02-30',
      '2021-02-29',
      '2020-13-01',
      '2020-00-10',
      '20200101',
      '',
      'not-a-date',
      '12345-01-01',
      '2020-01-01T00:00:00',
      '2024-01-15 10:30:00',
    ]) {
      const literal = `DATE('${text}')`;
      assert.throws(() => evalValues([literal]), /cannot convert '.*' to DATE/, literal);
      for (const column of ['s', 'n'])
        assert.throws(
          () => evalSql(`DATE(${column})`, { columns: COLUMNS, rows: [{ s: text, n: text }] }),
          /cannot convert '.*' to DATE: not a date of the form YYYY-MM-DD/,
          `${column} = '${text}'`,
        );
    }
  });

  test('works where a DATE does: comparisons, arithmetic, grouping', () => {
    const table: Table = {
      columns: 's VARCHAR',
      rows: [{ s: '2020-01-31' }, { s: '2020-01-31' }, { s: '2020-02-01' }, {}],
    };
    assert.deepEqual(
      evalSql(
        "DATE(s) AS day, COUNT(*) AS n, DATE(s) + INTERVAL '1' DAY AS next, DATE(s) > DATE '2020-01-31' AS later",
        table,
        'GROUP BY DATE(s)',
      ),
      [
        '{"day":"2020-01-31","n":2,"next":"2020-02-01","later":false}',
        '{"day":"2020-02-01","n":1,"next":"2020-02-02","later":true}',
        '{"day":null,"n":1,"next":null,"later":null}',
      ],
    );
  });
});

describe('the forms Feldera does not translate are refused at the call, by name', () => {
  test('DATE with other arguments', () => {
    const refusals: [string, string][] = [
      ['DATE(2020, 1, 2)', 'DATE(INTEGER, INTEGER, INTEGER)'],
      ['DATE(i, i, i)', 'DATE(INTEGER, INTEGER, INTEGER)'],
      ['DATE(ts)', 'DATE(TIMESTAMP)'],
      ['DATE(NULL)', 'DATE(NULL)'],
      ['DATE(i)', 'DATE(INTEGER)'],
      ['DATE(d)', 'DATE(DATE)'],
      ["DATE(s, 'UTC')", 'DATE(VARCHAR, VARCHAR)'],
      ['DATE()', 'DATE()'],
      ["DATE(x'00')", 'DATE(BINARY(1))'],
    ];
    for (const [expr, form] of refusals)
      assert.match(
        compileError(expr, COLUMNS),
        new RegExp(
          `^Not yet implemented @2:25: ${form.replace(/[()]/g, '\\$&')} is not yet implemented: Feldera 0\\.312`,
        ),
        expr,
      );
    assert.match(compileError('DATE(2020, 1, 2)', COLUMNS), /use MAKE_DATE\(year, month, day\)/);
    assert.match(compileError('DATE(i)', COLUMNS), /translates only DATE\(string\)/);
  });

  test('TIME(...) and TIMESTAMP(...) in every form, before their arguments are bound', () => {
    for (const expr of ['TIME(1, 2, 3)', 'TIME(ts)', "TIME('10:00:00')", 'TIME(nope)'])
      assert.match(
        compileError(expr, COLUMNS),
        /^Not yet implemented @2:25: The TIME\(\.\.\.\) function .* MAKE_TIME/,
      );
    for (const expr of [
      "TIMESTAMP('2020-01-01 00:00:00')",
      'TIMESTAMP(d)',
      "TIMESTAMP(ts, 'UTC')",
      'TIMESTAMP(nope)',
    ])
      assert.match(
        compileError(expr, COLUMNS),
        /^Not yet implemented @2:25: The TIMESTAMP\(\.\.\.\) function .* TIMESTAMP WITH LOCAL TIME ZONE/,
      );
  });

  test('the refusal points at the call inside a larger expression', () => {
    assert.match(
      compileError('i + YEAR(DATE(ts))', COLUMNS),
      /^Not yet implemented @2:34: DATE\(TIMESTAMP\)/,
    );
  });
});
