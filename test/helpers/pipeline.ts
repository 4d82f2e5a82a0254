/**
 * Driving one pipeline of a test manager over HTTP: start and stop and wait, push rows and
 * wait until they are processed, take a checkpoint and wait for it, read a view.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestManager } from './manager.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates pipeline `name` from `sql` and waits until its compilation ends (Success or SqlError). */
export async function createAndCompile(
  m: TestManager,
  name: string,
  sql: string,
  runtimeConfig: unknown = {},
) {
  const res = await m.request('POST', '/v0/pipelines', {
    name,
    program_code: sql,
    runtime_config: runtimeConfig,
  });
  assert.equal(res.status, 201, res.text);
  return m.waitFor(
    name,
    (p) => p.program_status === 'Success' || p.program_status === 'SqlError',
    20_000,
    'compiled',
  );
}

/** The pipeline's `/stats` body (asserts 200). */
export async function pipelineStats(m: TestManager, name: string) {
  const res = await m.request('GET', `/v0/pipelines/${name}/stats`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Starts a pipeline and waits for the status `initial` asks for; fails on a deployment error. */
export async function startAndWait(m: TestManager, name: string, initial = 'running') {
  assert.equal((await m.request('POST', `/v0/pipelines/${name}/start?initial=${initial}`)).status, 202);
  const want = { running: 'Running', paused: 'Paused', standby: 'Standby' }[initial];
  const p = await m.waitFor(
    name,
    (x) => x.deployment_status === want || x.deployment_error !== null,
    30_000,
    want,
  );
  assert.equal(p.deployment_error, null, JSON.stringify(p.deployment_error));
  return p;
}

/** Stops a pipeline (suspending unless `force`) and waits until it is Stopped. */
export async function stopAndWait(m: TestManager, name: string, force: boolean) {
  assert.equal((await m.request('POST', `/v0/pipelines/${name}/stop?force=${force}`)).status, 202);
  return m.waitFor(name, (p) => p.deployment_status === 'Stopped', 20_000, 'Stopped');
}

/** Waits until the completion token is complete. */
export async function waitForToken(m: TestManager, name: string, token: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const s = await m.request(
      'GET',
      `/v0/pipelines/${name}/completion_status?token=${encodeURIComponent(token)}`,
    );
    if (s.status === 200) return;
    assert.equal(s.status, 202, s.text);
    await sleep(25);
  }
  throw new Error(`ingress into ${name} never completed`);
}

/** Pushes a JSON body into a table and waits until it is processed; returns the token. */
export async function ingestAndWait(
  m: TestManager,
  name: string,
  table: string,
  body: string,
): Promise<string> {
  const res = await m.request('POST', `/v0/pipelines/${name}/ingress/${table}?format=json`, body);
  assert.equal(res.status, 200, res.text);
  await waitForToken(m, name, res.body.token);
  return res.body.token;
}

/** Newline-delimited `{"insert": row}` records. */
export function inserts(rows: Array<Record<string, unknown>>): string {
  return rows.map((r) => JSON.stringify({ insert: r })).join('\n');
}

/** Takes a checkpoint and waits for it; returns its sequence number and uuid. */
export async function checkpointAndWait(
  m: TestManager,
  name: string,
): Promise<{ sequence: number; uuid: string }> {
  const res = await m.request('POST', `/v0/pipelines/${name}/checkpoint`);
  assert.equal(res.status, 200, res.text);
  const sequence = res.body.checkpoint_sequence_number as number;
  for (let i = 0; i < 400; i++) {
    const s = await m.request('GET', `/v0/pipelines/${name}/checkpoint_status`);
    assert.equal(s.status, 200, s.text);
    if (s.body.success !== null && s.body.success >= sequence) {
      const list = await m.request('GET', `/v0/pipelines/${name}/checkpoints`);
      return { sequence, uuid: list.body.at(-1).uuid };
    }
    if (s.body.failure && s.body.failure.sequence_number >= sequence) {
      throw new Error(`checkpoint failed: ${s.body.failure.error}`);
    }
    await sleep(25);
  }
  throw new Error('checkpoint never completed');
}

/** Runs an ad-hoc query and returns its rows as parsed JSON objects. */
// biome-ignore lint/suspicious/noExplicitAny: query rows are arbitrary JSON
export async function queryRows(m: TestManager, name: string, sql: string): Promise<any[]> {
  const res = await m.request(
    'GET',
    `/v0/pipelines/${name}/query?format=json&sql=${encodeURIComponent(sql)}`,
  );
  assert.equal(res.status, 200, res.text);
  return res.text
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

/** A chunk of an egress stream as Feldera sends it; tests check it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the chunk's fields depend on the format
type EgressChunk = any;

/**
 * The first chunk of `POST /egress/{relation}?send_snapshot=true` in `format` (its snapshot),
 * parsed; the stream is then closed.
 */
export async function egressSnapshot(
  m: TestManager,
  pipeline: string,
  relation: string,
  format: 'json' | 'csv',
): Promise<EgressChunk> {
  const controller = new AbortController();
  const res = await fetch(
    `${m.url}/v0/pipelines/${pipeline}/egress/${relation}?format=${format}&send_snapshot=true`,
    {
      method: 'POST',
      signal: controller.signal,
    },
  );
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\r\n')) {
    const { value, done } = await reader.read();
    assert.equal(done, false, 'the stream ended before its snapshot');
    text += Buffer.from(value).toString('utf8');
  }
  controller.abort();
  return JSON.parse(text.slice(0, text.indexOf('\r\n')));
}

/** The pipeline's log file, as written so far. */
export function pipelineLog(m: TestManager, pipeline: { id: string }): string {
  return readFileSync(join(m.dataDir, 'pipelines', pipeline.id, 'pipeline.log'), 'utf8');
}

/** The pid of the pipeline's running process. */
export function pipelinePid(m: TestManager, pipeline: { id: string }): number {
  return JSON.parse(readFileSync(join(m.dataDir, 'pipelines', pipeline.id, 'runtime.json'), 'utf8')).pid;
}

/**
 * A `WITH (... 'connectors' = '<list>')` clause for a table or view: the list as JSON, single
 * quotes doubled for SQL; `extra` goes before it (e.g. `'materialized' = 'true', `).
 */
export function connectorsClause(list: unknown[], extra = ''): string {
  return `WITH (${extra}'connectors' = '${JSON.stringify(list).replace(/'/g, "''")}')`;
}
