/** Small helpers for engine tests: compile or fail, and read step outputs compactly. */
import assert from 'node:assert/strict';
import {
  type Circuit,
  compileProgram,
  type Program,
  type StepOutput,
  type Value,
} from '../../src/engine/index.js';

export function compile(sql: string): Program {
  const r = compileProgram(sql);
  if (!r.ok)
    assert.fail(r.errors.map((e) => `${e.start_line_number}:${e.start_column} ${e.message}`).join('\n'));
  return r.program;
}

/** Prints a value compactly: bigints as `5n`, decimals as text, NULL as `null`. */
export function show(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

/** A relation's delta as sorted `weight × (values)` strings. */
export function delta(out: StepOutput, name: string): string[] {
  const rows = out.get(name);
  assert.ok(rows, `no output for ${name}`);
  return rows.map((e) => `${e.weight} × (${e.row.map(show).join(', ')})`).sort();
}

/** The integrated contents of a materialized relation, as sorted strings. */
export function contents(circuit: Circuit, name: string): string[] {
  return circuit
    .snapshot(name)
    .flatMap((e) => Array.from({ length: e.weight }, () => `(${e.row.map(show).join(', ')})`))
    .sort();
}

/** Pushes rows with weight 1 (or the given weight) into a table. */
export function insert(circuit: Circuit, table: string, rows: Value[][], weight = 1): void {
  circuit.push(
    table,
    rows.map((row) => ({ row, weight })),
  );
}
