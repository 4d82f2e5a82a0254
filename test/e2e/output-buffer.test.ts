/**
 * Issue 9: output connectors' buffer (`enable_output_buffer`, Feldera's `OutputBufferConfig`).
 * Written by size and by time, consolidated, written when the pipeline stops; checkpoints
 * flush it and do not wait for its timer (Feldera's issue #6100 scenario: a steady datagen
 * input with frequent checkpoints and a long buffer time keeps being processed); a crash and
 * resume writes each update once. Real manager, real pipeline processes, real files.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import {
  checkpointAndWait,
  connectorsClause,
  createAndCompile,
  ingestAndWait,
  inserts,
  pipelineLog,
  pipelinePid,
  pipelineStats,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A buffered JSON `file_output` connector named `f`. */
function bufferedFile(path: string, buffer: Record<string, unknown>) {
  return {
    name: 'f',
    transport: { name: 'file_output', config: { path } },
    format: { name: 'json' },
    enable_output_buffer: true,
    ...buffer,
  };
}

/** The file's records, parsed (none when it does not exist yet). */
// biome-ignore lint/suspicious/noExplicitAny: records are {"insert"|"delete": row}
function records(path: string): any[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

// biome-ignore lint/suspicious/noExplicitAny: /stats bodies are checked field by field
function outputMetrics(stats: any, endpoint: string) {
  const out = stats.outputs.find((o: { endpoint_name: string }) => o.endpoint_name === endpoint);
  assert.ok(out, `no output endpoint ${endpoint} in ${JSON.stringify(stats.outputs)}`);
  return out.metrics;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('output buffer', { concurrency: 2 }, () => {
  let m: TestManager;
  let dir: string;
  before(async () => {
    m = await startTestManager();
    dir = mkdtempSync(join(tmpdir(), 'sluice-outbuf-'));
  });
  after(async () => {
    await m.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('by size: the buffer is written once it holds more than max_output_buffer_size_records rows', async () => {
    const out = join(dir, 'size.json');
    const sql = `CREATE TABLE t (id INT NOT NULL);
CREATE VIEW v ${connectorsClause([
      bufferedFile(out, { max_output_buffer_size_records: 3 }),
      {
        name: 'n',
        transport: { name: 'null_output' },
        enable_output_buffer: true,
        max_output_buffer_size_records: 3,
      },
    ])} AS SELECT * FROM t;`;
    const p = await createAndCompile(m, 'bufsize', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'bufsize');
    await ingestAndWait(m, 'bufsize', 't', inserts([{ id: 1 }, { id: 2 }]));
    await ingestAndWait(m, 'bufsize', 't', inserts([{ id: 3 }]));
    assert.deepEqual(records(out), [], 'three rows do not exceed the limit');
    let stats = await pipelineStats(m, 'bufsize');
    for (const endpoint of ['v.f', 'v.n']) {
      const metrics = outputMetrics(stats, endpoint);
      assert.equal(metrics.buffered_records, 3);
      assert.equal(metrics.buffered_batches, 2);
      assert.equal(metrics.transmitted_records, 0);
    }
    await ingestAndWait(m, 'bufsize', 't', inserts([{ id: 4 }]));
    assert.deepEqual(
      records(out).map((r) => r.insert.id),
      [1, 2, 3, 4],
      'the fourth row is written with the others, in the step that added it',
    );
    stats = await pipelineStats(m, 'bufsize');
    for (const endpoint of ['v.f', 'v.n']) {
      const metrics = outputMetrics(stats, endpoint);
      assert.equal(metrics.buffered_records, 0);
      assert.equal(metrics.buffered_batches, 0);
      assert.equal(metrics.transmitted_records, 4);
    }
    await stopAndWait(m, 'bufsize', true);
  });

  test('by time: the buffer is written once its oldest change has waited max_output_buffer_time_millis', async () => {
    const out = join(dir, 'time.json');
    const sql = `CREATE TABLE t (id INT NOT NULL);
CREATE VIEW v ${connectorsClause([bufferedFile(out, { max_output_buffer_time_millis: 1500 })])} AS SELECT * FROM t;`;
    const p = await createAndCompile(m, 'buftime', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'buftime');
    const started = Date.now();
    await ingestAndWait(m, 'buftime', 't', inserts([{ id: 1 }]));
    await ingestAndWait(m, 'buftime', 't', inserts([{ id: 2 }]));
    const early = records(out);
    const waitedMs = Date.now() - started;
    if (waitedMs < 1400) assert.deepEqual(early, [], `nothing written after ${waitedMs} ms`);
    await until('the timed flush', async () => (records(out).length === 2 ? true : undefined), 10_000);
    assert.ok(Date.now() - started >= 1400, 'not written before the buffer time');
    assert.deepEqual(
      records(out).map((r) => r.insert.id),
      [1, 2],
    );
    assert.equal(outputMetrics(await pipelineStats(m, 'buftime'), 'v.f').buffered_records, 0);
    await stopAndWait(m, 'buftime', true);
  });

  test('consolidation: updates to a row combine, an insert and a delete cancel; a stop writes the buffer', async () => {
    const out = join(dir, 'consolidate.json');
    const sql = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, s VARCHAR);
CREATE VIEW v ${connectorsClause([bufferedFile(out, { max_output_buffer_time_millis: 600_000 })])} AS SELECT * FROM t;`;
    const p = await createAndCompile(m, 'bufcons', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'bufcons');
    await ingestAndWait(
      m,
      'bufcons',
      't',
      inserts([
        { id: 1, s: 'a' },
        { id: 2, s: 'x' },
      ]),
    );
    // The primary key makes this an upsert: delete (1,a), insert (1,b); (1,a) then cancels.
    await ingestAndWait(m, 'bufcons', 't', inserts([{ id: 1, s: 'b' }]));
    await ingestAndWait(m, 'bufcons', 't', JSON.stringify({ delete: { id: 2, s: 'x' } }));
    await ingestAndWait(m, 'bufcons', 't', inserts([{ id: 3, s: 'c' }]));
    const metrics = outputMetrics(await pipelineStats(m, 'bufcons'), 'v.f');
    assert.equal(metrics.buffered_records, 2, 'only (1,b) and (3,c) are left');
    assert.equal(metrics.buffered_batches, 4);
    assert.deepEqual(records(out), []);
    await stopAndWait(m, 'bufcons', true);
    assert.deepEqual(records(out), [{ insert: { id: 1, s: 'b' } }, { insert: { id: 3, s: 'c' } }]);
  });

  test("a checkpoint does not wait for a long buffer time: a steady input keeps being processed (Feldera's #6100)", async () => {
    const out = join(dir, 'steady.json');
    const sql = `CREATE TABLE t (id BIGINT NOT NULL) ${connectorsClause([
      { transport: { name: 'datagen', config: { plan: [{ rate: 400 }] } } },
    ])};
CREATE VIEW v ${connectorsClause([bufferedFile(out, { max_output_buffer_time_millis: 600_000 })])} AS SELECT * FROM t;`;
    const p = await createAndCompile(m, 'bufsteady', sql, {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: 2 },
    });
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'bufsteady');
    const samples: Array<{ processed: number; checkpoint: number; fileRecords: number; buffered: number }> =
      [];
    for (let i = 0; i < 9; i++) {
      // Five looks a second at the buffer: with a checkpoint every 2 s and input every second,
      // some of them fall between a step and the next checkpoint.
      let buffered = 0;
      let stats = await pipelineStats(m, 'bufsteady');
      for (let look = 0; look < 5; look++) {
        await sleep(200);
        stats = await pipelineStats(m, 'bufsteady');
        buffered = Math.max(buffered, outputMetrics(stats, 'v.f').buffered_records);
      }
      const status = (await m.request('GET', '/v0/pipelines/bufsteady/checkpoint_status')).body;
      samples.push({
        processed: stats.global_metrics.total_processed_records,
        checkpoint: status.success ?? -1,
        fileRecords: records(out).length,
        buffered,
      });
    }
    const detail = JSON.stringify(samples);
    for (let i = 1; i < samples.length; i++)
      assert.ok(samples[i]!.processed > samples[i - 1]!.processed, `processing stalled: ${detail}`);
    assert.ok(samples.at(-1)!.checkpoint - samples[0]!.checkpoint >= 3, `checkpoints were taken: ${detail}`);
    // Only checkpoints write this buffer (its timer is 10 minutes): the file grows with them.
    assert.ok(samples.at(-1)!.fileRecords > samples[1]!.fileRecords, `checkpoints flush: ${detail}`);
    assert.ok(samples.at(-1)!.fileRecords > 0, detail);
    assert.ok(
      samples.some((s) => s.buffered > 0),
      `changes wait in the buffer between checkpoints: ${detail}`,
    );
    await stopAndWait(m, 'bufsteady', true);
  });

  test('a crash and resume (exactly once) writes each update once', async () => {
    const out = join(dir, 'crash.json');
    const total = 3000;
    const sql = `CREATE TABLE t (id BIGINT NOT NULL) ${connectorsClause([
      { transport: { name: 'datagen', config: { plan: [{ limit: total, rate: 300 }] } } },
    ])};
CREATE MATERIALIZED VIEW v ${connectorsClause([
      bufferedFile(out, { max_output_buffer_time_millis: 600_000, max_output_buffer_size_records: 150 }),
    ])} AS SELECT * FROM t;`;
    const p = await createAndCompile(m, 'bufcrash', sql, {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: 1 },
    });
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    const running = await startAndWait(m, 'bufcrash');
    // Crash once a checkpoint covers some output and the size limit has written more after it.
    let seen = '';
    await until('a checkpoint and some output', async () => {
      const status = (await m.request('GET', '/v0/pipelines/bufcrash/checkpoint_status')).body;
      const processed = (await pipelineStats(m, 'bufcrash')).global_metrics.total_processed_records;
      seen = `checkpoint_status ${JSON.stringify(status)}, ${processed} records processed`;
      if (processed >= total) throw new Error(`all input processed before the crash: ${seen}`);
      return status.success !== null && processed >= 600 ? true : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; last seen: ${seen}`);
    });
    process.kill(pipelinePid(m, running), 'SIGKILL');
    await m.waitFor(
      'bufcrash',
      (x) => x.deployment_status === 'Stopped' && x.deployment_error !== null,
      20_000,
      'crash noticed',
    );
    const beforeResume = records(out).length;
    assert.ok(beforeResume > 0 && beforeResume < total, `written before the crash: ${beforeResume}`);
    assert.equal((await m.request('POST', '/v0/pipelines/bufcrash/dismiss_error')).status < 300, true);
    const resumed = await startAndWait(m, 'bufcrash');
    assert.match(
      pipelineLog(m, resumed),
      /resuming '.*crash\.json' at byte \d+, where the checkpoint left it/,
    );
    await until('the datagen input to be processed', async () => {
      const s = await pipelineStats(m, 'bufcrash');
      return s.global_metrics.pipeline_complete ? true : undefined;
    });
    await checkpointAndWait(m, 'bufcrash');
    const written = records(out);
    assert.ok(
      written.every((r) => r.insert !== undefined),
      'an append-only view writes insertions only',
    );
    const ids = written.map((r) => String(r.insert.id)).sort();
    const expected = (await queryRows(m, 'bufcrash', 'SELECT id FROM v')).map((r) => String(r.id)).sort();
    assert.equal(expected.length, total);
    assert.equal(new Set(ids).size, ids.length, 'no update is written twice');
    assert.deepEqual(ids, expected, 'every update is written');
    await stopAndWait(m, 'bufcrash', true);
  });

  test('enable_output_buffer without a limit does not compile; a limit without the flag is a warning', async () => {
    const sqlFor = (c: Record<string, unknown>) => `CREATE TABLE t (id INT);
CREATE VIEW v ${connectorsClause([{ transport: { name: 'null_output' }, ...c }])} AS SELECT * FROM t;`;
    const bad = await createAndCompile(m, 'bufnolimit', sqlFor({ enable_output_buffer: true }));
    assert.equal(bad.program_status, 'SqlError');
    const [error] = bad.program_error.sql_compilation.messages;
    assert.equal(error.error_type, 'ConnectorGenerationError');
    assert.match(
      error.message,
      /when the 'enable_output_buffer' flag is set, one of 'max_output_buffer_size_records' and 'max_output_buffer_time_millis' settings must be specified/,
    );
    const warned = await createAndCompile(m, 'bufnoflag', sqlFor({ max_output_buffer_time_millis: 100 }));
    assert.equal(warned.program_status, 'Success', JSON.stringify(warned.program_error));
    const warnings = warned.program_error.sql_compilation.messages;
    assert.ok(
      warnings.some(
        (w: { warning: boolean; message: string }) =>
          w.warning &&
          /'max_output_buffer_time_millis' requires "enable_output_buffer": true/.test(w.message),
      ),
      JSON.stringify(warnings),
    );
  });
});
