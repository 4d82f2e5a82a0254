/**
 * Issue 9, items 9 and 2: connectors declared in SQL are compiled, named and run; `datagen`
 * generates what Feldera's reference says; the connector endpoints start, pause and report;
 * `start_after` orders connectors; a resumed pipeline continues where its generator stopped;
 * `pipeline_complete` turns true once every input ended and was processed. Real manager,
 * real pipeline processes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  connectorsClause,
  createAndCompile,
  ingestAndWait,
  pipelineLog,
  pipelineStats,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reference checks, where Feldera's OpenAPI document is beside the repository. */
const reference = existsSync(
  join(process.cwd(), '..', 'shared', 'reference', 'feldera-api-v0.312.openapi.json'),
)
  ? await import('../helpers/reference.js')
  : null;

function matches(schema: string, value: unknown): void {
  reference?.assertMatchesReference(schema, value);
}

function isError(res: { status: number; body: unknown }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal((res.body as { error_code: string }).error_code, code);
  matches('ErrorResponse', res.body);
}

function datagen(config: unknown, more: Record<string, unknown> = {}) {
  return { ...more, transport: { name: 'datagen', config } };
}

// biome-ignore lint/suspicious/noExplicitAny: /stats JSON
function input(s: any, endpoint: string): any {
  // biome-ignore lint/suspicious/noExplicitAny: /stats JSON
  const found = s.inputs.find((i: any) => i.endpoint_name === endpoint);
  assert.ok(
    found,
    `no input ${endpoint} in ${JSON.stringify(s.inputs.map((i: { endpoint_name: string }) => i.endpoint_name))}`,
  );
  return found;
}

/** Polls /stats until `pipeline_complete`; returns the stats. */
async function untilComplete(m: TestManager, name: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await pipelineStats(m, name);
    if (s.global_metrics.pipeline_complete) return s;
    if (Date.now() > deadline)
      throw new Error(`pipeline ${name} never completed: ${JSON.stringify(s.inputs)}`);
    await sleep(100);
  }
}

