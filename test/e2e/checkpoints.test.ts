import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  ingestAndWait,
  inserts,
  pipelinePid,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';
import { assertError, assertMatchesReference } from '../helpers/reference.js';

const PROGRAM = `
CREATE TABLE items (id INT NOT NULL PRIMARY KEY, grp VARCHAR NOT NULL, qty INT) WITH ('materialized' = 'true');
CREATE TABLE other (k INT NOT NULL PRIMARY KEY, note VARCHAR) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW per_group AS SELECT grp, COUNT(*) AS n, SUM(qty) AS total FROM items GROUP BY grp;
`;

type Ft = 'none' | 'at_least_once' | 'exactly_once';

async function createPipeline(m: TestManager, name: string, ft: Ft, storage = true, program = PROGRAM) {
  const runtime_config = {
    storage: storage ? { backend: { name: 'default' } } : null,
    fault_tolerance: { model: ft, checkpoint_interval_secs: null },
  };
  const res = await m.request('POST', '/v0/pipelines', { name, program_code: program, runtime_config });
  assert.equal(res.status, 201, res.text);
  await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
}

/** Inserts rows (into `items` unless told otherwise) and waits until they are processed. */
function push(m: TestManager, name: string, rows: Array<Record<string, unknown>>, table = 'items') {
  return ingestAndWait(m, name, table, inserts(rows));
}

const GROUPS = 'SELECT grp, n, total FROM per_group ORDER BY grp';

