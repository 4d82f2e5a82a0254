/**
 * Circuit profiles and support bundles of a real pipeline process through a real manager:
 * `GET /circuit_json_profile` (gzip or identity, chunked), `GET /circuit_profile` (a zip) and
 * `GET /support_bundle` (zip layout, selectors, `limit`, `collect`, retention, and that no
 * secret of the pipeline's configuration reaches the bundle).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { strFromU8, unzipSync } from 'fflate';
import { SUPPORT_SELECTORS } from '../../src/manager/support-bundle/collection.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { ingestAndWait, inserts, startAndWait, stopAndWait } from '../helpers/pipeline.js';

const ENV_SECRET = 'env-sekrit-7f3a91';
const SQL_SECRET = 'sql-sekrit-0c55e2';

const PROGRAM = `
-- pasted connector settings: {"name": "s3", "aws_secret_access_key": "${SQL_SECRET}"}
CREATE TABLE t (id INT NOT NULL PRIMARY KEY, grp INT NOT NULL) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n FROM t GROUP BY grp;
`;

async function get(m: TestManager, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${m.url}${path}`, { headers });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Every byte of a zip, with gzip members and nested zips opened too, as one text. */
function allText(zip: Record<string, Uint8Array>): string {
  return Object.entries(zip)
    .map(([name, data]) => {
      if (name.endsWith('.gz')) return gunzipSync(data).toString('utf8');
      if (name.endsWith('.zip')) return allText(unzipSync(data));
      return strFromU8(data);
    })
    .join('\n');
}

function directories(zip: Record<string, Uint8Array>): string[] {
  return [...new Set(Object.keys(zip).flatMap((n) => (n.includes('/') ? [n.split('/')[0]!] : [])))].sort();
}

