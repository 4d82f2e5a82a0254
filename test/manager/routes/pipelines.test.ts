import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../../helpers/manager.js';
import { assertError, assertMatchesReference } from '../../helpers/reference.js';

describe('pipeline CRUD', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  test('POST creates a pipeline with every default filled in', async () => {
    const res = await m.request('POST', '/v0/pipelines', { name: 'p1', program_code: SIMPLE_PROGRAM });
    assert.equal(res.status, 201);
    assertMatchesReference('PipelineInfo', res.body);
    const p = res.body;
    assert.equal(p.name, 'p1');
    assert.equal(p.description, '');
    assert.equal(p.version, 1);
    assert.equal(p.program_version, 1);
    assert.equal(p.udf_rust, '');
    assert.equal(p.deployment_status, 'Stopped');
    assert.equal(p.deployment_desired_status, 'Stopped');
    assert.equal(p.storage_status, 'Cleared');
    assert.equal(p.runtime_config.workers, 8);
    assert.deepEqual(p.runtime_config.fault_tolerance, { model: 'none', checkpoint_interval_secs: 60 });
    assert.deepEqual(p.runtime_config.storage.backend, { name: 'default' });
    assert.equal(p.runtime_config.checkpoint_during_suspend, true);
    assert.equal(p.program_config.cache, true);
    assert.ok(!Number.isNaN(Date.parse(p.created_at)));
    assert.ok(!('deployment_location' in p));
  });

  test('program compiles to Success with program_info', async () => {
    const p = await m.waitFor('p1', (x) => x.program_status === 'Success', 10_000, 'Success');
    assertMatchesReference('PipelineInfo', p);
    assert.ok(p.program_info.schema.inputs.length === 1);
    // 0.312 reports both finished steps; the SDK reads `rust_compilation.exit_code`.
    assert.deepEqual(p.program_error, {
      sql_compilation: { exit_code: 0, messages: [] },
      rust_compilation: { exit_code: 0, stdout: '', stderr: '' },
      system_error: null,
    });
  });

  test('a program with Rust UDFs ends in RustError quoting the code, never Success', async () => {
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'rusty',
      program_code: '',
      udf_rust: 'pub fn davy_jones() {}',
    });
    assert.equal(res.status, 201);
    const p = await m.waitFor('rusty', (x) => x.program_status === 'RustError', 10_000, 'RustError');
    assertMatchesReference('PipelineInfo', p);
    assert.equal(p.program_error.sql_compilation.exit_code, 0);
    assert.equal(p.program_error.rust_compilation.exit_code, 101);
    assert.match(p.program_error.rust_compilation.stderr, /Rust user-defined functions/);
    assert.match(p.program_error.rust_compilation.stderr, /pub fn davy_jones\(\) \{\}/);
    assertError(await m.request('POST', '/v0/pipelines/rusty/start'), 400, 'CannotStartWithCompilationError');
    // Emptying udf_rust recompiles to Success.
    await m.request('PATCH', '/v0/pipelines/rusty', { udf_rust: '' });
    await m.waitFor(
      'rusty',
      (x) => x.program_status === 'Success',
      10_000,
      'Success after emptying udf_rust',
    );
    await m.request('DELETE', '/v0/pipelines/rusty');
  });

  test('a program that does not parse ends in SqlError with messages', async () => {
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'bad',
      program_code: 'CREATE TABLEX oops (',
    });
    assert.equal(res.status, 201);
    const p = await m.waitFor('bad', (x) => x.program_status === 'SqlError', 10_000, 'SqlError');
    const messages = p.program_error.sql_compilation.messages;
    assert.ok(messages.length >= 1);
    assertMatchesReference('SqlCompilerMessage', messages[0]);
  });

  test('GET list and selector=status', async () => {
    const all = await m.request('GET', '/v0/pipelines');
    assert.equal(all.status, 200);
    assert.ok(all.body.length >= 2);
    for (const p of all.body) assertMatchesReference('PipelineSelectedInfo', p);
    const status = await m.request('GET', '/v0/pipelines?selector=status');
    assert.equal(status.status, 200);
    for (const p of status.body) {
      assertMatchesReference('PipelineSelectedInfo', p);
      assert.ok(!('program_code' in p));
      assert.ok(!('runtime_config' in p));
    }
    const one = await m.request('GET', '/v0/pipelines/p1?selector=status');
    assert.equal(one.status, 200);
    assert.ok(!('program_code' in one.body));
    assertError(await m.request('GET', '/v0/pipelines?selector=bogus'), 400, 'InvalidRequest');
  });

  test('PUT updates, bumping version and program_version only when the program changes', async () => {
    const before = (await m.request('GET', '/v0/pipelines/p1')).body;
    const res = await m.request('PUT', '/v0/pipelines/p1', {
      name: 'p1',
      description: 'new description',
      program_code: SIMPLE_PROGRAM,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.version, before.version + 1);
    assert.equal(res.body.program_version, before.program_version);
    const res2 = await m.request('PUT', '/v0/pipelines/p1', {
      name: 'p1',
      description: 'new description',
      program_code: `${SIMPLE_PROGRAM}\n-- changed`,
    });
    assert.equal(res2.body.version, before.version + 2);
    assert.equal(res2.body.program_version, before.program_version + 1);
    assert.equal(res2.body.program_status, 'Pending');
    await m.waitFor('p1', (x) => x.program_status === 'Success', 10_000, 'recompiled');
  });

  test("legacy runtime_config forms Feldera's deserializer takes are stored in the current form", async () => {
    const put = await m.request('PUT', '/v0/pipelines/legacy', {
      name: 'legacy',
      program_code: '',
      runtime_config: { fault_tolerance: 'latest_checkpoint', storage: true },
    });
    assert.equal(put.status, 201, put.text);
    assert.deepEqual(put.body.runtime_config.fault_tolerance, {
      model: 'exactly_once',
      checkpoint_interval_secs: 60,
    });
    assert.deepEqual(put.body.runtime_config.storage.backend, { name: 'default' });
    const got = (await m.request('GET', '/v0/pipelines/legacy')).body;
    assert.deepEqual(got.runtime_config, put.body.runtime_config);

    const initial = await m.request('PATCH', '/v0/pipelines/legacy', {
      runtime_config: { fault_tolerance: 'initial_state', storage: true },
    });
    assert.equal(initial.body.runtime_config.fault_tolerance.model, 'exactly_once');
    const off = await m.request('PATCH', '/v0/pipelines/legacy', {
      runtime_config: { fault_tolerance: null, storage: false },
    });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.runtime_config.storage, null);
    assert.deepEqual(off.body.runtime_config.fault_tolerance, {
      model: 'none',
      checkpoint_interval_secs: 60,
    });
    const nulled = await m.request('PATCH', '/v0/pipelines/legacy', { runtime_config: { storage: null } });
    assert.equal(nulled.body.runtime_config.storage, null);

    assertError(
      await m.request('PATCH', '/v0/pipelines/legacy', { runtime_config: { fault_tolerance: 'whenever' } }),
      400,
      'InvalidRuntimeConfig',
    );
    assertError(
      await m.request('PATCH', '/v0/pipelines/legacy', {
        runtime_config: { fault_tolerance: 'latest_checkpoint', storage: false },
      }),
      400,
      'InvalidRuntimeConfig',
    );
    assert.equal((await m.request('DELETE', '/v0/pipelines/legacy')).status, 200);
  });

  test('PUT creates when absent (201) and refuses a mismatched name', async () => {
    const created = await m.request('PUT', '/v0/pipelines/p2', { name: 'p2', program_code: SIMPLE_PROGRAM });
    assert.equal(created.status, 201);
    assertError(
      await m.request('PUT', '/v0/pipelines/p3', { name: 'other', program_code: SIMPLE_PROGRAM }),
      400,
      'CannotRenameNonExistingPipeline',
    );
    assert.equal((await m.request('GET', '/v0/pipelines/p3')).status, 404);
    assert.equal((await m.request('GET', '/v0/pipelines/other')).status, 404);
  });

  test('PATCH changes only the given fields and can rename', async () => {
    const res = await m.request('PATCH', '/v0/pipelines/p2', { description: 'patched' });
    assert.equal(res.status, 200);
    assert.equal(res.body.description, 'patched');
    assert.equal(res.body.program_code, SIMPLE_PROGRAM);
    const renamed = await m.request('PATCH', '/v0/pipelines/p2', { name: 'p2-renamed' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'p2-renamed');
    assertError(await m.request('GET', '/v0/pipelines/p2'), 404, 'UnknownPipelineName');
    assertError(await m.request('PATCH', '/v0/pipelines/p2-renamed', { name: 'p1' }), 409, 'DuplicateName');
  });

  test('duplicate names are refused with 409', async () => {
    assertError(
      await m.request('POST', '/v0/pipelines', { name: 'p1', program_code: SIMPLE_PROGRAM }),
      409,
      'DuplicateName',
    );
  });

  test('unknown pipelines answer 404 UnknownPipelineName with the name in details', async () => {
    const res = await m.request('GET', '/v0/pipelines/nope');
    assertError(res, 404, 'UnknownPipelineName');
    assert.deepEqual(res.body.details, { pipeline_name: 'nope' });
    assertError(await m.request('DELETE', '/v0/pipelines/nope'), 404, 'UnknownPipelineName');
    assertError(await m.request('PATCH', '/v0/pipelines/nope', {}), 404, 'UnknownPipelineName');
  });

  test('hostile and invalid names are refused and change nothing', async () => {
    const names = [
      '',
      '-lead',
      'trail_',
      'has space',
      '../../etc',
      'a/b',
      'ünïcödé',
      'x'.repeat(101),
      'x'.repeat(1024 * 1024),
    ];
    const before = (await m.request('GET', '/v0/pipelines')).body.length;
    for (const name of names) {
      const res = await m.request('POST', '/v0/pipelines', { name, program_code: SIMPLE_PROGRAM });
      assertError(res, 400, name.length > 100 ? 'TooLongName' : 'NameDoesNotMatchPattern');
      assert.ok(res.text.length < 2000, 'error must not echo a huge name');
    }
    assert.equal((await m.request('GET', '/v0/pipelines')).body.length, before);
    const traversal = await m.request('GET', '/v0/pipelines/..%2F..%2Fetc%2Fpasswd');
    assertError(traversal, 404, 'UnknownPipelineName');
    const longPath = await m.request('GET', `/v0/pipelines/${'y'.repeat(5000)}`);
    assert.ok([404, 414, 431].includes(longPath.status));
    assertMatchesReference('ErrorResponse', longPath.body);
    const hugePath = await m.request('GET', `/v0/pipelines/${'y'.repeat(100_000)}`);
    assert.equal(hugePath.status, 431);
    assertMatchesReference('ErrorResponse', hugePath.body);
  });

  test('malformed JSON, wrong types and missing fields get 400 in the error shape', async () => {
    const malformed = await m.request('POST', '/v0/pipelines', '{"name": "x", ', {
      'content-type': 'application/json',
    });
    assertError(malformed, 400, 'InvalidJson');
    assertError(await m.request('POST', '/v0/pipelines', { name: 'x' }), 400, 'InvalidRequest');
    assertError(
      await m.request('POST', '/v0/pipelines', { name: 5, program_code: '' }),
      400,
      'InvalidRequest',
    );
    assertError(
      await m.request('POST', '/v0/pipelines', {
        name: 'x',
        program_code: '',
        runtime_config: { workers: 'many' },
      }),
      400,
      'InvalidRuntimeConfig',
    );
    assertError(
      await m.request('POST', '/v0/pipelines', {
        name: 'x',
        program_code: '',
        runtime_config: { fault_tolerance: { model: 'sometimes' } },
      }),
      400,
      'InvalidRuntimeConfig',
    );
    // Every field is typed as 0.312's RuntimeConfig has it, nested `resources` included.
    for (const runtime_config of [
      { resources: { storage_mb_max: 'not-a-number' } },
      { resources: { cpu_cores_min: '2' } },
      { resources: { storage_class: 5 } },
      { resources: 'big' },
      { pipeline_template_configmap: 'name' },
      { storage: { cache_mib: -1 } },
    ]) {
      const res = await m.request('POST', '/v0/pipelines', { name: 'x', program_code: '', runtime_config });
      assertError(res, 400, 'InvalidRuntimeConfig');
    }
    assertError(
      await m.request('POST', '/v0/pipelines', {
        name: 'x',
        program_code: '',
        runtime_config: { workers: 0 },
      }),
      400,
      'InvalidRuntimeConfig',
    );
    assertError(
      await m.request('POST', '/v0/pipelines', '[1,2]', { 'content-type': 'application/json' }),
      400,
      'InvalidRequest',
    );
    assert.equal((await m.request('GET', '/v0/pipelines/x')).status, 404);
  });

  test('oversize bodies get 413 PayloadTooLarge', async () => {
    const huge = { name: 'huge', program_code: 'x'.repeat(m.config.bodyLimitBytes + 10) };
    assertError(await m.request('POST', '/v0/pipelines', huge), 413, 'PayloadTooLarge');
    assert.equal((await m.request('GET', '/v0/pipelines/huge')).status, 404);
  });

  test('unknown routes answer 404 NotFound in the error shape', async () => {
    assertError(await m.request('GET', '/v0/nothing-here'), 404, 'NotFound');
    assertError(await m.request('POST', '/v0/pipelines/p1/nothing'), 404, 'NotFound');
  });

  test('secrets in runtime_config are never returned, and survive a read-modify-write', async () => {
    const runtime_config = {
      storage: {
        backend: {
          name: 'file',
          config: {
            sync: {
              bucket: 'bucket-1/prefix',
              endpoint: 'http://127.0.0.1:1',
              access_key: 'AK',
              secret_key: 'TOPSECRET',
            },
          },
        },
      },
    };
    const res = await m.request('POST', '/v0/pipelines', {
      name: 'sec',
      program_code: SIMPLE_PROGRAM,
      runtime_config,
    });
    assert.equal(res.status, 201, res.text);
    assert.ok(!res.text.includes('TOPSECRET'));
    const got = await m.request('GET', '/v0/pipelines/sec');
    assert.ok(!got.text.includes('TOPSECRET'));
    const list = await m.request('GET', '/v0/pipelines');
    assert.ok(!list.text.includes('TOPSECRET'));
    // Write back what was read, with a change elsewhere: the stored secret is kept.
    const rc = got.body.runtime_config;
    rc.workers = 2;
    const patched = await m.request('PATCH', '/v0/pipelines/sec', { runtime_config: rc });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.runtime_config.workers, 2);
    const { readFileSync } = await import('node:fs');
    const db =
      readFileSync(`${m.dataDir}/metadata.sqlite`).toString('latin1') +
      readFileSync(`${m.dataDir}/metadata.sqlite-wal`).toString('latin1');
    assert.ok(db.includes('TOPSECRET'), 'the secret is still stored for the pipeline process');
  });

  test('DELETE removes a stopped pipeline with cleared storage', async () => {
    const res = await m.request('DELETE', '/v0/pipelines/p2-renamed');
    assert.equal(res.status, 200);
    assertError(await m.request('GET', '/v0/pipelines/p2-renamed'), 404, 'UnknownPipelineName');
  });

  test('the OpenAPI document is served and lists the routes', async () => {
    const res = await m.request('GET', '/v0/openapi.json');
    assert.equal(res.status, 200);
    assert.ok(res.body.paths['/v0/pipelines']);
    assert.ok(res.body.paths['/v0/pipelines/{pipeline_name}/start']);
    assert.ok(
      res.body.components.schemas.PostPutPipeline || res.body.paths['/v0/pipelines'].post.requestBody,
    );
  });
});