// Two pipelines at a time: the machines this runs on are small.
describe('connectors declared in SQL', { concurrency: 2 }, () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('program_info lists input and output connectors by Feldera endpoint name', async () => {
    const sql = `CREATE TABLE t1 (id INT NOT NULL PRIMARY KEY) ${connectorsClause([
      datagen({ plan: [{ limit: 0 }] }, { name: 'abc' }),
      datagen({}),
      { transport: { name: 'empty_input' }, labels: ['x'] },
    ])};
CREATE VIEW v ${connectorsClause([{ transport: { name: 'null_output' } }, { name: 'out', transport: { name: 'null_output' } }])} AS SELECT * FROM t1;`;
    const p = await createAndCompile(m, 'info', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    const info = p.program_info;
    assert.deepEqual(Object.keys(info.input_connectors), ['t1.abc', 't1.unnamed-1', 't1.unnamed-2']);
    assert.deepEqual(Object.keys(info.output_connectors), ['v.unnamed-0', 'v.out']);
    const abc = info.input_connectors['t1.abc'];
    assert.equal(abc.stream, 't1');
    assert.deepEqual(abc.transport, { name: 'datagen', config: { plan: [{ limit: 0 }] } });
    assert.equal(abc.paused, false);
    assert.deepEqual(info.input_connectors['t1.unnamed-2'].labels, ['x']);
    matches('InputEndpointConfig', abc);
    matches('OutputEndpointConfig', info.output_connectors['v.out']);
  });

  test('connectors Sluice cannot run, and bad datagen settings, are compile errors at the connector (an unknown datagen field only a warning)', async () => {
    const sql = [
      'CREATE TABLE ok (id INT NOT NULL);',
      `CREATE TABLE k (id INT) WITH ('connectors' = '[`,
      '  {"name": "fine", "transport": {"name": "datagen", "config": {}}},',
      '  {"transport": {"name": "kafka_input", "config": {"topic": "x"}}}',
      `]');`,
      `CREATE TABLE d (id INT) ${connectorsClause([datagen({ plan: [{ limit: 1, fields: { nope: {} } }] })])};`,
      `CREATE TABLE s (name VARCHAR) ${connectorsClause([datagen({ plan: [{ fields: { name: { strategy: 'zigzag' } } }] })])};`,
      `CREATE TABLE r (n INT) ${connectorsClause([datagen({ plan: [{ fields: { n: { strategy: 'email' } } }] })])};`,
      `CREATE VIEW v ${connectorsClause([datagen({})])} AS SELECT * FROM ok;`,
      `CREATE TABLE w (id INT) ${connectorsClause([datagen({}, { start_after: ['nobody'] })])};`,
    ].join('\n');
    const p = await createAndCompile(m, 'refused', sql);
    assert.equal(p.program_status, 'SqlError');
    const messages = p.program_error.sql_compilation.messages;
    for (const msg of messages) {
      assert.equal(msg.error_type, 'ConnectorGenerationError');
      matches('SqlCompilerMessage', msg);
    }
    const find = (re: RegExp) => {
      const found = messages.find((x: { message: string }) => re.test(x.message));
      assert.ok(
        found,
        `no message matching ${re} in ${JSON.stringify(messages.map((x: { message: string }) => x.message))}`,
      );
      return found;
    };
    const kafka = find(/connector 'k\.unnamed-1' uses transport 'kafka_input', which Sluice does not run/);
    assert.equal(kafka.start_line_number, 4, 'the error points at the connector, on its line');
    assert.match(kafka.snippet, /kafka_input/);
    const unknownField = find(
      /d\.unnamed-0.*Field `nope` specified in datagen does not exist in the table schema\. The program compiles \(as in Feldera\), but the pipeline will fail to start/,
    );
    assert.equal(unknownField.warning, true, 'Feldera compiles it; the start fails');
    find(/s\.unnamed-0.*unknown strategy "zigzag"/);
    find(/r\.unnamed-0.*field 'n': invalid strategy 'email' for type INTEGER/);
    find(/view 'v': expected an output variant but got an input variant for connector 'v\.unnamed-0'/);
    find(/'start_after' names label 'nobody', which no input connector has/);
    assert.equal(messages.length, 6, JSON.stringify(messages.map((x: { message: string }) => x.message)));
  });

  test("datagen generates Feldera's documented examples, at the plan's rate", async () => {
    const sql = `
CREATE TABLE times (dt DATE NOT NULL, ts TIMESTAMP NOT NULL, t TIME NOT NULL) ${connectorsClause(
      [
        datagen({
          plan: [
            {
              limit: 3,
              rate: 1,
              fields: {
                ts: { range: ['2024-08-28T00:00:00Z', '2024-08-28T00:00:02Z'], scale: 1000 },
                dt: { range: ['2024-08-28', '2024-08-30'] },
                t: { range: ['00:00:05', '00:00:07'], scale: 1000 },
              },
            },
          ],
        }),
      ],
      "'materialized' = 'true', ",
    )};
CREATE TABLE example1 (col1 INT NOT NULL, col2 VARCHAR NOT NULL) ${connectorsClause(
      [
        datagen({
          plan: [
            { limit: 4, fields: { col1: { values: [1, 2, 3, 4] }, col2: { values: ['a', 'b', 'c', 'd'] } } },
          ],
        }),
      ],
      "'materialized' = 'true', ",
    )};
CREATE TABLE stocks (symbol VARCHAR NOT NULL, price_time BIGINT NOT NULL, price DECIMAL(38, 2) NOT NULL) ${connectorsClause(
      [datagen({ plan: [{ limit: 5 }] })],
      "'materialized' = 'true', ",
    )};`;
    const p = await createAndCompile(m, 'examples', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    const started = Date.now();
    await startAndWait(m, 'examples');
    const done = await untilComplete(m, 'examples');
    // Three records at one a second: the first at once, the last two seconds later.
    assert.ok(Date.now() - started >= 1900, `rate 1 took only ${Date.now() - started} ms for 3 records`);
    assert.equal(input(done, 'times.unnamed-0').metrics.end_of_input, true);
    const times = await queryRows(m, 'examples', 'SELECT dt, ts, t FROM times ORDER BY ts, dt');
    assert.deepEqual(times, [
      { dt: '2024-08-28', ts: '2024-08-28T00:00:00', t: '00:00:05' },
      { dt: '2024-08-28', ts: '2024-08-28T00:00:00', t: '00:00:05' },
      { dt: '2024-08-29', ts: '2024-08-28T00:00:01', t: '00:00:06' },
    ]);
    assert.deepEqual(await queryRows(m, 'examples', 'SELECT col1, col2 FROM example1 ORDER BY col1'), [
      { col1: 1, col2: 'a' },
      { col1: 2, col2: 'b' },
      { col1: 3, col2: 'c' },
      { col1: 4, col2: 'd' },
    ]);
    assert.deepEqual(
      await queryRows(m, 'examples', 'SELECT symbol, price_time, price FROM stocks ORDER BY price_time'),
      [
        { symbol: '0', price_time: 0, price: 0 },
        { symbol: '1', price_time: 1, price: 1 },
        { symbol: '2', price_time: 2, price: 2 },
        { symbol: '3', price_time: 3, price: 3 },
        { symbol: '4', price_time: 4, price: 4 },
      ],
    );
    await stopAndWait(m, 'examples', true);
  });

  test('random strategies: a seed makes the data repeatable, values stay in their ranges', async () => {
    const fields = {
      u: { strategy: 'uniform', range: [10, 20] },
      z: { strategy: 'zipf', range: [100, 110], e: 2 },
      s: { strategy: 'uniform', range: [3, 6] },
      e: { strategy: 'email' },
      w: { strategy: 'words', range: [2, 4] },
      n: { null_percentage: 100 },
      h: { strategy: 'uniform', values: ['x', 'y'] },
      ts: { strategy: 'uniform', range: ['2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z'] },
    };
    const cols =
      'id BIGINT NOT NULL, u INT, z SMALLINT, s VARCHAR, e VARCHAR, w VARCHAR, n DOUBLE, h CHAR(1), ts TIMESTAMP';
    const gen = (seed: number) =>
      connectorsClause(
        [datagen({ seed, plan: [{ limit: 300, fields }], workers: 3 })],
        "'materialized' = 'true', ",
      );
    const sql = `CREATE TABLE a (${cols}) ${gen(42)};
CREATE TABLE b (${cols}) ${gen(42)};
CREATE TABLE c (${cols}) ${gen(43)};`;
    const p = await createAndCompile(m, 'random', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'random');
    await untilComplete(m, 'random');
    const all = (t: string) => queryRows(m, 'random', `SELECT * FROM ${t} ORDER BY id`);
    const [a, b, c] = await Promise.all([all('a'), all('b'), all('c')]);
    assert.equal(a.length, 300);
    assert.deepEqual(a, b, 'the same seed gives the same records');
    assert.notDeepEqual(a, c, 'another seed gives others');
    for (const r of a) {
      assert.ok(r.u >= 10 && r.u < 20, `uniform ${r.u}`);
      assert.ok(r.z >= 100 && r.z < 110, `zipf ${r.z}`);
      assert.ok(r.s.length >= 3 && r.s.length < 6 && /^[A-Za-z0-9]+$/.test(r.s), `string ${r.s}`);
      assert.match(r.e, /^[^@\s]+@example\.(com|net|org)$/);
      assert.ok([2, 3].includes(r.w.split(' ').length), `words ${r.w}`);
      assert.equal(r.n, null);
      assert.ok(['x', 'y'].includes(r.h));
      assert.ok(r.ts >= '2030-01-01T00:00:00' && r.ts < '2030-01-02T00:00:00', `timestamp ${r.ts}`);
    }
    // Zipf with exponent 2 favours the start of the range.
    const first = a.filter((r) => r.z === 100).length;
    assert.ok(first > 300 / 3, `zipf put only ${first} of 300 at rank 1`);
    await stopAndWait(m, 'random', true);
  });

  test('connector endpoints: a paused connector starts on /start, stops on /pause; stats of inputs and outputs', async () => {
    const sql = `CREATE TABLE numbers (num INT) ${connectorsClause(
      [
        datagen(
          { plan: [{ rate: 50, fields: { num: { range: [0, 10], strategy: 'uniform' } } }] },
          { name: 'c1', paused: true },
        ),
      ],
      "'materialized' = 'true', ",
    )};
CREATE VIEW big ${connectorsClause([{ name: 'sink', transport: { name: 'null_output' } }])} AS SELECT * FROM numbers WHERE num > 4;`;
    const p = await createAndCompile(m, 'orchestra', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'orchestra');
    const base = '/v0/pipelines/orchestra';
    await sleep(400);
    let s = await pipelineStats(m, 'orchestra');
    matches('ControllerStatus', s);
    assert.equal(input(s, 'numbers.c1').paused, true);
    assert.equal(input(s, 'numbers.c1').metrics.total_records, 0, 'a paused connector reads nothing');
    assert.equal(s.global_metrics.pipeline_complete, false, 'an endless connector never completes');

    const started = await m.request('POST', `${base}/tables/numbers/connectors/c1/start`);
    assert.equal(started.status, 200, started.text);
    await sleep(600);
    const one = await m.request('GET', `${base}/tables/NUMBERS/connectors/c1/stats`);
    assert.equal(one.status, 200, one.text);
    matches('InputEndpointStatus', one.body);
    assert.equal(one.body.paused, false);
    assert.ok(one.body.metrics.total_records > 0, JSON.stringify(one.body));

    assert.equal((await m.request('POST', `${base}/tables/numbers/connectors/c1/pause`)).status, 200);
    await sleep(300);
    const before = input(await pipelineStats(m, 'orchestra'), 'numbers.c1').metrics.total_records;
    await sleep(600);
    s = await pipelineStats(m, 'orchestra');
    assert.equal(input(s, 'numbers.c1').paused, true);
    assert.equal(input(s, 'numbers.c1').metrics.total_records, before, 'a paused connector stops reading');

    const out = await m.request('GET', `${base}/views/big/connectors/sink/stats`);
    assert.equal(out.status, 200, out.text);
    matches('OutputEndpointStatus', out.body);
    assert.equal(out.body.endpoint_name, 'big.sink');
    const [{ n }] = await queryRows(m, 'orchestra', 'SELECT COUNT(*) AS n FROM numbers WHERE num > 4');
    assert.equal(out.body.metrics.transmitted_records, n, 'the sink saw every row of the view');

    isError(
      await m.request('POST', `${base}/tables/numbers/connectors/nope/start`),
      404,
      'UnknownInputEndpoint',
    );
    isError(await m.request('POST', `${base}/tables/nope/connectors/c1/start`), 404, 'UnknownInputTable');
    isError(
      await m.request('POST', `${base}/tables/numbers/connectors/c1/resume`),
      400,
      'InvalidConnectorAction',
    );
    isError(await m.request('GET', `${base}/views/big/connectors/nope/stats`), 404, 'UnknownOutputEndpoint');
    const token = await m.request('GET', `${base}/tables/numbers/connectors/c1/completion_token`);
    assert.equal(token.status, 200, token.text);
    await stopAndWait(m, 'orchestra', true);
  });

  test('start_after: a connector starts once every connector with the label has finished', async () => {
    // Both write keys 0..9 of a keyed table; "first" takes a second, "second" would take no
    // time: only if "second" waits for "first" to finish does every row end up "second".
    const sql = `CREATE TABLE kv (k INT NOT NULL PRIMARY KEY, v VARCHAR NOT NULL) ${connectorsClause([
      datagen(
        { plan: [{ limit: 10, rate: 20, fields: { v: { values: ['first'] } } }] },
        { name: 'first', labels: ['backfill'] },
      ),
      datagen(
        { plan: [{ limit: 10, fields: { v: { values: ['second'] } } }] },
        { name: 'second', start_after: ['backfill'] },
      ),
    ])};`;
    const p = await createAndCompile(m, 'ordered', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'ordered');
    const s = await untilComplete(m, 'ordered');
    assert.equal(input(s, 'kv.first').metrics.end_of_input, true);
    assert.equal(input(s, 'kv.second').metrics.end_of_input, true);
    assert.equal(s.global_metrics.total_processed_records, 20);
    assert.deepEqual(await queryRows(m, 'ordered', 'SELECT v, COUNT(*) AS n FROM kv GROUP BY v'), [
      { v: 'second', n: 10 },
    ]);
    await stopAndWait(m, 'ordered', true);
  });

  test('start_after starts a connector created paused once the labelled ones finish', async () => {
    // Feldera's suspend test: every connector paused; starting the labelled one must also
    // start the one waiting for its label, paused or not.
    const sql = `CREATE TABLE kv (k INT NOT NULL PRIMARY KEY, v VARCHAR NOT NULL) ${connectorsClause([
      datagen(
        { plan: [{ limit: 3, fields: { v: { values: ['first'] } } }] },
        { name: 'c2', paused: true, labels: ['label1'] },
      ),
      datagen(
        { plan: [{ limit: 5, fields: { k: { range: [10, 15] }, v: { values: ['second'] } } }] },
        { name: 'c3', paused: true, start_after: ['label1'] },
      ),
    ])};`;
    const p = await createAndCompile(m, 'pausedafter', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'pausedafter');
    const base = '/v0/pipelines/pausedafter';
    assert.equal((await m.request('POST', `${base}/tables/kv/connectors/c2/start`)).status, 200);
    const s = await untilComplete(m, 'pausedafter');
    assert.equal(input(s, 'kv.c3').paused, false);
    assert.equal(input(s, 'kv.c3').metrics.end_of_input, true);
    assert.deepEqual(
      await queryRows(m, 'pausedafter', 'SELECT v, COUNT(*) AS n FROM kv GROUP BY v ORDER BY v'),
      [
        { v: 'first', n: 3 },
        { v: 'second', n: 5 },
      ],
    );
    await stopAndWait(m, 'pausedafter', true);
  });

  test('pipeline_complete: HTTP ingress never holds it back', async () => {
    const p = await createAndCompile(m, 'httponly', 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY);');
    assert.equal(p.program_status, 'Success');
    await startAndWait(m, 'httponly');
    await untilComplete(m, 'httponly', 10_000);
    await ingestAndWait(m, 'httponly', 't', '{"insert": {"id": 1}}');
    const s = await untilComplete(m, 'httponly', 10_000);
    assert.equal(s.global_metrics.total_processed_records, 1);
    await stopAndWait(m, 'httponly', true);
  });

  test('a connector batch that fails a step is rejected alone; the checkpoint resumes the generator after it', async () => {
    const sql = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, x INT NOT NULL) ${connectorsClause([
      datagen(
        { plan: [{ limit: 4, worker_chunk_size: 1, fields: { x: { values: [1, 2, 0, 4] } } }] },
        { name: 'gen' },
      ),
    ])};
CREATE MATERIALIZED VIEW q AS SELECT id, 12 / x AS r FROM t;`;
    const p = await createAndCompile(m, 'rejecting', sql, { storage: { backend: { name: 'default' } } });
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'rejecting');
    const stopped = await m.waitFor(
      'rejecting',
      (x) => x.deployment_status === 'Stopped' && x.deployment_error !== null,
      30_000,
      'stopped with the rejected batch',
    );
    assert.equal(stopped.deployment_error.error_code, 'RuntimeError.WorkerPanic');
    assert.match(
      stopped.deployment_error.message,
      /the batch of connector 't\.gen' into table 't' \(1 record/,
    );
    assert.match(stopped.deployment_error.message, /first row \{"id":2,"x":0\}/);
    await startAndWait(m, 'rejecting');
    const s = await untilComplete(m, 'rejecting');
    assert.equal(input(s, 't.gen').metrics.end_of_input, true);
    assert.deepEqual(await queryRows(m, 'rejecting', 'SELECT id, r FROM q ORDER BY id'), [
      { id: 0, r: 12 },
      { id: 1, r: 6 },
      { id: 3, r: 3 },
    ]);
    await stopAndWait(m, 'rejecting', true);
  });

  for (const ft of ['none', 'exactly_once'] as const) {
    test(`checkpoints carry the generator's position (fault tolerance ${ft}): a resumed pipeline continues where it stopped`, async () => {
      const name = `resume-${ft.replace('_', '-')}`;
      // Records whose d is 100 or 101 do not fit DECIMAL(3, 1): half of them are parse
      // errors, which the checkpoint counts with the processed input, so none is counted twice.
      const sql = `CREATE TABLE t (id BIGINT NOT NULL, v VARCHAR, d DECIMAL(3, 1) NOT NULL) ${connectorsClause(
        [
          datagen(
            {
              plan: [
                {
                  limit: 4000,
                  // Slow enough that a checkpoint on a loaded machine still ends midway.
                  rate: 250,
                  worker_chunk_size: 100,
                  fields: { v: { strategy: 'word' }, d: { range: [98, 102] } },
                },
              ],
            },
            { name: 'gen' },
          ),
        ],
      )};
CREATE MATERIALIZED VIEW c AS SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d, MIN(id) AS lo, MAX(id) AS hi FROM t;`;
      const p = await createAndCompile(m, name, sql, {
        storage: { backend: { name: 'default' } },
        fault_tolerance: { model: ft, checkpoint_interval_secs: null },
      });
      assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
      await startAndWait(m, name);
      await sleep(700);
      if (ft === 'exactly_once') {
        // A checkpoint midway and more input after it; the journal names those batches.
        await checkpointAndWait(m, name);
        await sleep(300);
      }
      const midway = input(await pipelineStats(m, name), 't.gen').metrics.total_records;
      assert.ok(midway > 0 && midway < 2000, `stopped midway, at ${midway}`);
      // Without fault tolerance: suspend (a checkpoint, then exit). Exactly once: a stop
      // without checkpoint, as a crash; the generator makes the journaled batches again.
      await stopAndWait(m, name, ft === 'exactly_once');
      await startAndWait(m, name);
      const gen = input(await untilComplete(m, name), 't.gen');
      assert.equal(gen.metrics.total_records, 2000);
      assert.equal(gen.metrics.num_parse_errors, 2000);
      assert.match(
        pipelineLog(m, p),
        ft === 'exactly_once'
          ? /replayed \d+ journaled input\(s\) after the checkpoint/
          : /resumed from checkpoint/,
      );
      assert.deepEqual(await queryRows(m, name, 'SELECT n, d, lo, hi FROM c'), [
        { n: 2000, d: 2000, lo: 0, hi: 3997 },
      ]);
      await stopAndWait(m, name, true);
    });
  }

  test('a connector never has more than max_queued_records, or one batch, waiting for the circuit', async () => {
    // A self-join on few keys makes each step slower than the last, so the generator outruns
    // the circuit and waits on its bound.
    const sql = `CREATE TABLE t (id BIGINT NOT NULL, k INT NOT NULL) ${connectorsClause([
      datagen(
        { plan: [{ limit: 1500, worker_chunk_size: 50, fields: { k: { values: [1, 2, 3] } } }] },
        { name: 'gen', max_queued_records: 100 },
      ),
    ])};
CREATE MATERIALIZED VIEW pairs AS SELECT COUNT(*) AS n FROM t a JOIN t b ON a.k = b.k;`;
    const p = await createAndCompile(m, 'bounded', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'bounded');
    for (;;) {
      const s = await pipelineStats(m, 'bounded');
      const gen = input(s, 't.gen');
      assert.ok(gen.metrics.buffered_records <= 100, `buffered ${gen.metrics.buffered_records} > 100`);
      if (s.global_metrics.pipeline_complete) break;
      await sleep(20);
    }
    assert.deepEqual(await queryRows(m, 'bounded', 'SELECT n FROM pairs'), [{ n: 3 * 500 * 500 }]);
    await stopAndWait(m, 'bounded', true);
  });
});
