import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { assertError, assertMatchesReference } from '../helpers/reference.js';

const running = (p: { deployment_status: string }) => p.deployment_status === 'Running';
const paused = (p: { deployment_status: string }) => p.deployment_status === 'Paused';
const stopped = (p: { deployment_status: string }) => p.deployment_status === 'Stopped';

describe('pipeline lifecycle with real processes', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
    const res = await m.request('POST', '/v0/pipelines', { name: 'life', program_code: SIMPLE_PROGRAM });
    assert.equal(res.status, 201);
    await m.waitFor('life', (p) => p.program_status === 'Success', 10_000, 'compiled');
  });
  after(async () => {
    await m.close();
  });

  test('interaction with a stopped pipeline answers 503 PipelineInteractionNotDeployed', async () => {
    const res = await m.request('GET', '/v0/pipelines/life/stats');
    assertError(res, 503, 'PipelineInteractionNotDeployed');
    assert.equal(res.body.details.pipeline_name, 'life');
    assertError(await m.request('GET', '/v0/pipelines/nope/stats'), 404, 'UnknownPipelineName');
  });

  test('start → Running, with a real process answering stats through the manager', async () => {
    const res = await m.request('POST', '/v0/pipelines/life/start');
    assert.equal(res.status, 202);
    const p = await m.waitFor('life', running, 20_000, 'Running');
    assertMatchesReference('PipelineInfo', p);
    assert.equal(p.deployment_desired_status, 'Running');
    assert.equal(p.deployment_resources_status, 'Provisioned');
    assert.equal(p.storage_status, 'InUse');
    assert.ok(p.deployment_id);
    const stats = await m.request('GET', '/v0/pipelines/life/stats');
    assert.equal(stats.status, 200);
    assertMatchesReference('ControllerStatus', stats.body);
    // Starting again while running is accepted and changes nothing.
    assert.equal((await m.request('POST', '/v0/pipelines/life/start')).status, 202);
  });

  test('updates and deletes are refused while deployed', async () => {
    assertError(
      await m.request('PATCH', '/v0/pipelines/life', { description: 'x' }),
      400,
      'UpdateRestrictedToStopped',
    );
    assertError(await m.request('DELETE', '/v0/pipelines/life'), 400, 'DeleteRestrictedToFullyStopped');
    assertError(
      await m.request('POST', '/v0/pipelines/life/clear'),
      400,
      'StorageStatusImmutableUnlessStopped',
    );
  });

  test('pause and resume', async () => {
    assert.equal((await m.request('POST', '/v0/pipelines/life/pause')).status, 202);
    const p = await m.waitFor('life', paused, 10_000, 'Paused');
    assert.equal(p.deployment_desired_status, 'Paused');
    assert.equal((await m.request('GET', '/v0/pipelines/life/stats')).body.global_metrics.state, 'Paused');
    assert.equal((await m.request('POST', '/v0/pipelines/life/resume')).status, 202);
    await m.waitFor('life', running, 10_000, 'Running again');
  });

  test('stop?force=true stops the process', async () => {
    const p0 = (await m.request('GET', '/v0/pipelines/life')).body;
    assert.equal((await m.request('POST', '/v0/pipelines/life/stop?force=true')).status, 202);
    const p = await m.waitFor('life', stopped, 15_000, 'Stopped');
    assert.equal(p.deployment_desired_status, 'Stopped');
    assert.equal(p.deployment_error, null);
    assert.equal(p.storage_status, 'InUse');
    assert.ok(p.deployment_status_since > p0.deployment_status_since);
    assertError(await m.request('GET', '/v0/pipelines/life/stats'), 503, 'PipelineInteractionNotDeployed');
  });

  test('start paused, then stop?force=false suspends and exits cleanly', async () => {
    assert.equal((await m.request('POST', '/v0/pipelines/life/start?initial=paused')).status, 202);
    await m.waitFor('life', paused, 20_000, 'Paused');
    assert.equal((await m.request('POST', '/v0/pipelines/life/stop?force=false')).status, 202);
    const p = await m.waitFor('life', stopped, 20_000, 'Stopped after suspend');
    assert.equal(p.deployment_error, null);
  });

  test('start with an invalid initial is refused', async () => {
    assertError(await m.request('POST', '/v0/pipelines/life/start?initial=sideways'), 400, 'InvalidRequest');
  });

  test('a SIGKILLed process is reported with its log tail, and a new start works', async () => {
    await m.request('POST', '/v0/pipelines/life/start');
    const p = await m.waitFor('life', running, 20_000, 'Running');
    const { readFileSync } = await import('node:fs');
    const runtime = JSON.parse(readFileSync(`${m.dataDir}/pipelines/${p.id}/runtime.json`, 'utf8'));
    process.kill(runtime.pid, 'SIGKILL');
    const failed = await m.waitFor(
      'life',
      (x) => x.deployment_error !== null && stopped(x),
      10_000,
      'crash noticed',
    );
    assert.equal(failed.deployment_error.error_code, 'PipelineProcessExited');
    assert.match(failed.deployment_error.message, /SIGKILL/);
    assert.ok(Array.isArray(failed.deployment_error.details.log_tail));
    assert.ok(failed.deployment_error.details.log_tail.length > 0);
    assertMatchesReference('PipelineInfo', failed);
    assertError(
      await m.request('POST', '/v0/pipelines/life/start?dismiss_error=false'),
      400,
      'CannotStartWithUndismissedError',
    );
    // The refused start kept the error (Feldera: only /dismiss_error or a dismissing start clears it).
    assert.notEqual((await m.request('GET', '/v0/pipelines/life')).body.deployment_error, null);
    assert.equal((await m.request('POST', '/v0/pipelines/life/dismiss_error')).status, 200);
    assert.equal((await m.request('GET', '/v0/pipelines/life')).body.deployment_error, null);
    await m.request('POST', '/v0/pipelines/life/start');
    await m.waitFor('life', running, 20_000, 'Running after crash');
  });

  test('a process that stops answering is shown Unavailable, then recovers', async () => {
    const p = (await m.request('GET', '/v0/pipelines/life')).body;
    const { readFileSync } = await import('node:fs');
    const { pid } = JSON.parse(readFileSync(`${m.dataDir}/pipelines/${p.id}/runtime.json`, 'utf8'));
    process.kill(pid, 'SIGSTOP');
    try {
      await m.waitFor('life', (x) => x.deployment_status === 'Unavailable', 10_000, 'Unavailable');
      assertError(await m.request('GET', '/v0/pipelines/life/stats'), 503, 'PipelineInteractionUnreachable');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await m.waitFor('life', running, 10_000, 'Running after SIGCONT');
  });

  test('logs stream the process output and lifecycle events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${m.url}/v0/pipelines/life/logs`, { signal: controller.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('listening on') && Date.now() < deadline) {
      const { value } = await reader.read();
      text += Buffer.from(value ?? new Uint8Array()).toString('utf8');
    }
    assert.match(
      text.split('\n')[0]!,
      /INFO \[manager\] Fresh start of pipeline logs$/,
      "Feldera's first line",
    );
    assert.match(text, /provisioning pipeline process/);
    assert.match(text, /pipeline process listening on 127\.0\.0\.1/);
    // New lines arrive while following.
    await m.request('POST', '/v0/pipelines/life/pause');
    let more = '';
    const deadline2 = Date.now() + 5000;
    while (!more.includes('Paused') && Date.now() < deadline2) {
      const { value } = await reader.read();
      more += Buffer.from(value ?? new Uint8Array()).toString('utf8');
    }
    assert.match(more, /Paused/);
    controller.abort();
    assertError(await m.request('GET', '/v0/pipelines/nope/logs'), 404, 'UnknownPipelineName');
  });

  test('metrics include the manager and each deployed pipeline', async () => {
    await m.waitFor('life', paused, 10_000, 'Paused');
    const res = await m.request('GET', '/v0/metrics');
    assert.equal(res.status, 200);
    assert.match(res.text, /sluice_pipelines\{deployment_status="Paused"\} 1/);
    assert.match(res.text, /records_processed_total\{pipeline="life"\} \d+/);
  });

  test('clear storage after stopping, then delete', async () => {
    await m.request('POST', '/v0/pipelines/life/stop?force=true');
    await m.waitFor('life', stopped, 15_000, 'Stopped');
    assertError(await m.request('DELETE', '/v0/pipelines/life'), 400, 'DeleteRestrictedToFullyStopped');
    assert.equal((await m.request('POST', '/v0/pipelines/life/clear')).status, 202);
    await m.waitFor('life', (p) => p.storage_status === 'Cleared', 10_000, 'Cleared');
    // Already cleared: accepted with nothing to do (Feldera 0.312).
    assert.equal((await m.request('POST', '/v0/pipelines/life/clear')).status, 202);
    assert.equal((await m.request('GET', '/v0/pipelines/life')).body.storage_status, 'Cleared');
    assert.equal((await m.request('DELETE', '/v0/pipelines/life')).status, 200);
  });
});

