/**
 * Column DEFAULT values through the manager into a real pipeline process (issue 10): JSON
 * records that omit columns get their defaults, an update keeps what it omits, a record
 * without a NOT NULL column is refused whole, and an ad-hoc INSERT's omitted columns are NULL
 * (Feldera's DataFusion INSERT does not apply defaults). The program schema the manager
 * reports carries each default.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { queryRows, startAndWait, waitForToken } from '../helpers/pipeline.js';

const PROGRAM = `CREATE TABLE t (
  id INT NOT NULL PRIMARY KEY,
  qty INT DEFAULT 10 * 2,
  label VARCHAR NOT NULL DEFAULT 'none',
  src VARCHAR DEFAULT CAST(CONNECTOR_METADATA()['kafka_topic'] AS VARCHAR),
  note VARCHAR
);
CREATE MATERIALIZED VIEW totals AS SELECT label, SUM(qty) AS qty FROM t GROUP BY label;`;

describe('column DEFAULT values in a running pipeline', () => {
  let m: TestManager;
  const name = 'defaults';

  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name, program_code: PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor(name, (p) => p.program_status === 'Success', 20_000, 'compiled');
    await startAndWait(m, name);
  });
  after(async () => {
    await m.close();
  });

  async function push(body: string, query = '?format=json'): Promise<void> {
    const res = await m.request('POST', `/v0/pipelines/${name}/ingress/t${query}`, body);
    assert.equal(res.status, 200, res.text);
    await waitForToken(m, name, res.body.token);
  }

  const rows = () => queryRows(m, name, 'SELECT id, qty, label, src, note FROM t ORDER BY id');

  test('the program schema reports the defaults', async () => {
    const p = await m.request('GET', `/v0/pipelines/${name}`);
    assert.equal(p.status, 200, p.text);
    const fields = p.body.program_info.schema.inputs[0].fields;
    assert.deepEqual(
      fields.map((f: { name: string; default?: string }) => [f.name, f.default ?? null]),
      [
        ['id', null],
        ['qty', '10 * 2'],
        ['label', "'none'"],
        ['src', "CAST(CONNECTOR_METADATA()['kafka_topic'] AS VARCHAR)"],
        ['note', null],
      ],
    );
  });

  test('records that omit columns get their defaults, in every JSON update format', async () => {
    await push('{"insert": {"id": 1}}\n{"insert": {"id": 2, "qty": 5, "note": "n"}}');
    await push('{"id": 3, "label": "x"}', '?format=json&update_format=raw');
    await push('{"weight": 1, "data": {"id": 4, "qty": null}}', '?format=json&update_format=weighted');
    assert.deepEqual(await rows(), [
      { id: 1, qty: 20, label: 'none', src: null, note: null },
      { id: 2, qty: 5, label: 'none', src: null, note: 'n' },
      { id: 3, qty: 20, label: 'x', src: null, note: null },
      { id: 4, qty: null, label: 'none', src: null, note: null },
    ]);
    assert.deepEqual(await queryRows(m, name, 'SELECT label, qty FROM totals ORDER BY label'), [
      { label: 'none', qty: 25 },
      { label: 'x', qty: 20 },
    ]);
  });

  test('an update keeps the columns it omits; it does not reset them to their defaults', async () => {
    await push('{"update": {"id": 2, "label": "y"}}');
    assert.deepEqual((await rows())[1], { id: 2, qty: 5, label: 'y', src: null, note: 'n' });
  });

  test('a record without its key is refused, and nothing of its JSON array is ingested', async () => {
    const res = await m.request(
      'POST',
      `/v0/pipelines/${name}/ingress/t?format=json&array=true`,
      '[{"insert": {"id": 9}}, {"insert": {"qty": 1}}]',
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, 'ParseErrors');
    assert.match(res.body.message, /Parse error \(event #2\): missing value for NOT NULL column 'id'/);
    assert.equal((await rows()).length, 4);
  });

  test("an ad-hoc INSERT's omitted columns are NULL, as in Feldera; a NOT NULL one is refused", async () => {
    const sql = encodeURIComponent("INSERT INTO t (id, label) VALUES (5, 'adhoc')");
    const res = await m.request('GET', `/v0/pipelines/${name}/query?format=json&sql=${sql}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual((await rows())[4], { id: 5, qty: null, label: 'adhoc', src: null, note: null });
    const bad = encodeURIComponent('INSERT INTO t (id) VALUES (6)');
    const refused = await m.request('GET', `/v0/pipelines/${name}/query?format=json&sql=${bad}`);
    assert.equal(refused.status, 400, refused.text);
    assert.match(
      refused.text,
      /Column 'label' of table 't' is NOT NULL and has no value \(an INSERT gives omitted columns NULL, not their DEFAULT/,
    );
  });
});
