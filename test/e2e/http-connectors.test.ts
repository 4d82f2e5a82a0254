/**
 * HTTP input and output connectors as Feldera's clients see them, over real HTTP against a
 * real manager and pipeline process: `/ingress` to a table makes one input connector per
 * format configuration, named `{table}.api-ingress-{16 hex}` in `/stats`; an open `/egress`
 * stream is an output connector `{view}.api-{uuid}`; both are found by the per-connector stats
 * routes under the part after `{relation}.`. Parse errors are counted, and their messages
 * listed only with `/stats?include_connector_errors=true`. A graceful stop and start keep the
 * input connector's counters and messages (through the checkpoint), not the egress stream; a
 * program change that modifies the table drops its input connectors, one that leaves it alone
 * keeps them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { pipelineStats, startAndWait, stopAndWait, waitForToken } from '../helpers/pipeline.js';
import { assertError } from '../helpers/reference.js';

const NAME = 'httpconn';
const BASE = `/v0/pipelines/${NAME}`;
// Not materialized (as in Feldera's SDK test): renaming the view below needs no table contents.
const TABLE = 'CREATE TABLE input_t (c1 INT);';
const PROGRAM = `${TABLE}
CREATE MATERIALIZED VIEW output_v AS SELECT * FROM input_t;`;

interface Endpoint {
  endpoint_name: string;
  config: { stream: string };
  metrics: Record<string, number | boolean>;
  parse_errors?: Array<{ message: string; index: number }> | null;
  transport_errors?: unknown[] | null;
}

const httpInputs = (stats: { inputs: Endpoint[] }) =>
  stats.inputs.filter((i) => i.endpoint_name.includes('.api-ingress-'));
const httpOutputs = (stats: { outputs: Endpoint[] }) =>
  stats.outputs.filter((o) => o.endpoint_name.includes('.api-'));
const connectorName = (e: Endpoint) => e.endpoint_name.slice(e.endpoint_name.indexOf('.') + 1);

/** Opens an egress stream and resolves once its headers are in; `close` ends it. */
async function listen(m: TestManager, view: string): Promise<{ close: () => void }> {
  const controller = new AbortController();
  const res = await fetch(`${m.url}${BASE}/egress/${view}?format=json`, {
    method: 'POST',
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  // Read (and drop) what it sends, so that the stream never backs up.
  const reader = res.body!.getReader();
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // aborted by close
    }
  })();
  return { close: () => controller.abort() };
}

async function modify(m: TestManager, program: string) {
  const res = await m.request('PATCH', BASE, { program_code: program });
  assert.equal(res.status, 200, res.text);
  await m.waitFor(NAME, (p) => p.program_status === 'Success', 15_000, 'recompiled');
}

async function startWithBootstrap(m: TestManager) {
  const res = await m.request('POST', `${BASE}/start?bootstrap_policy=allow`);
  assert.equal(res.status, 202, res.text);
  const p = await m.waitFor(
    NAME,
    (x) => x.deployment_status === 'Running' || x.deployment_error !== null,
    30_000,
    'Running',
  );
  assert.equal(p.deployment_error, null, JSON.stringify(p.deployment_error));
}