describe('checkpoints, suspend and resume', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('POST /checkpoint, /checkpoint_status and /checkpoints follow the reference', async () => {
    await createPipeline(m, 'cp', 'none');
    const p = await startAndWait(m, 'cp');
    await push(m, 'cp', [
      { id: 1, grp: 'a', qty: 5 },
      { id: 2, grp: 'b', qty: 7 },
    ]);
    const res = await m.request('POST', '/v0/pipelines/cp/checkpoint');
    assertMatchesReference('CheckpointResponse', res.body);
    const seq = (await checkpointAndWait(m, 'cp')).sequence;
    assert.ok(seq > res.body.checkpoint_sequence_number);
    const status = await m.request('GET', '/v0/pipelines/cp/checkpoint_status');
    assertMatchesReference('CheckpointStatus', status.body);
    assert.equal(status.body.success, seq);
    const list = await m.request('GET', '/v0/pipelines/cp/checkpoints');
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 2);
    for (const c of list.body) assertMatchesReference('CheckpointMetadata', c);
    assert.ok(list.body[0].size > 0);
    const stats = await m.request('GET', '/v0/pipelines/cp/stats');
    const mismatch = await m.request(
      'GET',
      '/v0/pipelines/cp/checkpoint_status?incarnation_uuid=00000000-0000-0000-0000-000000000000',
    );
    assertError(mismatch, 400, 'IncarnationUuidMismatch');
    assert.equal(mismatch.body.details.expected, stats.body.global_metrics.incarnation_uuid);
    assert.equal(mismatch.body.details.requested, '00000000-0000-0000-0000-000000000000');
    const ok = await m.request(
      'GET',
      `/v0/pipelines/cp/checkpoint_status?incarnation_uuid=${stats.body.global_metrics.incarnation_uuid}`,
    );
    assert.equal(ok.status, 200);
    assert.ok(p.deployment_id);
  });

  test('suspend (stop?force=false) checkpoints; start resumes views, stats, sequence numbers and tokens', async () => {
    const before = await queryRows(m, 'cp', GROUPS);
    const statsBefore = (await m.request('GET', '/v0/pipelines/cp/stats')).body.global_metrics;
    const token = await push(m, 'cp', [{ id: 3, grp: 'a', qty: 1 }]);
    await stopAndWait(m, 'cp', false);
    const p = await startAndWait(m, 'cp');
    assert.equal(p.deployment_error, null);
    assert.deepEqual(await queryRows(m, 'cp', GROUPS), [
      { grp: 'a', n: 2, total: 6 },
      { grp: 'b', n: 1, total: 7 },
    ]);
    assert.notDeepEqual(before, await queryRows(m, 'cp', GROUPS));
    const stats = (await m.request('GET', '/v0/pipelines/cp/stats')).body.global_metrics;
    assert.equal(stats.total_processed_records, statsBefore.total_processed_records + 1);
    assert.ok(stats.total_completed_steps > statsBefore.total_completed_steps);
    const t = await m.request('GET', `/v0/pipelines/cp/completion_status?token=${encodeURIComponent(token)}`);
    assert.equal(t.status, 200, 'a token from before the suspend is complete after resume');
    const log = readFileSync(join(m.dataDir, 'pipelines', p.id, 'pipeline.log'), 'utf8');
    assert.match(log, /resumed from checkpoint/);
  });

  test('a pipeline without storage refuses checkpoints (400) and suspend (405)', async () => {
    await createPipeline(m, 'nostore', 'none', false);
    await startAndWait(m, 'nostore');
    assertError(await m.request('POST', '/v0/pipelines/nostore/checkpoint'), 400, 'CheckpointNotConfigured');
    assertError(
      await m.request('POST', '/v0/pipelines/nostore/stop?force=false'),
      405,
      'UnsupportedPipelineAction',
    );
    await stopAndWait(m, 'nostore', true);
  });

  test('exactly_once: every acknowledged record survives a SIGKILL', async () => {
    await createPipeline(m, 'eo', 'exactly_once');
    const p = await startAndWait(m, 'eo');
    await push(m, 'eo', [{ id: 1, grp: 'x', qty: 1 }]);
    await checkpointAndWait(m, 'eo');
    await push(m, 'eo', [{ id: 2, grp: 'x', qty: 2 }]);
    await push(m, 'eo', [{ id: 3, grp: 'y', qty: 3 }]);
    process.kill(pipelinePid(m, p), 'SIGKILL');
    await m.waitFor('eo', (x) => x.deployment_status === 'Stopped', 10_000, 'crash noticed');
    await startAndWait(m, 'eo');
    assert.deepEqual(await queryRows(m, 'eo', GROUPS), [
      { grp: 'x', n: 2, total: 3 },
      { grp: 'y', n: 1, total: 3 },
    ]);
    await stopAndWait(m, 'eo', true);
  });

  test('at_least_once: a SIGKILL resumes from the latest checkpoint alone', async () => {
    await createPipeline(m, 'alo', 'at_least_once');
    const p = await startAndWait(m, 'alo');
    await push(m, 'alo', [{ id: 1, grp: 'x', qty: 1 }]);
    await checkpointAndWait(m, 'alo');
    await push(m, 'alo', [{ id: 2, grp: 'x', qty: 2 }]);
    process.kill(pipelinePid(m, p), 'SIGKILL');
    await m.waitFor('alo', (x) => x.deployment_status === 'Stopped', 10_000, 'crash noticed');
    await startAndWait(m, 'alo');
    assert.deepEqual(await queryRows(m, 'alo', GROUPS), [{ grp: 'x', n: 1, total: 1 }]);
    await stopAndWait(m, 'alo', true);
  });

  test('SIGKILL right after a checkpoint request leaves a whole checkpoint or none', async () => {
    await createPipeline(m, 'kill', 'at_least_once');
    const p = await startAndWait(m, 'kill');
    await push(m, 'kill', [{ id: 1, grp: 'k', qty: 1 }]);
    await checkpointAndWait(m, 'kill');
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: i + 10, grp: `g${i % 50}`, qty: i }));
    await push(m, 'kill', rows);
    const res = await m.request('POST', '/v0/pipelines/kill/checkpoint');
    assert.equal(res.status, 200);
    process.kill(pipelinePid(m, p), 'SIGKILL');
    await m.waitFor('kill', (x) => x.deployment_status === 'Stopped', 10_000, 'crash noticed');
    const again = await startAndWait(m, 'kill');
    assert.equal(again.deployment_error, null);
    const count = (await queryRows(m, 'kill', 'SELECT COUNT(*) AS c FROM items'))[0] as { c: number };
    assert.ok(
      count.c === 1 || count.c === 3001,
      `restored ${count.c} rows: the old checkpoint or the new one`,
    );
    await stopAndWait(m, 'kill', true);
  });

  test('a checkpoint in the format of a Sluice before state on disk is refused, naming its format', async () => {
    await createPipeline(m, 'oldfmt', 'none');
    const p = await startAndWait(m, 'oldfmt');
    await push(m, 'oldfmt', [{ id: 1, grp: 'x', qty: 1 }]);
    await stopAndWait(m, 'oldfmt', false);
    // Rewrite the checkpoint as the previous Sluice stored it: checkpoint format 1, whose
    // circuit.json held only the fingerprint and the step (operators were in op-<node>.bin files).
    const storage = join(m.dataDir, 'pipelines', p.id, 'storage');
    const [name] = readdirSync(join(storage, 'checkpoints'));
    const manifest = JSON.parse(readFileSync(join(storage, 'checkpoints', name!), 'utf8'));
    const circuit = Buffer.from(JSON.stringify({ fingerprint: 'old', step: manifest.steps }));
    const sha256 = createHash('sha256').update(circuit).digest('hex');
    writeFileSync(join(storage, 'state', sha256), circuit);
    const old = {
      ...manifest,
      format: 1,
      size: circuit.length,
      files: [{ name: 'circuit.json', sha256, size: circuit.length }],
    };
    writeFileSync(join(storage, 'checkpoints', name!), `${JSON.stringify(old)}\n`);
    await m.request('POST', '/v0/pipelines/oldfmt/start');
    const failed = await m.waitFor('oldfmt', (q) => q.deployment_error !== null, 20_000, 'deployment_error');
    assert.match(failed.deployment_error.message, /checkpoint format 1/);
    assert.match(failed.deployment_error.message, /resumes from checkpoint format 2 only/);
    assert.equal(failed.deployment_status, 'Stopped');
  });

  test('a checkpoint whose state holds TIMESTAMPs in microseconds (state format 2) is refused, naming it', async () => {
    await createPipeline(m, 'oldstate', 'none');
    const p = await startAndWait(m, 'oldstate');
    await push(m, 'oldstate', [{ id: 1, grp: 'x', qty: 1 }]);
    await stopAndWait(m, 'oldstate', false);
    // The same checkpoint, its circuit.json marked as written before TIMESTAMPs were nanoseconds.
    const storage = join(m.dataDir, 'pipelines', p.id, 'storage');
    const [name] = readdirSync(join(storage, 'checkpoints'));
    const manifest = JSON.parse(readFileSync(join(storage, 'checkpoints', name!), 'utf8'));
    const entry = manifest.files.find((f: { name: string }) => f.name === 'circuit.json');
    const meta = JSON.parse(readFileSync(join(storage, 'state', entry.sha256), 'utf8'));
    const circuit = Buffer.from(JSON.stringify({ ...meta, format: 2 }));
    const sha256 = createHash('sha256').update(circuit).digest('hex');
    writeFileSync(join(storage, 'state', sha256), circuit);
    manifest.size += circuit.length - entry.size;
    Object.assign(entry, { sha256, size: circuit.length });
    writeFileSync(join(storage, 'checkpoints', name!), `${JSON.stringify(manifest)}\n`);
    await m.request('POST', '/v0/pipelines/oldstate/start');
    const failed = await m.waitFor(
      'oldstate',
      (q) => q.deployment_error !== null,
      60_000,
      'deployment_error',
    );
    assert.match(failed.deployment_error.message, /state format 2; this Sluice reads state format 3/);
    assert.match(failed.deployment_error.message, /TIMESTAMP values in microseconds/);
    assert.equal(failed.deployment_status, 'Stopped');
  });

  test('a checkpoint of a different program is not resumed silently', async () => {
    await createPipeline(m, 'fp', 'none');
    await startAndWait(m, 'fp');
    await push(m, 'fp', [{ id: 1, grp: 'x', qty: 1 }]);
    await stopAndWait(m, 'fp', false);
    const patched = await m.request('PATCH', '/v0/pipelines/fp', {
      program_code: `${PROGRAM}\nCREATE MATERIALIZED VIEW extra AS SELECT id FROM items;`,
    });
    assert.equal(patched.status, 200);
    await m.waitFor('fp', (p) => p.program_status === 'Success', 15_000, 'recompiled');
    await m.request('POST', '/v0/pipelines/fp/start?bootstrap_policy=reject');
    const failed = await m.waitFor('fp', (p) => p.deployment_error !== null, 20_000, 'deployment_error');
    assert.match(
      failed.deployment_error.message,
      /modified since checkpoint .* bootstrap_policy is 'reject' \(added views: extra\)/,
    );
    assert.equal(failed.deployment_status, 'Stopped');
    // Clearing storage lets the new program start from scratch.
    assert.equal((await m.request('POST', '/v0/pipelines/fp/clear')).status, 202);
    await m.waitFor('fp', (p) => p.storage_status === 'Cleared', 10_000, 'Cleared');
    const ok = await startAndWait(m, 'fp');
    assert.equal(ok.deployment_error, null);
    assert.deepEqual(await queryRows(m, 'fp', GROUPS), []);
    await stopAndWait(m, 'fp', true);
  });

  test('a corrupted state file is detected and the previous checkpoint is used, saying so', async () => {
    await createPipeline(m, 'corrupt', 'none');
    const p = await startAndWait(m, 'corrupt');
    await push(m, 'corrupt', [{ id: 1, grp: 'a', qty: 1 }]);
    await checkpointAndWait(m, 'corrupt');
    await push(m, 'corrupt', [{ id: 2, grp: 'b', qty: 2 }]);
    await checkpointAndWait(m, 'corrupt');
    await stopAndWait(m, 'corrupt', true);
    // Corrupt every state file that only the newest checkpoint references.
    const storage = join(m.dataDir, 'pipelines', p.id, 'storage');
    const manifests = readdirSync(join(storage, 'checkpoints')).sort();
    const older = JSON.parse(readFileSync(join(storage, 'checkpoints', manifests[0]!), 'utf8'));
    const newer = JSON.parse(readFileSync(join(storage, 'checkpoints', manifests[1]!), 'utf8'));
    const shared = new Set(older.files.map((f: { sha256: string }) => f.sha256));
    const own = newer.files.filter((f: { sha256: string }) => !shared.has(f.sha256));
    assert.ok(own.length > 0);
    for (const f of own) writeFileSync(join(storage, 'state', f.sha256), 'garbage');
    await startAndWait(m, 'corrupt');
    assert.deepEqual(await queryRows(m, 'corrupt', GROUPS), [{ grp: 'a', n: 1, total: 1 }]);
    const log = readFileSync(join(m.dataDir, 'pipelines', p.id, 'pipeline.log'), 'utf8');
    assert.match(log, new RegExp(`checkpoint ${newer.uuid} is unusable`));
    await stopAndWait(m, 'corrupt', true);
  });

  test('a second checkpoint after a small change writes only the changed state', async () => {
    await createPipeline(m, 'share', 'none');
    const p = await startAndWait(m, 'share');
    await push(
      m,
      'share',
      Array.from({ length: 2000 }, (_, i) => ({ k: i, note: `note ${i}` })),
      'other',
    );
    await push(m, 'share', [{ id: 1, grp: 'a', qty: 1 }]);
    await checkpointAndWait(m, 'share');
    await push(m, 'share', [{ id: 2, grp: 'a', qty: 1 }]);
    await checkpointAndWait(m, 'share');
    const log = readFileSync(join(m.dataDir, 'pipelines', p.id, 'pipeline.log'), 'utf8');
    const written = [...log.matchAll(/(\d+) bytes written, (\d+) reused/g)].map((x) => Number(x[1]));
    assert.equal(written.length, 2);
    assert.ok(
      written[1]! < written[0]! / 4,
      `second checkpoint wrote ${written[1]} bytes, first ${written[0]}`,
    );
    await stopAndWait(m, 'share', true);
  });
});
