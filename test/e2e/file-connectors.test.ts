/**
 * Issue 9, item 9: the local-file connectors, `file_output` and `file_input`, and connectors
 * that cannot be opened at start (a datagen field that is no column, a file that cannot be
 * used): the program compiles, the start fails with Feldera's `InputTransportError` /
 * `OutputTransportError` and the pipeline ends Stopped with it. Real manager, real pipeline
 * processes, real files.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
  pipelineStats,
  queryRows,
  startAndWait,
  stopAndWait,
} from '../helpers/pipeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fileOut(path: string, format: unknown, name?: string) {
  return { ...(name ? { name } : {}), transport: { name: 'file_output', config: { path } }, format };
}

function fileIn(path: string, format: unknown, more: Record<string, unknown> = {}) {
  return { ...more, transport: { name: 'file_input', config: { path } }, format };
}

/** Starts a pipeline that must fail to start; returns its deployment error once Stopped. */
async function startFails(m: TestManager, name: string) {
  assert.equal((await m.request('POST', `/v0/pipelines/${name}/start`)).status, 202);
  const p = await m.waitFor(
    name,
    (x) => x.deployment_status === 'Stopped' && x.deployment_error !== null,
    30_000,
    'Stopped with a deployment error',
  );
  assert.equal(p.deployment_desired_status, 'Stopped', 'the SDK reports "Unable to START the pipeline" then');
  return p.deployment_error;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

async function untilComplete(m: TestManager, name: string) {
  for (let i = 0; i < 300; i++) {
    const s = await pipelineStats(m, name);
    if (s.global_metrics.pipeline_complete) return s;
    await sleep(100);
  }
  throw new Error(`pipeline ${name} never completed`);
}

describe('local-file connectors', { concurrency: 2 }, () => {
  let m: TestManager;
  let dir: string;
  before(async () => {
    m = await startTestManager();
    dir = mkdtempSync(join(tmpdir(), 'sluice-files-'));
  });
  after(async () => {
    await m.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('file_output writes each step as Feldera encodes it: JSON lines, JSON arrays, CSV with weights', async () => {
    const json = join(dir, 'v.json');
    const arrays = join(dir, 'v-arrays.json');
    const csv = join(dir, 'v.csv');
    writeFileSync(json, 'left from an earlier run\n');
    const sql = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, s VARCHAR);
CREATE VIEW v ${connectorsClause([
      fileOut(json, { name: 'json' }, 'j'),
      fileOut(arrays, { name: 'json', config: { array: true, buffer_size_records: 2 } }),
      fileOut(csv, { name: 'csv' }, 'c'),
    ])} AS SELECT * FROM t;`;
    const p = await createAndCompile(m, 'fileout', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'fileout');
    assert.deepEqual(lines(json), [], 'the file is truncated at start');
    await ingestAndWait(
      m,
      'fileout',
      't',
      inserts([
        { id: 1, s: 'a' },
        { id: 2, s: 'b,c' },
        { id: 3, s: null },
      ]),
    );
    // A completion token that is complete means the output connectors wrote the step.
    assert.deepEqual(
      lines(json)
        .map((l) => JSON.parse(l))
        .sort((a, b) => a.insert.id - b.insert.id),
      [{ insert: { id: 1, s: 'a' } }, { insert: { id: 2, s: 'b,c' } }, { insert: { id: 3, s: null } }],
    );
    // An upsert: the step's deletion comes before its insertion.
    await ingestAndWait(m, 'fileout', 't', inserts([{ id: 1, s: 'z' }]));
    assert.deepEqual(lines(json).slice(3), ['{"delete":{"id":1,"s":"a"}}', '{"insert":{"id":1,"s":"z"}}']);
    // Arrays of at most two records: a full one ends in "]", the last of a step in "]\n".
    const text = readFileSync(arrays, 'utf8');
    assert.match(text, /^\[\{"insert":[^\]]*\},\{"insert":[^\]]*\}\]\[\{"insert":[^\]]*\}\]\n/);
    assert.ok(text.endsWith('[{"delete":{"id":1,"s":"a"}},{"insert":{"id":1,"s":"z"}}]'), text);
    const rows = lines(csv);
    assert.deepEqual(rows.slice(0, 3).sort(), ['1,a,1', '2,"b,c",1', '3,,1']);
    assert.deepEqual(rows.slice(3), ['1,a,-1', '1,z,1']);
    const c = await m.request('GET', '/v0/pipelines/fileout/views/v/connectors/c/stats');
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.metrics.transmitted_records, 5);
    assert.equal(c.body.metrics.transmitted_bytes, readFileSync(csv).length);
    assert.equal(c.body.health.status, 'Healthy');
    const s = await untilComplete(m, 'fileout');
    assert.deepEqual(s.outputs.map((o: { endpoint_name: string }) => o.endpoint_name).sort(), [
      'v.c',
      'v.j',
      'v.unnamed-1',
    ]);
    await stopAndWait(m, 'fileout', true);
  });

  test('file paths: relative or unnormalized ones are compile errors; unusable files fail the start', async () => {
    const bad = [
      ['relative', 'out.json', /'path' "out\.json" is relative/],
      ['dotdot', `${dir}/../x.json`, /contains a '\.' or '\.\.' segment/],
      ['format', join(dir, 'f.avro'), /format 'avro' is not supported by Sluice's file_output/],
    ] as const;
    for (const [label, path, message] of bad) {
      const format = label === 'format' ? { name: 'avro' } : { name: 'json' };
      const p = await createAndCompile(
        m,
        `badpath-${label}`,
        `CREATE TABLE t (id INT); CREATE VIEW v ${connectorsClause([fileOut(path, format)])} AS SELECT * FROM t;`,
      );
      assert.equal(p.program_status, 'SqlError', label);
      const msgs = p.program_error.sql_compilation.messages.map((x: { message: string }) => x.message);
      assert.ok(
        msgs.some((x: string) => message.test(x)),
        `${label}: ${JSON.stringify(msgs)}`,
      );
    }
    const target = join(dir, 'target.json');
    writeFileSync(target, 'keep me\n');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    mkdirSync(join(dir, 'a-directory'));
    const unusable = [
      ['datadir', join(m.dataDir, 'x.json'), /inside Sluice's data directory/],
      ['symlink', link, /is a symbolic link/],
      ['directory', join(dir, 'a-directory'), /is not a regular file/],
      ['nodir', join(dir, 'missing', 'x.json'), /the directory '.*missing' cannot be used/],
    ] as const;
    for (const [label, path, message] of unusable) {
      const name = `unusable-${label}`;
      const p = await createAndCompile(
        m,
        name,
        `CREATE TABLE t (id INT); CREATE VIEW v ${connectorsClause([fileOut(path, { name: 'json' }, 'out')])} AS SELECT * FROM t;`,
      );
      assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
      const error = await startFails(m, name);
      assert.equal(error.error_code, 'OutputTransportError', JSON.stringify(error));
      assert.match(error.message, /FATAL error on output endpoint 'v\.out': Failed to create output file/);
      assert.match(error.message, message);
    }
    assert.equal(readFileSync(target, 'utf8'), 'keep me\n', 'the link was not followed');
    assert.equal(existsSync(join(m.dataDir, 'x.json')), false);
  });

  test('a datagen field that is no column compiles with a warning, and the start fails as in Feldera', async () => {
    const sql = `CREATE TABLE t0 (c0 INT NOT NULL) ${connectorsClause([
      {
        transport: {
          name: 'datagen',
          config: { plan: [{ fields: { c1: { strategy: 'uniform', range: [100, 10000] } } }] },
        },
      },
    ])};`;
    const p = await createAndCompile(m, 'initerror', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    const warning = p.program_error.sql_compilation.messages.find((x: { warning: boolean }) => x.warning);
    assert.match(warning.message, /Field `c1` specified in datagen does not exist in the table schema/);
    const error = await startFails(m, 'initerror');
    assert.equal(error.error_code, 'InputTransportError');
    assert.match(
      error.message,
      /FATAL error on input endpoint 't0\.unnamed-0': Field `c1` specified in datagen does not exist in the table schema\./,
    );
    // A fixed program starts.
    const fixed = await m.request('PATCH', '/v0/pipelines/initerror', {
      program_code: sql.replace('"c1"', '"c0"'),
    });
    assert.equal(fixed.status, 200, fixed.text);
    await m.waitFor('initerror', (x) => x.program_status === 'Success', 20_000, 'recompiled');
    await startAndWait(m, 'initerror', 'paused');
    await stopAndWait(m, 'initerror', true);
  });

  test('file_input reads JSON and CSV files once, ends its input, and refuses a bad file whole', async () => {
    const json = join(dir, 'in.json');
    const csv = join(dir, 'in.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      json,
      `${inserts([
        { id: 1, s: 'a' },
        { id: 2, s: 'b' },
      ])}\n{"delete":{"id":1,"s":"a"}}\n`,
    );
    writeFileSync(csv, '10,x\n11,"y,z"\n12,\n');
    writeFileSync(bad, '20,ok\nnot_a_number,no\n');
    const sql = `CREATE TABLE t (id INT NOT NULL, s VARCHAR) ${connectorsClause([
      fileIn(json, { name: 'json' }, { name: 'j' }),
      fileIn(csv, { name: 'csv' }, { name: 'c', paused: true, max_batch_size: 2 }),
    ])};
CREATE TABLE b (id INT NOT NULL, s VARCHAR) ${connectorsClause([fileIn(bad, { name: 'csv' }, { name: 'bad' })])};
CREATE MATERIALIZED VIEW v AS SELECT * FROM t;
CREATE MATERIALIZED VIEW vb AS SELECT * FROM b;`;
    const p = await createAndCompile(m, 'filein', sql);
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, 'filein');
    let s = await pipelineStats(m, 'filein');
    for (let i = 0; i < 100; i++) {
      s = await pipelineStats(m, 'filein');
      const ended = s.inputs.filter((x: { metrics: { end_of_input: boolean } }) => x.metrics.end_of_input);
      if (ended.length === 2) break;
      await sleep(100);
    }
    assert.equal(s.global_metrics.pipeline_complete, false, 'the paused CSV connector has not read yet');
    assert.deepEqual(await queryRows(m, 'filein', 'SELECT id, s FROM v ORDER BY id'), [{ id: 2, s: 'b' }]);
    const badStatus = s.inputs.find((x: { endpoint_name: string }) => x.endpoint_name === 'b.bad');
    assert.match(
      badStatus.fatal_error,
      /bad\.csv' was not read: Error parsing record 2 .*not_a_number.*No record of this file was ingested/,
    );
    assert.deepEqual(await queryRows(m, 'filein', 'SELECT * FROM vb'), [], 'nothing of the bad file');
    assert.equal((await m.request('POST', '/v0/pipelines/filein/tables/t/connectors/c/start')).status, 200);
    s = await untilComplete(m, 'filein');
    const c = s.inputs.find((x: { endpoint_name: string }) => x.endpoint_name === 't.c');
    assert.equal(c.metrics.total_records, 3);
    assert.equal(c.metrics.total_bytes, readFileSync(csv).length);
    assert.deepEqual(await queryRows(m, 'filein', 'SELECT id, s FROM v ORDER BY id'), [
      { id: 2, s: 'b' },
      { id: 10, s: 'x' },
      { id: 11, s: 'y,z' },
      { id: 12, s: '' }, // an empty CSV field is an empty string, as in HTTP ingress
    ]);
    await stopAndWait(m, 'filein', true);
    rmSync(csv);
    const error = await startFails(m, 'filein');
    assert.equal(error.error_code, 'InputTransportError');
    assert.match(
      error.message,
      /FATAL error on input endpoint 't\.c': Failed to open input file '.*in\.csv': '.*' does not exist/,
    );
  });

  for (const ft of ['none', 'exactly_once'] as const) {
    test(`file_output across a checkpoint (fault tolerance ${ft}): the file holds each processed step once`, async () => {
      const name = `fileresume-${ft.replace('_', '-')}`;
      const out = join(dir, `${name}.json`);
      const sql = `CREATE TABLE t (id INT NOT NULL);
CREATE VIEW v ${connectorsClause([fileOut(out, { name: 'json' })])} AS SELECT * FROM t;`;
      const p = await createAndCompile(m, name, sql, {
        storage: { backend: { name: 'default' } },
        fault_tolerance: { model: ft, checkpoint_interval_secs: null },
      });
      assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
      await startAndWait(m, name);
      await ingestAndWait(m, name, 't', inserts([{ id: 1 }]));
      await ingestAndWait(m, name, 't', inserts([{ id: 2 }]));
      await checkpointAndWait(m, name);
      await ingestAndWait(m, name, 't', inserts([{ id: 3 }]));
      assert.equal(lines(out).length, 3);
      // A stop without checkpoint, as a crash: without fault tolerance the third input is lost
      // with its output; exactly once, the journal replays it and its output is written again.
      await stopAndWait(m, name, true);
      await startAndWait(m, name);
      await untilComplete(m, name);
      const expected = ft === 'none' ? [1, 2] : [1, 2, 3];
      assert.deepEqual(
        lines(out).map((l) => JSON.parse(l).insert.id),
        expected,
      );
      await ingestAndWait(m, name, 't', inserts([{ id: 4 }]));
      assert.deepEqual(
        lines(out).map((l) => JSON.parse(l).insert.id),
        [...expected, 4],
      );
      await stopAndWait(m, name, true);
    });
  }

  test('file_input across a crash (exactly once): the journal reads its batches again from the file; a changed file is refused', async () => {
    const name = 'fileinreplay';
    const path = join(dir, 'replay.csv');
    writeFileSync(path, Array.from({ length: 25 }, (_, i) => `${i}\n`).join(''));
    const sql = `CREATE TABLE t (id INT NOT NULL) ${connectorsClause([
      fileIn(path, { name: 'csv' }, { name: 'f', paused: true, max_batch_size: 10 }),
    ])};
CREATE MATERIALIZED VIEW c AS SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM t;`;
    const p = await createAndCompile(m, name, sql, {
      storage: { backend: { name: 'default' } },
      fault_tolerance: { model: 'exactly_once', checkpoint_interval_secs: null },
    });
    assert.equal(p.program_status, 'Success', JSON.stringify(p.program_error));
    await startAndWait(m, name);
    // The checkpoint holds the connector unread; its three batches are journaled after it.
    await checkpointAndWait(m, name);
    assert.equal((await m.request('POST', `/v0/pipelines/${name}/tables/t/connectors/f/start`)).status, 200);
    await untilComplete(m, name);
    assert.deepEqual(await queryRows(m, name, 'SELECT n, d FROM c'), [{ n: 25, d: 25 }]);
    await stopAndWait(m, name, true);
    await startAndWait(m, name);
    assert.deepEqual(await queryRows(m, name, 'SELECT n, d FROM c'), [{ n: 25, d: 25 }], 'replayed once');
    await stopAndWait(m, name, true);
    writeFileSync(path, '100\n');
    const error = await startFails(m, name);
    assert.match(error.message, /replay\.csv' changed since the checkpoint was taken/);
  });
});