describe('circuit profile and support bundle', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'prof',
      program_code: PROGRAM,
      runtime_config: { env: { ORDERS_API_TOKEN: ENV_SECRET } },
    });
    assert.equal(res.status, 201, res.text);
    await m.waitFor('prof', (p) => p.program_status === 'Success', 15_000, 'compiled');
    await startAndWait(m, 'prof');
    await ingestAndWait(
      m,
      'prof',
      't',
      inserts([
        { id: 1, grp: 1 },
        { id: 2, grp: 1 },
        { id: 3, grp: 2 },
      ]),
    );
  });
  after(async () => {
    await m.close();
  });

  test('circuit_json_profile: per-operator measurements, gzip or identity, chunked', async () => {
    const gz = await get(m, '/v0/pipelines/prof/circuit_json_profile', { 'accept-encoding': 'gzip' });
    assert.equal(gz.res.status, 200);
    assert.equal(gz.res.headers.get('content-encoding'), 'gzip');
    assert.equal(gz.res.headers.get('transfer-encoding'), 'chunked');
    assert.equal(gz.res.headers.get('content-length'), null);
    // fetch decompresses: the bytes are the JSON.
    const profile = JSON.parse(strFromU8(gz.bytes));
    const plain = await get(m, '/v0/pipelines/prof/circuit_json_profile', { 'accept-encoding': 'identity' });
    assert.equal(plain.res.headers.get('content-encoding'), 'identity');
    assert.deepEqual(JSON.parse(strFromU8(plain.bytes)), profile, 'an idle pipeline profiles the same');

    assert.equal(profile.worker_profiles.length, 1);
    const [worker] = profile.worker_profiles;
    assert.ok(worker.steps >= 1);
    const table = worker.operators.find(
      (o: { kind: string; relation: string }) => o.kind === 'TableInput' && o.relation === 't',
    );
    assert.ok(table, JSON.stringify(worker.operators));
    assert.equal(table.records_in, 3);
    assert.equal(table.state.entries, 3);
    assert.ok(table.invocations >= 1);
    assert.ok(worker.operators.some((o: { relation: string }) => o.relation === 'per_group'));
    assert.equal(profile.graph.nodes.length, worker.operators.length);
    assert.ok(profile.graph.edges.length > 0);
  });

  test('circuit_profile: a zip with the JSON, a text table and a Graphviz file', async () => {
    const { res, bytes } = await get(m, '/v0/pipelines/prof/circuit_profile');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.equal(res.headers.get('content-encoding'), 'identity');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    const zip = unzipSync(bytes);
    assert.deepEqual(Object.keys(zip).sort(), ['circuit.dot', 'profile.json', 'profile.txt']);
    assert.ok(JSON.parse(strFromU8(zip['profile.json']!)).worker_profiles[0].operators.length > 0);
    assert.match(strFromU8(zip['profile.txt']!), /TableInput\s+t\s+/);
    assert.match(strFromU8(zip['circuit.dot']!), /^digraph circuit \{[\s\S]* -> [\s\S]*\}\n$/);
  });

  test('support_bundle: metadata at the root, one directory per collection, no secret', async () => {
    const { res, bytes } = await get(m, '/v0/pipelines/prof/support_bundle');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const zip = unzipSync(bytes);
    const dirs = directories(zip);
    assert.equal(dirs.length, 1);
    const dir = dirs[0]!;
    assert.deepEqual(
      Object.keys(zip).sort(),
      [
        'metadata.json',
        'metadata.txt',
        ...[
          'circuit_profile.json.gz',
          'circuit_profile.zip',
          'dataflow_graph.json',
          'heap_profile.json',
          'logs.txt',
          'metrics.txt',
          'pipeline_config.json',
          'pipeline_events.json',
          'stats.json',
          'system_config.json',
        ].map((f) => `${dir}/${f}`),
      ].sort(),
    );
    const profile = JSON.parse(gunzipSync(zip[`${dir}/circuit_profile.json.gz`]!).toString('utf8'));
    assert.ok(profile.worker_profiles[0].operators.length > 0);
    assert.ok(Object.keys(unzipSync(zip[`${dir}/circuit_profile.zip`]!)).includes('profile.json'));
    const meta = JSON.parse(strFromU8(zip['metadata.json']!));
    assert.equal(meta.pipeline_name, 'prof');
    assert.deepEqual(meta.collections[0].errors, {});
    assert.match(strFromU8(zip['metadata.txt']!), /Support bundle for pipeline 'prof'/);
    const config = JSON.parse(strFromU8(zip[`${dir}/pipeline_config.json`]!));
    assert.equal(config.runtime_config.env.ORDERS_API_TOKEN, '<redacted>');
    assert.match(config.program_code, /"aws_secret_access_key": "<redacted>"/);
    assert.ok(JSON.parse(strFromU8(zip[`${dir}/heap_profile.json`]!)).heap_statistics.used_heap_size > 0);
    assert.match(strFromU8(zip[`${dir}/metrics.txt`]!), /# TYPE /);

    const everything = allText(zip);
    assert.ok(!everything.includes(ENV_SECRET), 'the env secret is in the bundle');
    assert.ok(!everything.includes(SQL_SECRET), 'the secret in the program code is in the bundle');
  });

  test('support_bundle selectors: all false leaves the metadata only; some keep their files', async () => {
    const off = SUPPORT_SELECTORS.map((s) => `${s}=false`).join('&');
    const none = unzipSync((await get(m, `/v0/pipelines/prof/support_bundle?${off}`)).bytes);
    assert.deepEqual(Object.keys(none).sort(), ['metadata.json', 'metadata.txt']);

    const some = unzipSync(
      (
        await get(
          m,
          '/v0/pipelines/prof/support_bundle?limit=1&logs=false&heap_profile=false&circuit_profile=false',
        )
      ).bytes,
    );
    const names = Object.keys(some).map((n) => n.split('/').at(-1));
    assert.ok(names.includes('stats.json') && names.includes('metrics.txt'));
    assert.ok(!names.includes('logs.txt') && !names.includes('heap_profile.json'));
    assert.ok(!names.includes('circuit_profile.json.gz'));
  });

  test('support_bundle limit, collect=false and retention of three collections', async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await get(m, '/v0/pipelines/prof/support_bundle')).res.status, 200);
    const retained = unzipSync((await get(m, '/v0/pipelines/prof/support_bundle?collect=false')).bytes);
    assert.equal(directories(retained).length, 3);
    const two = unzipSync((await get(m, '/v0/pipelines/prof/support_bundle?collect=false&limit=2')).bytes);
    assert.deepEqual(directories(two), directories(retained).slice(1));
    const one = unzipSync((await get(m, '/v0/pipelines/prof/support_bundle?limit=1')).bytes);
    assert.equal(directories(one).length, 1);
    assert.ok(
      !directories(retained).includes(directories(one)[0]!),
      'limit=1 with collect gives the new one',
    );

    const zero = await m.request('GET', '/v0/pipelines/prof/support_bundle?limit=0');
    assert.equal(zero.status, 400);
    assert.equal(zero.body.error_code, 'InvalidRequest');
    const unknown = await m.request('GET', '/v0/pipelines/nope/support_bundle');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, 'UnknownPipelineName');
  });

  test('a stopped pipeline: profiles refused, the bundle says what it could not collect', async () => {
    await stopAndWait(m, 'prof', true);
    const profile = await m.request('GET', '/v0/pipelines/prof/circuit_profile');
    assert.equal(profile.status, 503);
    assert.equal(profile.body.error_code, 'PipelineInteractionNotDeployed');
    const zip = unzipSync((await get(m, '/v0/pipelines/prof/support_bundle?limit=1')).bytes);
    const [dir] = directories(zip);
    const names = Object.keys(zip).filter((n) => n.startsWith(`${dir}/`));
    assert.ok(names.includes(`${dir}/pipeline_config.json`) && names.includes(`${dir}/logs.txt`));
    assert.ok(!names.includes(`${dir}/circuit_profile.json.gz`));
    const meta = JSON.parse(strFromU8(zip['metadata.json']!));
    assert.match(meta.collections[0].errors.circuit_profile, /not deployed/);
    assert.ok(!allText(zip).includes(ENV_SECRET));
  });
});