describe('manager restart', () => {
  test('a running pipeline is adopted by a restarted manager, and a dead one restarted', async () => {
    const m = await startTestManager();
    try {
      await m.request('POST', '/v0/pipelines', { name: 'keep', program_code: SIMPLE_PROGRAM });
      await m.waitFor('keep', (p) => p.program_status === 'Success', 10_000, 'compiled');
      await m.request('POST', '/v0/pipelines/keep/start');
      const before = await m.waitFor('keep', running, 20_000, 'Running');
      await m.stopManagerOnly();
      await m.restart();
      const after = await m.waitFor('keep', running, 10_000, 'Running after restart');
      assert.equal(after.deployment_id, before.deployment_id, 'same process adopted');
      assert.equal((await m.request('GET', '/v0/pipelines/keep/stats')).status, 200);
      // Now the process dies while no manager is watching: the next manager restarts it.
      const { readFileSync } = await import('node:fs');
      const { pid } = JSON.parse(readFileSync(`${m.dataDir}/pipelines/${after.id}/runtime.json`, 'utf8'));
      await m.stopManagerOnly();
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      await m.restart();
      const again = await m.waitFor(
        'keep',
        (p) => running(p) && p.deployment_id !== before.deployment_id,
        20_000,
        'restarted',
      );
      assert.equal(again.deployment_error, null);
    } finally {
      await m.close();
    }
  });
});

