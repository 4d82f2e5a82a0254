/**
 * Constructs that used to answer with a raw parser or binder message ("Column 'minute' not
 * found", `Encountered "("`): each now works, or is refused naming the construct at its
 * position (issue 10, "Right answers").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { compileError, evalSql, evalValues } from '../helpers/sql-eval.js';

const COLUMNS = 'x INT, s VARCHAR, ts TIMESTAMP';

/** The first error of a whole program as `type @line:col: message`. */
function programError(sql: string): string {
  const r = compileProgram(sql);
  if (r.ok) return assert.fail(`expected an error for ${sql}`);
  const e = r.errors[0]!;
  return `${e.error_type} @${e.start_line_number}:${e.start_column}: ${e.message}`;
}

describe('clear errors instead of raw messages', () => {
  test('a time unit where a function takes none names the function, the unit and its position', () => {
    assert.equal(
      compileError('TRUNC(ts, MINUTE)', COLUMNS),
      "Compilation error @2:35: TRUNC does not take a time unit argument (MINUTE); Feldera's form is TIMESTAMP_TRUNC(ts, unit), DATE_TRUNC(d, unit) or FLOOR(x TO unit)",
    );
    assert.equal(
      compileError('DATE_DIFF(ts, ts, minute)', COLUMNS),
      "Function not found @2:25: No match found for function signature DATE_DIFF with the time unit MINUTE: there is no function DATE_DIFF; Feldera's form is TIMESTAMPDIFF(unit, a, b)",
    );
    assert.match(
      compileError('TIMESTAMP_DIFF(ts, ts, HOURS)', COLUMNS),
      /^Function not found @2:25: No match found for function signature TIMESTAMP_DIFF with the time unit HOURS/,
    );
    assert.match(compileError('UPPER(day)', COLUMNS), /UPPER does not take a time unit argument \(DAY\)/);
  });

  test('a column named like a time unit is still a column', () => {
    assert.deepEqual(
      evalValues(['TRUNC(minute, 1)', 'ABS("DAY")'], {
        columns: 'minute DOUBLE, "DAY" INT',
        rows: [{ minute: 2.57, DAY: -3 }],
      }),
      ['2.5', '3'],
    );
  });

  test('the forms Feldera does take a unit in still work', () => {
    assert.deepEqual(
      evalValues(
        [
          'CEIL(ts TO MINUTE)',
          'FLOOR(ts TO MINUTE)',
          'TIMESTAMP_TRUNC(ts, MINUTE)',
          "TIMESTAMPDIFF(MINUTE, ts, ts + INTERVAL '90' SECOND)",
        ],
        { columns: COLUMNS, rows: [{ ts: '2024-01-02 10:20:30' }] },
      ),
      ['"2024-01-02 10:21:00"', '"2024-01-02 10:20:00"', '"2024-01-02 10:20:00"', '1'],
    );
  });

  test('the clock and session functions are refused by name, not as columns', () => {
    assert.equal(
      compileError('CURRENT_TIMESTAMP', COLUMNS),
      "Not yet implemented @2:25: CURRENT_TIMESTAMP is not supported; Feldera's clock function is NOW()",
    );
    for (const name of ['CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME'])
      assert.match(
        compileError(name, COLUMNS),
        new RegExp(`^Not yet implemented @2:25: ${name} is not supported`),
      );
    assert.equal(compileError('USER', COLUMNS), 'Not yet implemented @2:25: USER is not supported');
    assert.deepEqual(
      evalValues(['current_date + 1'], { columns: 'current_date INT', rows: [{ current_date: 4 }] }),
      ['5'],
    );
  });

  test('CONVERT and TRANSLATE are refused by name', () => {
    assert.equal(
      compileError('CONVERT(s, VARCHAR)', COLUMNS),
      'Not yet implemented @2:25: CONVERT is not supported; use CAST',
    );
    assert.equal(
      compileError('CONVERT(s USING utf8)', COLUMNS),
      'Not yet implemented @2:25: CONVERT is not supported; use CAST',
    );
    assert.equal(
      compileError("TRANSLATE(s, 'a', 'b')", COLUMNS),
      'Not yet implemented @2:25: TRANSLATE is not supported',
    );
  });

  test('SELECT DISTINCT ON is refused by name', () => {
    assert.equal(
      programError('CREATE TABLE t (x INT, y INT);\nCREATE VIEW v AS SELECT DISTINCT ON (x) x, y FROM t;'),
      'Not yet implemented @2:18: SELECT DISTINCT ON (...) is not supported',
    );
  });

  test('FOREIGN KEY on a column and CHECK constraints are refused by name', () => {
    assert.equal(
      programError('CREATE TABLE t (\n  x INT FOREIGN KEY REFERENCES r(y)\n);'),
      'Not yet implemented @2:9: FOREIGN KEY is not supported',
    );
    assert.equal(
      programError('CREATE TABLE t (x INT, CHECK (x > 0));'),
      'Not yet implemented @1:24: CHECK constraints are not supported',
    );
  });

  test('CONSTRAINT name PRIMARY KEY (...) declares the key; CONSTRAINT name CHECK is refused', () => {
    const r = compileProgram('CREATE TABLE t (x INT NOT NULL, y INT, CONSTRAINT pk PRIMARY KEY (x));');
    assert.ok(r.ok);
    assert.deepEqual(r.program.tables[0]!.primaryKey, [0]);
    assert.equal(
      programError('CREATE TABLE t (x INT, CONSTRAINT c CHECK (x > 0));'),
      'Not yet implemented @1:24: CHECK constraints are not supported',
    );
  });

  test('a table alias may rename the columns', () => {
    assert.deepEqual(
      evalSql(
        'a + b AS total, u.b',
        {
          columns: 'x INT, y INT',
          rows: [
            { x: 1, y: 10 },
            { x: 2, y: 20 },
          ],
        },
        'AS u (a, b) WHERE a > 1',
      ),
      ['{"total":22,"b":20}'],
    );
  });

  test('string constants separated by a newline are one constant; on one line they are an error', () => {
    assert.deepEqual(evalValues(["'foo'\n  'bar'", "'a'\n'b'\n'c'"]), ['"foobar"', '"abc"']);
    assert.equal(
      compileError("'foo' 'bar'"),
      'Error parsing SQL @2:31: String literal continued on same line',
    );
  });
});
