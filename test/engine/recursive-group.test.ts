/**
 * A recursive group as the circuit builds it (engine/recursive-group.ts, one Fixpoint operator
 * of engine/operators/fixpoint.ts): the iteration limit, the atomicity of a failing step, and
 * the group's state in traces that a checkpoint saves and a restore brings back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Dataflow } from '../../src/engine/dataflow.js';
import { TableInput } from '../../src/engine/operators/table-input.js';
import { buildRecursiveGroup } from '../../src/engine/recursive-group.js';
import { UndoLog } from '../../src/engine/undo-log.js';
import { compileProgramSql } from '../../src/sql/compile.js';
import { compile, contents, delta, insert } from '../helpers/sql-circuit.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

const CLOSURE = `CREATE TABLE edges (x INT, y INT);
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x;
CREATE MATERIALIZED VIEW closure AS (SELECT * FROM edges) UNION (SELECT * FROM step);
CREATE MATERIALIZED VIEW reach AS SELECT x, COUNT(*) AS n FROM closure GROUP BY x;`;

/** A path 0 -> 1 -> ... -> n as edge rows. */
function path(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [i, i + 1]);
}

describe('recursive group', () => {
  test('a fixed point that needs more iterations than the limit fails with the views named', () => {
    const front = compileProgramSql(CLOSURE);
    assert.deepEqual(front.errors, []);
    const members = front.views.filter((v) => v.recursive);
    assert.deepEqual(
      members.map((m) => `${m.info.name} ${m.recursive!.declared}`),
      ['step false', 'closure true'],
    );
    const outer = new Dataflow();
    const edges = outer.addSource(new TableInput(null, false), 'edges', 'edges');
    const nodes = buildRecursiveGroup(
      members,
      outer,
      (name) => {
        assert.equal(name, 'edges');
        return edges;
      },
      () => assert.fail('the group does not read the clock'),
      5,
    );
    const undo = new UndoLog();
    const run = (rows: number[][]) =>
      outer.run(new Map([[edges, rows.map((row) => ({ row, weight: 1 }))]]), { undo, step: 1 });
    // A path of 4 edges needs 4 iterations to derive everything and one more to see nothing move.
    const closure = run(path(4)).outputs[nodes.get('closure')!]!;
    assert.equal(closure.length, 10);
    undo.clear();
    assert.throws(
      () => run([[4, 5]]),
      /the recursive views 'step', 'closure' did not reach a fixed point within 5 iterations/,
    );
  });

  test('a failed step is rolled back: the next step sees the state before it', () => {
    const sql = `CREATE TABLE t (n INT NOT NULL);
DECLARE RECURSIVE VIEW r (n INT NOT NULL);
CREATE MATERIALIZED VIEW r AS SELECT n FROM t UNION SELECT n + 1 AS n FROM r WHERE n < 10 AND 100 / (n - 5) <> 0;`;
    const circuit = compile(sql).instantiate();
    insert(circuit, 't', [[6]]);
    assert.deepEqual(delta(circuit.step(), 'r'), ['1 × (10)', '1 × (6)', '1 × (7)', '1 × (8)', '1 × (9)']);
    // From 1 the recursion reaches 5, where the filter divides by zero.
    insert(circuit, 't', [[1]]);
    assert.throws(
      () => circuit.step(),
      /^EngineError: Error computing 'r' in step 2: in recursive view 'r' \(iteration 6\): '100 \/ 0'/,
    );
    circuit.discardPending();
    assert.deepEqual(contents(circuit, 'r'), ['(10)', '(6)', '(7)', '(8)', '(9)']);
    insert(circuit, 't', [[6]], -1);
    assert.deepEqual(delta(circuit.step(), 'r'), [
      '-1 × (10)',
      '-1 × (6)',
      '-1 × (7)',
      '-1 × (8)',
      '-1 × (9)',
    ]);
  });

  test('a checkpoint saves the integrated inputs and the fixed point; the restored circuit goes on alike', async () => {
    const program = compile(CLOSURE);
    const storage = fileBackedStorage();
    const original = program.instantiate();
    original.attachStorage(storage);
    insert(original, 'edges', [
      [1, 2],
      [2, 3],
      [3, 1],
    ]);
    original.step();
    const state = await original.checkpoint();
    state.release();
    const restored = program.instantiate();
    restored.attachStorage(storage);
    restored.restore(state.meta);
    for (const name of ['closure', 'reach'])
      assert.deepEqual(contents(restored, name), contents(original, name));
    for (const circuit of [original, restored]) insert(circuit, 'edges', [[3, 1]], -1);
    const a = original.step();
    const b = restored.step();
    for (const name of ['closure', 'reach']) assert.deepEqual(delta(b, name), delta(a, name));
    assert.deepEqual(contents(restored, 'closure'), ['(1, 2)', '(1, 3)', '(2, 3)']);
    // A restored group made only of constants is not computed a second time.
    const constants = compile(
      'DECLARE RECURSIVE VIEW n (v INT NOT NULL);\nCREATE VIEW n AS SELECT 1 AS v UNION SELECT v + 1 AS v FROM n WHERE v < 3;',
    );
    const first = constants.instantiate();
    first.attachStorage(storage);
    assert.equal(delta(first.step(), 'n').length, 3);
    const saved = await first.checkpoint();
    saved.release();
    const again = constants.instantiate();
    again.attachStorage(storage);
    again.restore(saved.meta);
    assert.deepEqual(delta(again.step(), 'n'), []);
  });
});
