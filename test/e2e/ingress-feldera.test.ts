/**
 * Issue 9, item 7: ingress as Feldera 0.312 takes it, through the manager into a real
 * pipeline process: no `format` means CSV; a JSON row may be an array of values in column
 * order; `{"update": ...}` changes some columns of the row with a primary key; TIME and
 * TIMESTAMP keep nanoseconds from JSON and CSV ingress through a view to JSON and CSV egress
 * and ad-hoc queries (json and text); a table with a primary key is queried ad hoc without
 * `'materialized'`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { egressSnapshot, queryRows, startAndWait, waitForToken } from '../helpers/pipeline.js';

const PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT, at TIME, ts TIMESTAMP);
CREATE TABLE log (msg VARCHAR);
CREATE MATERIALIZED VIEW times AS SELECT id, at, ts, ts + INTERVAL '1' SECOND AS later FROM t WHERE id IN (7, 8);`;

describe('ingress as Feldera takes it', () => {
  let m: TestManager;
  const base = '/v0/pipelines/ingress';

  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'ingress', program_code: PROGRAM });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('ingress', (p) => p.program_status === 'Success', 20_000, 'compiled');
    await startAndWait(m, 'ingress');
  });
  after(async () => {
    await m.close();
  });

  async function push(query: string, body: string): Promise<void> {
    const res = await m.request('POST', `${base}/ingress/t${query}`, body);
    assert.equal(res.status, 200, res.text);
    await waitForToken(m, 'ingress', res.body.token);
  }

  const row = async (id: number) =>
    (await queryRows(m, 'ingress', `SELECT v, at, ts FROM t WHERE id = ${id}`))[0];

  test('no format parameter means CSV; a keyed table is queried without materialized', async () => {
    await push('', '1,10,12:00:00,2024-01-02 03:04:05\n');
    assert.deepEqual(await row(1), { v: 10, at: '12:00:00', ts: '2024-01-02T03:04:05' });
  });

  test('rows as arrays of values in column order, in every update format', async () => {
    await push('?format=json&update_format=raw&array=true', '[[2, 20, "01:02:03", null]]');
    await push('?format=json', '{"insert": [3, 30, null, "2020-02-02 02:02:02"]}');
    await push('?format=json&update_format=weighted', '{"weight": 1, "data": [4, 40, null, null]}');
    assert.deepEqual(await queryRows(m, 'ingress', 'SELECT id, v FROM t WHERE id IN (2, 3, 4) ORDER BY id'), [
      { id: 2, v: 20 },
      { id: 3, v: 30 },
      { id: 4, v: 40 },
    ]);
    await push('?format=json', '{"delete": [4, 40, null, null]}');
    assert.equal(await row(4), undefined);
    const short = await m.request('POST', `${base}/ingress/t?format=json`, '{"insert": [5, 50]}');
    assert.equal(short.status, 400);
    assert.equal(short.body.error_code, 'ParseErrors');
    assert.match(short.body.message, /must hold the 4 column values of the table in order, got 2/);
  });

  test('{"update": ...} sets the columns given of the row with that key and keeps the others', async () => {
    await push(
      '?format=json',
      '{"insert": {"id": 6, "v": 60, "at": "06:06:06", "ts": "2006-06-06 06:06:06"}}',
    );
    await push('?format=json', '{"update": {"id": 6, "v": 61}}');
    assert.deepEqual(await row(6), { v: 61, at: '06:06:06', ts: '2006-06-06T06:06:06' });
    await push('?format=json', '{"update": {"id": 6, "at": null}}\n{"update": {"id": 99, "v": 1}}');
    assert.deepEqual(await row(6), { v: 61, at: null, ts: '2006-06-06T06:06:06' });
    assert.equal(await row(99), undefined, 'an update of a key the table does not hold does nothing');
    const unkeyed = await m.request('POST', `${base}/ingress/log?format=json`, '{"update": {"msg": "x"}}');
    assert.equal(unkeyed.status, 400);
    assert.match(unkeyed.body.message, /table 'log' has no primary key/);
    const noKey = await m.request('POST', `${base}/ingress/t?format=json`, '{"update": {"v": 1}}');
    assert.equal(noKey.status, 400);
    assert.match(noKey.body.message, /an update must give the primary key column 'id'/);
  });

  test('TIME and TIMESTAMP keep nanoseconds from JSON and CSV ingress to egress and ad-hoc output', async () => {
    const at = '12:34:56.123456789';
    const ts = '2024-01-02 03:04:05.123456789';
    const later = '2024-01-02 03:04:06.123456789';
    await push('?format=json', JSON.stringify({ insert: { id: 7, at, ts } }));
    // CSV, with a tenth digit that is cut.
    await push('?format=csv', `8,,${at},${ts}9\n`);
    // Ad-hoc JSON writes a TIMESTAMP in Arrow's form, with a `T`.
    const adhoc = (text: string) => text.replace(' ', 'T');
    for (const id of [7, 8]) assert.deepEqual(await row(id), { v: null, at, ts: adhoc(ts) }, `row ${id}`);
    const json = await egressSnapshot(m, 'ingress', 'times', 'json');
    assert.deepEqual(
      json.json_data
        .map((u: { insert: unknown }) => u.insert)
        .sort((a: { id: number }, b: { id: number }) => a.id - b.id),
      [
        { id: 7, at, ts, later },
        { id: 8, at, ts, later },
      ],
    );
    const csv = await egressSnapshot(m, 'ingress', 'times', 'csv');
    assert.deepEqual(csv.text_data.trim().split('\n').sort(), [
      `7,${at},${ts},${later},1`,
      `8,${at},${ts},${later},1`,
    ]);
    const text = await m.request(
      'GET',
      `${base}/query?format=text&sql=${encodeURIComponent('SELECT at, ts, later FROM times WHERE id = 7')}`,
    );
    assert.equal(text.status, 200, text.text);
    assert.match(
      text.text,
      /\| 12:34:56\.123456789 \| 2024-01-02T03:04:05\.123456789 \| 2024-01-02T03:04:06\.123456789 \|/,
    );
    assert.deepEqual(await queryRows(m, 'ingress', 'SELECT later FROM times WHERE id = 8'), [
      { later: adhoc(later) },
    ]);
  });
});
