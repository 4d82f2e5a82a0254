/**
 * The pattern for function and aggregate tests: evaluate SQL expressions in a real view over
 * rows given as JSON (decoded as ingress decodes them), and read the view as the JSON egress
 * prints it; or compile and get the first error.
 */
import assert from 'node:assert/strict';
import { compileProgram, makeRowJsonEncoder, parseJsonValue } from '../../src/engine/index.js';
import {
  COMPILATION_ERROR,
  type SqlCompilerMessage,
  validatorContext,
  withoutValidatorContext,
} from '../../src/sql/messages.js';

export interface Table {
  /** Column definitions of table `t`, e.g. `s VARCHAR, n INT`. */
  columns: string;
  /** Rows of `t` as JSON objects (missing columns are NULL). */
  rows: Record<string, unknown>[];
}

const NO_TABLE: Table = { columns: 'unused INT', rows: [{}] };

/**
 * `SELECT <select> FROM t [<rest>]` as a view, after one step over `table`'s rows: the view's
 * rows as sorted JSON object texts (a row with weight n appears n times).
 */
export function evalSql(select: string, table: Table = NO_TABLE, rest = ''): string[] {
  const program = compileProgram(
    `CREATE TABLE t (${table.columns});\nCREATE MATERIALIZED VIEW v AS SELECT ${select} FROM t ${rest};`,
  );
  if (!program.ok)
    assert.fail(
      program.errors.map((e) => `${e.start_line_number}:${e.start_column} ${e.message}`).join('\n'),
    );
  const t = program.program.lookupRelation('t')!;
  const circuit = program.program.instantiate();
  circuit.push(
    't',
    table.rows.map((rec) => ({
      row: t.columns.map((c) => parseJsonValue(c.type, rec[c.name] ?? null)),
      weight: 1,
    })),
  );
  circuit.step(Date.now()); // the step's NOW()
  const encode = makeRowJsonEncoder(program.program.lookupRelation('v')!.columns);
  return circuit
    .snapshot('v')
    .flatMap((e) => Array.from({ length: e.weight }, () => encode(e.row)))
    .sort();
}

/** The values of a one-row, one-column `evalSql`, as JSON texts per expression. */
export function evalValues(exprs: string[], table: Table = NO_TABLE): string[] {
  const [row] = evalSql(exprs.map((x, i) => `${x} AS c${i}`).join(', '), table);
  const parsed = JSON.parse(row ?? '{}') as Record<string, unknown>;
  return exprs.map((_, i) => JSON.stringify(parsed[`c${i}`]));
}

/**
 * A compile error as `type @line:col: message`. A validator error ("Compilation error") must
 * begin with Calcite's position text for its own range, which is checked here and left out of
 * the result for brevity.
 */
export function describeError(e: SqlCompilerMessage): string {
  if (e.error_type === COMPILATION_ERROR) {
    const at = validatorContext({
      startLine: e.start_line_number,
      startCol: e.start_column,
      endLine: e.end_line_number,
      endCol: e.end_column,
    });
    assert.ok(e.message.startsWith(`${at}: `), `${JSON.stringify(e.message)} should start with "${at}: "`);
  }
  return `${e.error_type} @${e.start_line_number}:${e.start_column}: ${withoutValidatorContext(e)}`;
}

/** The first compile error of `SELECT <select> FROM t`, as `describeError` gives it. */
export function compileError(select: string, columns = 'x INT, s VARCHAR'): string {
  const r = compileProgram(`CREATE TABLE t (${columns});\nCREATE VIEW v AS SELECT ${select} FROM t;`);
  if (r.ok) return assert.fail(`expected a compile error for ${select}`);
  return describeError(r.errors[0]!);
}