describe('unresponsive pipeline processes', () => {
  test('a silent process is killed after the unreachable timeout, unless it declared itself busy', async () => {
    const m = await startTestManager({ unreachableTimeoutMs: 2500 });
    try {
      await m.request('POST', '/v0/pipelines', { name: 'slow', program_code: SIMPLE_PROGRAM });
      await m.waitFor('slow', (p) => p.program_status === 'Success', 10_000, 'compiled');
      await m.request('POST', '/v0/pipelines/slow/start');
      const p = await m.waitFor('slow', running, 20_000, 'Running');
      const { readFileSync, writeFileSync, rmSync } = await import('node:fs');
      const dir = `${m.dataDir}/pipelines/${p.id}`;
      const { pid } = JSON.parse(readFileSync(`${dir}/runtime.json`, 'utf8'));

      // Busy on purpose (as during a large checkpoint capture): silence is tolerated.
      writeFileSync(
        `${dir}/busy.json`,
        JSON.stringify({ deployment_id: p.deployment_id, reason: 'test', since: Date.now() }),
      );
      process.kill(pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 5000));
      const still = (await m.request('GET', '/v0/pipelines/slow')).body;
      assert.equal(still.deployment_error, null);
      assert.equal(still.deployment_resources_status, 'Provisioned');
      rmSync(`${dir}/busy.json`);
      process.kill(pid, 'SIGCONT');
      await m.waitFor('slow', running, 10_000, 'Running again');

      // Silent without saying why: killed and reported.
      process.kill(pid, 'SIGSTOP');
      const failed = await m.waitFor('slow', (x) => x.deployment_error !== null, 15_000, 'killed');
      assert.equal(failed.deployment_error.error_code, 'PipelineUnresponsive');
      await m.waitFor('slow', stopped, 10_000, 'Stopped');
    } finally {
      await m.close();
    }
  });
});

describe('orphaned pipeline processes', () => {
  test('a process whose deployment file is gone exits by itself', async () => {
    const m = await startTestManager();
    try {
      await m.request('POST', '/v0/pipelines', { name: 'orphan', program_code: SIMPLE_PROGRAM });
      await m.waitFor('orphan', (p) => p.program_status === 'Success', 10_000, 'compiled');
      await m.request('POST', '/v0/pipelines/orphan/start');
      const p = await m.waitFor('orphan', running, 20_000, 'Running');
      const { readFileSync, rmSync } = await import('node:fs');
      const dir = `${m.dataDir}/pipelines/${p.id}`;
      const { pid } = JSON.parse(readFileSync(`${dir}/runtime.json`, 'utf8'));
      await m.stopManagerOnly();
      rmSync(`${dir}/deployment.json`);
      const deadline = Date.now() + 10_000;
      let alive = true;
      while (alive && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        try {
          process.kill(pid, 0);
        } catch {
          alive = false;
        }
      }
      assert.equal(alive, false, 'the orphaned process exited');
    } finally {
      await m.close();
    }
  });
});