describe('HTTP connectors in /stats, across restarts and program changes', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', {
      name: NAME,
      program_code: PROGRAM,
      runtime_config: { storage: { backend: { name: 'default' } } },
    });
    assert.equal(res.status, 201, res.text);
    await m.waitFor(NAME, (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, NAME);
  });
  after(async () => {
    await m.close();
  });

  const push = (query: string, body: string) => m.request('POST', `${BASE}/ingress/input_t?${query}`, body);
  const SDK_JSON = 'format=json&update_format=raw&array=true';

  test('one input connector per format, named and found as Feldera names it; parse errors listed only on request', async () => {
    const ok = await push(SDK_JSON, '[{"c1": 0}, {"c1": 1}, {"c1": 2}]');
    assert.equal(ok.status, 200, ok.text);
    await waitForToken(m, NAME, ok.body.token);
    const bad = await push(SDK_JSON, '[{"c1": "not_an_int"}]');
    assertError(bad, 400, 'ParseErrors');
    assert.match(bad.body.message, /^Errors parsing input data \(1 errors\):/);
    const again = await push(`${SDK_JSON}`, '[{"c1": 3}, {"c1": 4}]');
    await waitForToken(m, NAME, again.body.token);

    let stats = await pipelineStats(m, NAME);
    const inputs = httpInputs(stats);
    assert.equal(inputs.length, 1, JSON.stringify(stats.inputs));
    const input = inputs[0]!;
    assert.match(input.endpoint_name, /^input_t\.api-ingress-[0-9a-f]{16}$/);
    assert.equal(input.config.stream, 'input_t');
    assert.equal(input.metrics.total_records, 5);
    assert.equal(input.metrics.num_parse_errors, 1);
    assert.equal(input.parse_errors ?? null, null, 'no error list without the selector');
    assert.equal(input.transport_errors ?? null, null);

    const detailed = (await m.request('GET', `${BASE}/stats?include_connector_errors=true`)).body;
    const withErrors = httpInputs(detailed)[0]!;
    assert.equal(withErrors.parse_errors?.length, 1);
    assert.match(withErrors.parse_errors![0]!.message, /^Parse error \(event #1\): column 'c1'/);

    const one = await m.request('GET', `${BASE}/tables/input_t/connectors/${connectorName(input)}/stats`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.endpoint_name, input.endpoint_name);
    assert.equal(one.body.metrics.num_parse_errors, 1);
    const token = await m.request(
      'GET',
      `${BASE}/tables/input_t/connectors/${connectorName(input)}/completion_token`,
    );
    assert.equal(token.status, 200, token.text);
    assertError(
      await m.request('POST', `${BASE}/tables/input_t/connectors/${connectorName(input)}/pause`),
      400,
      'InvalidConnectorAction',
    );

    // Another format configuration is another connector; CSV keeps its good records.
    const csv = await push('format=csv', '7\nseven\n8\n');
    assertError(csv, 400, 'ParseErrors');
    assert.equal(csv.body.details.ingested_records, 2);
    await waitForToken(m, NAME, csv.body.details.token);
    stats = await pipelineStats(m, NAME);
    const both = httpInputs(stats);
    assert.equal(both.length, 2);
    const csvInput = both.find((e) => e.endpoint_name !== input.endpoint_name)!;
    assert.equal(csvInput.metrics.total_records, 2);
    assert.equal(csvInput.metrics.num_parse_errors, 1);
  });

  test('an open egress stream is an output connector until it closes', async () => {
    const listener = await listen(m, 'output_v');
    let outputs: Endpoint[] = [];
    for (let i = 0; i < 50 && outputs.length === 0; i++) {
      outputs = httpOutputs(await pipelineStats(m, NAME));
      if (outputs.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(outputs.length, 1);
    assert.match(outputs[0]!.endpoint_name, /^output_v\.api-[0-9a-f-]{36}$/);
    const one = await m.request(
      'GET',
      `${BASE}/views/output_v/connectors/${connectorName(outputs[0]!)}/stats`,
    );
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.endpoint_name, outputs[0]!.endpoint_name);
    listener.close();
    for (let i = 0; i < 50 && outputs.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      outputs = httpOutputs(await pipelineStats(m, NAME));
    }
    assert.equal(outputs.length, 0);
  });

  test('a graceful stop and start keep the input connectors, counters and messages; a new request reaches the same one', async () => {
    const listener = await listen(m, 'output_v');
    const before = (await m.request('GET', `${BASE}/stats?include_connector_errors=true`)).body;
    await stopAndWait(m, NAME, false);
    listener.close();
    await startAndWait(m, NAME);
    const after = (await m.request('GET', `${BASE}/stats?include_connector_errors=true`)).body;
    const names = (s: { inputs: Endpoint[] }) =>
      httpInputs(s)
        .map((e) => e.endpoint_name)
        .sort();
    assert.deepEqual(names(after), names(before));
    for (const e of httpInputs(before)) {
      const restored = httpInputs(after).find((x) => x.endpoint_name === e.endpoint_name)!;
      assert.equal(restored.metrics.total_records, e.metrics.total_records);
      assert.equal(restored.metrics.num_parse_errors, e.metrics.num_parse_errors);
      assert.deepEqual(
        restored.parse_errors?.map((x) => x.message),
        e.parse_errors?.map((x) => x.message),
      );
    }
    assert.equal(httpOutputs(after).length, 0, 'egress streams do not survive');
    const res = await push(SDK_JSON, '[{"c1": 9}]');
    await waitForToken(m, NAME, res.body.token);
    const json = httpInputs(await pipelineStats(m, NAME)).filter((e) => e.metrics.total_records === 6);
    assert.equal(json.length, 1, 'the JSON connector went on counting under its name');
  });

  test('a program change keeps the connectors of an unchanged table and drops those of a modified one', async () => {
    await stopAndWait(m, NAME, false);
    await modify(m, `${TABLE}\nCREATE MATERIALIZED VIEW output_v_renamed AS SELECT * FROM input_t;`);
    await startWithBootstrap(m);
    assert.equal(httpInputs(await pipelineStats(m, NAME)).length, 2);
    await stopAndWait(m, NAME, false);
    await modify(
      m,
      'CREATE TABLE input_t (c1 INT, c2 INT);\nCREATE MATERIALIZED VIEW output_v_renamed AS SELECT c1 FROM input_t;',
    );
    await startWithBootstrap(m);
    assert.equal(httpInputs(await pipelineStats(m, NAME)).length, 0);
  });
});
