/**
 * `json_flavor` on HTTP ingress: `pandas` (what Feldera's Python SDK sends for a DataFrame)
 * takes a TIMESTAMP as milliseconds since the epoch, as Feldera 0.312 does; strings still
 * parse; flavors Sluice does not read are refused and nothing is ingested.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { queryRows, startAndWait, stopAndWait, waitForToken } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const PROGRAM = `CREATE TABLE ts (id INT NOT NULL, at TIMESTAMP, d DATE) WITH ('materialized' = 'true');`;

describe('json_flavor', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'fl', program_code: PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('fl', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'fl');
  });
  after(async () => {
    await stopAndWait(m, 'fl', true);
    await m.close();
  });

  test('pandas: a TIMESTAMP number is epoch milliseconds; strings still parse', async () => {
    const body = JSON.stringify([
      { id: 1, at: 1796085933433, d: '2026-11-30' },
      { id: 2, at: '2020-01-02 03:04:05', d: null },
      { id: 3, at: -1000, d: null },
    ]);
    const res = await m.request(
      'POST',
      '/v0/pipelines/fl/ingress/ts?format=json&array=true&update_format=raw&json_flavor=pandas',
      body,
    );
    assert.equal(res.status, 200, res.text);
    await waitForToken(m, 'fl', res.body.token);
    const rows = await queryRows(m, 'fl', 'SELECT id, CAST(at AS VARCHAR) AS at, d FROM ts ORDER BY id');
    assert.deepEqual(
      rows.map((r) => [r.id, r.at]),
      [
        [1, '2026-12-01 00:45:33'],
        [2, '2020-01-02 03:04:05'],
        [3, '1969-12-31 23:59:59'],
      ],
    );
    // The cast drops the fraction; the milliseconds are there.
    const exact = await queryRows(
      m,
      'fl',
      "SELECT id FROM ts WHERE at = TIMESTAMP '2026-12-01 00:45:33.433'",
    );
    assert.deepEqual(exact, [{ id: 1 }]);
  });

  test('the default flavor refuses a TIMESTAMP number; a fraction of a millisecond and unknown flavors are refused', async () => {
    const push = (query: string, body: string) =>
      m.request('POST', `/v0/pipelines/fl/ingress/ts?${query}`, body);
    assertError(await push('format=json&update_format=raw', '{"id": 9, "at": 5}'), 400, 'ParseErrors');
    assertError(
      await push('format=json&update_format=raw&json_flavor=pandas', '{"id": 9, "at": 5.5}'),
      400,
      'ParseErrors',
    );
    assertError(
      await push('format=json&update_format=raw&json_flavor=debezium_mysql', '{"id": 9, "at": 5}'),
      400,
      'InvalidFormat',
    );
    assert.equal((await queryRows(m, 'fl', 'SELECT id FROM ts WHERE id = 9')).length, 0);
  });
});
