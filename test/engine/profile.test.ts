/**
 * The circuit's profile (src/engine/profile.ts): the step loop counts invocations and records
 * per node, accumulates time, and the profile reads each stateful node's state size.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile } from '../helpers/sql-circuit.js';

const SQL = `
CREATE TABLE item (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n FROM item GROUP BY grp;
`;

describe('circuit profile', () => {
  test('counts invocations, records in and out, and state per node', () => {
    const c = compile(SQL).instantiate();
    const before = c.profile();
    assert.equal(before.steps, 0);
    assert.ok(before.operators.every((o) => o.invocations === 0 && o.time_ms === 0));

    c.push('item', [
      { row: [1, 10], weight: 1 },
      { row: [2, 10], weight: 1 },
      { row: [3, 20], weight: 1 },
    ]);
    c.step();
    c.push('item', [{ row: [4, 30], weight: 1 }]);
    c.step();
    const p = c.profile();
    assert.equal(p.steps, 2);
    assert.deepEqual(
      p.operators.map((o) => o.id),
      p.operators.map((_, i) => i),
    );
    for (const o of p.operators) {
      assert.equal(o.invocations, 2, `node ${o.id} ${o.kind}`);
      assert.ok(o.time_ms >= 0);
      for (const input of o.inputs) assert.ok(input < o.id, 'inputs come before the node');
    }
    const table = p.operators.find((o) => o.kind === 'TableInput' && o.relation === 'item');
    assert.ok(table, JSON.stringify(p.operators.map((o) => o.kind)));
    assert.equal(table.records_in, 4);
    assert.equal(table.records_out, 4);
    assert.ok(table.state, 'a materialized table keeps state');
    assert.equal(table.state.entries, 4);
    assert.ok(table.state.bytes > 0);

    const view = p.operators.filter((o) => o.relation === 'per_group');
    assert.ok(view.length > 0);
    const last = view.at(-1)!;
    // Three groups: (10, 2), (20, 1), (30, 1), each inserted once.
    assert.equal(last.records_out, 3);
    assert.ok(
      view.some((o) => o.state !== null && o.state.entries >= 3),
      'the aggregate keeps its groups',
    );
    assert.ok(
      p.operators.some((o) => o.state === null),
      'stateless operators have no state',
    );
  });

  test('a failed step is not counted as a step, but its invocations are', () => {
    const c = compile(
      `CREATE TABLE t (x INT NOT NULL);
       CREATE MATERIALIZED VIEW v AS SELECT 10 / x AS q FROM t;`,
    ).instantiate();
    c.push('t', [{ row: [0], weight: 1 }]);
    assert.throws(() => c.step());
    const p = c.profile();
    assert.equal(p.steps, 0);
    const source = p.operators.find((o) => o.kind === 'TableInput');
    assert.equal(source?.invocations, 1);
  });
});
