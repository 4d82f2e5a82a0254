/**
 * The data plane's side of ad-hoc statements: an INSERT applied in order on the step loop, a
 * SELECT's snapshots copied at one step boundary even while ingress goes on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CAPTURE_CHUNK_ROWS, type DataPlane } from '../../src/runtime/data-plane.js';
import { testDataPlane } from '../helpers/data-plane.js';

const PROGRAM = `
CREATE TABLE t (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW n AS SELECT COUNT(*) AS c FROM t;`;
const JSON_LINES = { format: 'json', updateFormat: 'insert_delete', array: false } as const;

function plane(): DataPlane {
  return testDataPlane(PROGRAM, {
    running: true,
    onRejected: (rejected) => assert.fail(`rejected: ${JSON.stringify(rejected)}`),
  }).plane;
}

const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ insert: { id: from + i } })).join('\n');

describe('data plane: ad-hoc statements', () => {
  test('a SELECT copies its relations over several turns at one step boundary while ingress goes on', async () => {
    const p = plane();
    const size = 2 * CAPTURE_CHUNK_ROWS + 100;
    await p.ingest('t', rows(0, size), JSON_LINES);
    await p.waitProcessed();
    const statement = await p.query('SELECT * FROM t, n');
    assert.equal(statement.kind, 'select');
    if (statement.kind !== 'select') return;
    const capturing = statement.capture(() => false);
    // Ingress keeps being accepted during the copy; steps would change both relations.
    for (let i = 0; i < 5; i++) {
      await p.ingest('t', rows(size + i, size + i + 1), JSON_LINES);
      await new Promise((r) => setImmediate(r));
    }
    const [t, n] = await capturing;
    assert.equal(t!.name, 't');
    assert.equal(t!.rows.length, size);
    assert.deepEqual(n!.rows, [{ row: [BigInt(size)], weight: 1 }]);
    await p.waitProcessed();
    assert.equal(p.circuit.snapshot('t').length, size + 5);
  });

  test('an INSERT is applied on the step loop and answered with its count once processed', async () => {
    const p = plane();
    const statement = await p.query('INSERT INTO t VALUES (1), (2)');
    assert.equal(statement.kind, 'insert');
    if (statement.kind !== 'insert') return;
    assert.deepEqual(statement.result.rows, [[2n]]);
    assert.deepEqual(p.circuit.snapshot('n'), [{ row: [2n], weight: 1 }]);
    await assert.rejects(p.query('SELECT * FROM nowhere'), { errorCode: 'InvalidQuery' });
  });
});
