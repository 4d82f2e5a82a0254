/**
 * The query service with real worker threads, without HTTP: flow control, the time budget
 * and its pause while the client is slow, the memory limit, the queue, and where snapshots
 * are captured. (The same through a manager and a pipeline process: test/e2e/adhoc-limits.)
 */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { compileProgram } from '../../../src/engine/index.js';
import type { AdHocLimits } from '../../../src/runtime/adhoc/limits.js';
import { AdHocQueries } from '../../../src/runtime/adhoc/service.js';
import type { RelationSnapshot } from '../../../src/runtime/adhoc/snapshot-codec.js';
import { PipelineLogger } from '../../../src/runtime/log.js';
import type { ApiError } from '../../../src/types/errors.js';

const PROGRAM = `
CREATE TABLE a (x INT NOT NULL) WITH ('materialized' = 'true');
CREATE TABLE b (y INT NOT NULL) WITH ('materialized' = 'true');`;
const N = 2000;

/** Keeps the log lines instead of printing them. */
class TestLogger extends PipelineLogger {
  readonly lines: string[] = [];
  override info(message: string): void {
    this.lines.push(message);
  }
  override warn(message: string): void {
    this.lines.push(message);
  }
}

function setup(limits: Partial<AdHocLimits> = {}) {
  const compiled = compileProgram(PROGRAM);
  assert.ok(compiled.ok);
  const circuit = compiled.program.instantiate();
  const rows = Array.from({ length: N }, (_, i) => ({ row: [i], weight: 1 }));
  circuit.push('a', rows);
  circuit.push('b', rows);
  circuit.step();
  let captures = 0;
  const capture = async (): Promise<RelationSnapshot[]> => {
    captures++;
    return ['a', 'b'].map((name) => ({ name, rows: circuit.snapshot(name) }));
  };
  const log = new TestLogger();
  const service = new AdHocQueries(
    { programCode: PROGRAM },
    { timeoutMs: 30_000, heapMb: 128, maxConcurrent: 2, maxQueued: 2, ...limits },
    log,
  );
  return { service, capture, log, captures: () => captures };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(output: Readable): Promise<string> {
  let text = '';
  for await (const chunk of output) text += chunk;
  return text;
}

describe('ad-hoc query service', () => {
  test('a small query answers; the warm worker answers the next one', async () => {
    const { service, capture } = setup();
    for (let i = 0; i < 2; i++) {
      const run = service.start('SELECT COUNT(*) AS n FROM a', 'json', capture);
      await run.ready;
      assert.equal(await readAll(run.output), `{"n":${N}}\n`);
    }
    assert.equal(service.workersStarted, 1);
  });

  test('a client that reads slowly gets the whole result, past the time limit: waiting for it does not count', async () => {
    // Wide rows: little work for the worker, many bytes for the client (about 3 MiB, a dozen
    // times the output the service buffers), read slowly.
    const { service, capture } = setup({ timeoutMs: 3000 });
    const pad = 'p'.repeat(300);
    const started = Date.now();
    const run = service.start(`SELECT x, y, '${pad}' AS pad FROM a, b WHERE y < 5`, 'json', capture);
    await run.ready;
    let text = '';
    for await (const chunk of run.output) {
      text += chunk;
      await sleep(600);
    }
    assert.ok(Date.now() - started > 3000, 'the client was not slower than the time limit');
    assert.ok(!text.includes('error_code'), text.slice(-300));
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 5 * N);
  });

  test('a client that reads nothing for a whole time limit is cut off and its worker terminated', async () => {
    const { service, capture, log } = setup({ timeoutMs: 2000 });
    const run = service.start('SELECT x, y FROM a, b', 'json', capture);
    await run.ready;
    const closed = new Promise<Error | undefined>((resolve) => {
      run.output.on('error', resolve);
      run.output.on('close', () => resolve(undefined));
    });
    const err = await closed;
    assert.match(String(err?.message), /stopped reading/);
    assert.ok(
      log.lines.some((l) => /cancelled: its client read nothing for 2 s; its worker was terminated/.test(l)),
    );
  });

  test('the time limit is an error response before the first row and the last line after it', async () => {
    const { service, capture } = setup({ timeoutMs: 2000 });
    const counting = service.start('SELECT COUNT(*) FROM a, b, b AS c', 'json', capture);
    await assert.rejects(counting.ready, (e: ApiError) => {
      assert.equal(e.errorCode, 'AdHocQueryTimeout');
      assert.equal(e.status, 400);
      return true;
    });

    const streaming = service.start('SELECT x, b.y FROM a, b, b AS c', 'text', capture);
    await streaming.ready;
    const text = await readAll(streaming.output);
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.length > 1000);
    assert.match(
      lines.at(-1)!,
      /^ERROR: Ad-hoc query ran longer than its time limit of 2 s.* \[AdHocQueryTimeout\]$/,
    );
    assert.ok(lines.slice(3, -1).every((l) => /^\| \d+ +\| \d+ +\|$/.test(l)));
  });

  test('a binary answer that fails after its first bytes is cut off, not ended with a text line', async () => {
    // Loading apache-arrow in the worker counts against the budget: leave room for it.
    const { service, capture, log } = setup({ timeoutMs: 8000 });
    const streaming = service.start('SELECT x, b.y FROM a, b, b AS c', 'arrow_ipc', capture);
    await streaming.ready;
    const chunks: Buffer[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of streaming.output) chunks.push(chunk as Buffer);
      })(),
      /ran longer than its time limit/,
    );
    const bytes = Buffer.concat(chunks);
    assert.ok(bytes.length > 0, 'batches were sent before the limit');
    assert.ok(!bytes.includes('AdHocQueryTimeout'), 'no error text inside the Arrow stream');
    assert.ok(log.lines.some((l) => /failed after its output started/.test(l)));
  });

  test('a query that outgrows its heap stops with AdHocQueryOutOfMemory; the next query gets a fresh worker', async () => {
    const { service, capture, log } = setup({ heapMb: 64, timeoutMs: 600_000 });
    const run = service.start(
      'SELECT x, y, UPPER(CAST(x AS VARCHAR) || CAST(y AS VARCHAR)) AS s FROM a, b ORDER BY s',
      'json',
      capture,
    );
    await assert.rejects(run.ready, (e: ApiError) => {
      assert.equal(e.errorCode, 'AdHocQueryOutOfMemory');
      assert.deepEqual(e.details, { limit_mb: 64 });
      return true;
    });
    assert.ok(log.lines.some((l) => /needed more than its 64 MiB/.test(l)));
    const next = service.start('SELECT MAX(y) AS m FROM b', 'json', capture);
    await next.ready;
    assert.equal(await readAll(next.output), `{"m":${N - 1}}\n`);
    assert.equal(service.workersStarted, 2);
  });

  test('queries beyond the running ones wait, and take their snapshot when they start; beyond the queue they are refused', async () => {
    const { service, capture, captures } = setup({ maxConcurrent: 1, maxQueued: 1 });
    // Holds the only slot: its client does not read, so it waits for credit.
    const holding = service.start('SELECT x, y FROM a, b', 'json', capture);
    await holding.ready;
    assert.equal(captures(), 1);
    const waiting = service.start('SELECT COUNT(*) AS n FROM b', 'json', capture);
    const refused = service.start('SELECT 1 AS one', 'json', capture);
    await assert.rejects(refused.ready, (e: ApiError) => {
      assert.equal(e.errorCode, 'TooManyAdHocQueries');
      assert.equal(e.status, 429);
      assert.deepEqual(e.details, { running: 1, queued: 1 });
      return true;
    });
    await sleep(200);
    assert.equal(captures(), 1, 'a waiting query took its snapshot early');
    holding.cancel('the test is done with it');
    await waiting.ready;
    assert.equal(captures(), 2);
    assert.equal(await readAll(waiting.output), `{"n":${N}}\n`);
  });

  test('a query cancelled while it waits never starts', async () => {
    const { service, capture, captures, log } = setup({ maxConcurrent: 1, maxQueued: 1 });
    const holding = service.start('SELECT x, y FROM a, b', 'json', capture);
    await holding.ready;
    const waiting = service.start('SELECT COUNT(*) FROM b', 'json', capture);
    waiting.cancel('the client disconnected');
    await assert.rejects(waiting.ready);
    holding.cancel('the client disconnected');
    const after = service.start('SELECT COUNT(*) AS n FROM a', 'json', capture);
    await after.ready;
    assert.equal(await readAll(after.output), `{"n":${N}}\n`);
    assert.equal(captures(), 2);
    assert.ok(log.lines.some((l) => /ad-hoc query 2 cancelled: the client disconnected$/.test(l)));
    assert.ok(log.lines.some((l) => /ad-hoc query 1 cancelled: .*its worker was terminated/.test(l)));
  });

  test('bad SQL in the worker and runtime errors before any row are ordinary error responses', async () => {
    const { service, capture } = setup();
    const failing = service.start('SELECT 1 / (x - x) FROM a', 'json', capture);
    await assert.rejects(failing.ready, (e: ApiError) => {
      assert.equal(e.errorCode, 'InvalidQuery');
      assert.match(e.message, /'1 \/ 0' causes overflow for type INTEGER/); // Feldera's words
      return true;
    });
  });
});
