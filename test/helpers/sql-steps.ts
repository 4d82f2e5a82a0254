/**
 * Aggregate tests over a stream of changes: a view `v` over table `t` is run step by step, each
 * step inserting and deleting rows given as JSON objects, and its integrated contents are read
 * after every step as sorted JSON texts (the egress form). A step that fails reports its error
 * text instead of rows.
 */
import assert from 'node:assert/strict';
import { compileProgram, makeRowJsonEncoder, parseJsonValue } from '../../src/engine/index.js';

export interface Change {
  insert?: Record<string, unknown>[];
  delete?: Record<string, unknown>[];
}

/**
 * `CREATE TABLE t (<columns>); CREATE VIEW v AS SELECT <select> FROM t <rest>` run over `steps`:
 * the view's rows after each step (a row of weight n appears n times), or `error: <message>`.
 */
export function viewAfterSteps(columns: string, select: string, steps: Change[], rest = ''): string[][] {
  const program = compileProgram(
    `CREATE TABLE t (${columns});\nCREATE MATERIALIZED VIEW v AS SELECT ${select} FROM t ${rest};`,
  );
  if (!program.ok)
    assert.fail(
      program.errors.map((e) => `${e.start_line_number}:${e.start_column} ${e.message}`).join('\n'),
    );
  const t = program.program.lookupRelation('t')!;
  const encode = makeRowJsonEncoder(program.program.lookupRelation('v')!.columns);
  const circuit = program.program.instantiate();
  const decode = (rec: Record<string, unknown>) =>
    t.columns.map((c) => parseJsonValue(c.type, rec[c.name] ?? null));
  return steps.map((change) => {
    circuit.push('t', [
      ...(change.insert ?? []).map((rec) => ({ row: decode(rec), weight: 1 })),
      ...(change.delete ?? []).map((rec) => ({ row: decode(rec), weight: -1 })),
    ]);
    try {
      circuit.step();
    } catch (e) {
      return [`error: ${(e as Error).message}`];
    }
    return circuit
      .snapshot('v')
      .flatMap((e) => Array.from({ length: e.weight }, () => encode(e.row)))
      .sort();
  });
}
