/**
 * A pipeline with a recursive view (the reference's transitive closure) through a checkpoint,
 * a suspend and a resume: the resumed pipeline holds the same closure and goes on to compute
 * what a pipeline that never stopped computes, retractions around a cycle included (which
 * needs the recursive group's state, its inputs and its fixed point, restored exactly).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  ingestAndWait,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';

const PROGRAM = `
CREATE TABLE edges (x INT, y INT);
DECLARE RECURSIVE VIEW closure (x INT, y INT);
CREATE LOCAL VIEW step AS SELECT e.x, closure.y FROM edges e JOIN closure ON e.y = closure.x;
CREATE MATERIALIZED VIEW closure AS (SELECT * FROM edges) UNION (SELECT * FROM step);
CREATE MATERIALIZED VIEW fan_out AS SELECT x, COUNT(*) AS n FROM closure GROUP BY x;
`;

const CLOSURE = 'SELECT x, y FROM closure ORDER BY x, y';
const FAN_OUT = 'SELECT x, n FROM fan_out ORDER BY x';

/** Newline-delimited JSON changes to `edges`: `+` inserts, `-` deletes. */
function changes(list: Array<['+' | '-', number, number]>): string {
  return list
    .map(([op, x, y]) => JSON.stringify({ [op === '+' ? 'insert' : 'delete']: { x, y } }))
    .join('\n');
}

const BATCHES: Array<Array<['+' | '-', number, number]>> = [
  [
    ['+', 1, 2],
    ['+', 2, 3],
    ['+', 3, 1],
  ],
  [
    ['+', 3, 4],
    ['+', 4, 5],
    ['-', 1, 2],
    ['+', 1, 2],
  ],
  // After the resume: break the cycle, then extend the path.
  [['-', 3, 1]],
  [
    ['+', 5, 1],
    ['-', 2, 3],
  ],
];

describe('recursive views across a checkpoint and a restart', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  async function create(name: string) {
    const runtime_config = {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'none', checkpoint_interval_secs: null },
    };
    const res = await m.request('POST', '/v0/pipelines', { name, program_code: PROGRAM, runtime_config });
    assert.equal(res.status, 201, res.text);
    await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
    return startAndWait(m, name);
  }

  test('the resumed pipeline computes what an uninterrupted one computes', async () => {
    await create('rec_ref');
    await create('rec');
    for (const batch of BATCHES.slice(0, 2))
      for (const name of ['rec', 'rec_ref']) await ingestAndWait(m, name, 'edges', changes(batch));
    const closure = await queryRows(m, 'rec', CLOSURE);
    assert.equal(closure.length, 16, 'the cycle 1 2 3 reaches all 5 nodes, and 4 reaches 5');
    await checkpointAndWait(m, 'rec');
    await stopAndWait(m, 'rec', false);
    const p = await startAndWait(m, 'rec');
    assert.equal(p.deployment_error, null);
    assert.match(
      readFileSync(join(m.dataDir, 'pipelines', p.id, 'pipeline.log'), 'utf8'),
      /resumed from checkpoint/,
    );
    assert.deepEqual(await queryRows(m, 'rec', CLOSURE), closure);
    for (const batch of BATCHES.slice(2)) {
      for (const name of ['rec', 'rec_ref']) await ingestAndWait(m, name, 'edges', changes(batch));
      for (const sql of [CLOSURE, FAN_OUT])
        assert.deepEqual(await queryRows(m, 'rec', sql), await queryRows(m, 'rec_ref', sql), sql);
    }
    // 1 -> 2, 3 -> 4 -> 5 -> 1: the closure of what is left.
    assert.deepEqual(await queryRows(m, 'rec', FAN_OUT), [
      { x: 1, n: 1 },
      { x: 3, n: 4 },
      { x: 4, n: 3 },
      { x: 5, n: 2 },
    ]);
    for (const name of ['rec', 'rec_ref']) await stopAndWait(m, name, true);
  });
});
