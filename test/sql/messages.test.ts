import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { planAdHoc } from '../../src/sql/adhoc.js';
import { NO_USER_TYPES } from '../../src/sql/catalog.js';
import { MessageSink, type SqlCompilerMessage, validatorContext } from '../../src/sql/messages.js';

function errors(program: string): SqlCompilerMessage[] {
  const r = compileProgram(program);
  assert.ok(!r.ok, 'the program should not compile');
  return r.errors;
}

/** What Feldera's Python SDK raises for a program with SQL errors (feldera_client.py, 0.312). */
function sdkText(name: string, messages: SqlCompilerMessage[]): string {
  let text = `Pipeline ${name} failed to compile:\n`;
  for (const m of messages) text += `${m.error_type}\n${m.message}\nCode snippet:\n${m.snippet}`;
  return text;
}

describe('compiler messages in Feldera form', () => {
  test('an unknown object: Calcite position text, "Compilation error", the line before in the snippet', () => {
    // The program as the SDK sends it: it strips the SQL text first.
    const program =
      'CREATE TABLE student(\n    id INT,\n    name STRING\n);\nCREATE VIEW s AS SELECT * FROM blah;';
    const errs = errors(program);
    assert.deepEqual(errs, [
      {
        start_line_number: 5,
        start_column: 32,
        end_line_number: 5,
        end_column: 35,
        warning: false,
        error_type: 'Compilation error',
        message: "From line 5, column 32 to line 5, column 35: Object 'blah' not found",
        snippet:
          '    4|);\n    5|CREATE VIEW s AS SELECT * FROM blah;\n                                     ^^^^\n',
      },
    ]);
    assert.equal(
      sdkText('p', errs).trim(),
      [
        'Pipeline p failed to compile:',
        'Compilation error',
        "From line 5, column 32 to line 5, column 35: Object 'blah' not found",
        'Code snippet:',
        '    4|);',
        '    5|CREATE VIEW s AS SELECT * FROM blah;',
        '                                     ^^^^',
      ].join('\n'),
    );
  });

  test('a one-character range is "At line L, column C", as Calcite words it', () => {
    const [e] = errors('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT y FROM t;');
    assert.equal(e!.error_type, 'Compilation error');
    assert.equal(e!.message, "At line 2, column 25: Column 'y' not found in any table");
    assert.deepEqual([e!.start_column, e!.end_column], [25, 25]);
    assert.equal(
      validatorContext({ startLine: 1, startCol: 2, endLine: 3, endCol: 4 }),
      'From line 1, column 2 to line 3, column 4',
    );
  });

  test('type errors are validator errors too, framed the same way at the expression', () => {
    const [e] = errors("CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT x + 'a' FROM t;");
    assert.equal(e!.error_type, 'Compilation error');
    assert.match(
      e!.message,
      /^From line 2, column 25 to line 2, column 31: Cannot apply '\+' to arguments of type INTEGER/,
    );
    const [bad] = errors('CREATE TABLE t (x DECIMAL(50, 2));');
    assert.equal(bad!.error_type, 'Compilation error');
    assert.match(
      bad!.message,
      /^From line 1, column 19 to line 1, column \d+: DECIMAL precision 50 must be between 1 and \d+$/,
    );
  });

  test('parse errors keep "Error parsing SQL" and say where, in Calcite words', () => {
    const [e] = errors('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELEC x FROM t;');
    assert.equal(e!.error_type, 'Error parsing SQL');
    assert.match(e!.message, /^Encountered "SELEC" at line 2, column 18\.\nWas expecting:\n {4}\S/);
    assert.deepEqual([e!.start_line_number, e!.start_column, e!.end_column], [2, 18, 22]);
    const [eof] = errors('CREATE TABLE t (x INT');
    assert.match(eof!.message, /^Encountered "<EOF>" at line 1, column \d+\.\n/);
  });

  test('refusals keep "Not yet implemented" and their text, positioned at the construct', () => {
    const [e] = errors('CREATE TABLE t (x INT);\nCREATE VIEW v AS SELECT x FROM t MATCH_RECOGNIZE (x);');
    assert.equal(e!.error_type, 'Not yet implemented');
    assert.equal(e!.message, 'MATCH_RECOGNIZE is not supported');
    assert.deepEqual([e!.start_line_number, e!.start_column, e!.end_column], [2, 34, 48]);
    assert.equal(e!.snippet!.split('\n')[2], `${' '.repeat(39)}${'^'.repeat(15)}`);
  });

  test('warnings are not framed', () => {
    const sink = new MessageSink('SELECT 1');
    const span = { startLine: 1, startCol: 1, endLine: 1, endCol: 6 };
    sink.warning(span, 'Error in SQL statement', 'just so');
    assert.deepEqual(
      [sink.warnings[0]!.error_type, sink.warnings[0]!.message],
      ['Error in SQL statement', 'just so'],
    );
  });

  test('ad-hoc queries (not Feldera SQL compiler errors) keep their validation errors unframed', () => {
    const columns = [{ name: 'x', type: { type: 'INTEGER' as const, nullable: true } }];
    const plan = planAdHoc('SELECT nope FROM t', {
      resolve: () => ({ name: 't', columns }),
      table: () => undefined,
      types: NO_USER_TYPES,
    });
    assert.equal(plan.kind, 'error');
    assert.deepEqual(plan.kind === 'error' && [plan.messages[0]!.error_type, plan.messages[0]!.message], [
      'Error in SQL statement',
      "Column 'nope' not found in any table",
    ]);
  });

  test("a parse error says what may start a statement where it is: a program's, an ad-hoc query's", () => {
    assert.match(
      errors('DELETE FROM t')[0]!.message,
      /Was expecting:\s+a statement \(CREATE TABLE, CREATE VIEW\)/,
    );
    const plan = planAdHoc('DELETE FROM t WHERE x = 0', {
      resolve: () => ({ name: 't', columns: [] }),
      table: () => undefined,
      types: NO_USER_TYPES,
    });
    assert.equal(plan.kind, 'error');
    assert.match(
      plan.kind === 'error' ? plan.messages[0]!.message : '',
      /Was expecting:\s+a query or an INSERT \(SELECT, VALUES, WITH, INSERT INTO\)/,
    );
  });
});
