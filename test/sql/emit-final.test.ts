/** The view property `emit_final` (compile.ts): refused until LATENESS watermarks exist. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';

test("the view property 'emit_final' is refused, never ignored: it needs LATENESS watermarks", () => {
  const r = compileProgram(`CREATE TABLE t (x INT);
CREATE VIEW v WITH ('emit_final' = 'x') AS SELECT x FROM t;`);
  assert.equal(r.ok, false);
  const e = r.errors[0]!;
  assert.equal(
    `${e.error_type} @${e.start_line_number}:${e.start_column}: ${e.message}`,
    "Not yet implemented @2:21: The view property 'emit_final' is not supported: it needs LATENESS watermarks, which are not implemented",
  );
});
