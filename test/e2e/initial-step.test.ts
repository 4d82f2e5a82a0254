/**
 * A pipeline process takes an initial step when it first runs: a global aggregate holds its
 * empty-input row (COUNT 0, SUM NULL) before any input, as in Feldera (issue 10).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, queryRows, startAndWait } from '../helpers/pipeline.js';

const PROGRAM = `CREATE TABLE t (x INT) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW v AS SELECT COUNT(*) AS c, SUM(x) AS s FROM t;`;

let m: TestManager;
before(async () => {
  m = await startTestManager();
  assert.equal(
    (await m.request('POST', '/v0/pipelines', { name: 'agg', program_code: PROGRAM })).status,
    201,
  );
  await m.waitFor('agg', (p) => p.program_status === 'Success', 15_000, 'compiled');
});
after(async () => {
  await m.close();
});

test('SELECT COUNT(*), SUM(x) holds (0, NULL) before any input, then follows the input', async () => {
  await startAndWait(m, 'agg');
  let rows: unknown[] = [];
  for (let i = 0; i < 100 && rows.length === 0; i++) {
    rows = await queryRows(m, 'agg', 'SELECT c, s FROM v');
    if (rows.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(rows, [{ c: 0, s: null }]);
  const stats = await m.request('GET', '/v0/pipelines/agg/stats');
  assert.equal(stats.body.global_metrics.total_completed_steps, 1);
  await ingestAndWait(m, 'agg', 't', inserts([{ x: 4 }, { x: 5 }]));
  assert.deepEqual(await queryRows(m, 'agg', 'SELECT c, s FROM v'), [{ c: 2, s: 9 }]);
});
