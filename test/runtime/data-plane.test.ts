import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { compileProgram } from '../../src/engine/index.js';
import { DataPlane, type RejectedInput } from '../../src/runtime/data-plane.js';
import type { EngineProgram } from '../../src/runtime/engine-api.js';
import { InputJournal, readJournal } from '../../src/runtime/journal.js';
import { PipelineLogger } from '../../src/runtime/log.js';
import { ApiError } from '../../src/types/errors.js';
import { fileBackedStorage } from '../helpers/trace-storage.js';

const PROGRAM = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, x BIGINT) WITH ('materialized' = 'true');
CREATE TABLE u (id INT NOT NULL PRIMARY KEY) WITH ('materialized' = 'true');
CREATE MATERIALIZED VIEW s AS SELECT SUM(x) AS total, COUNT(*) AS n FROM t;`;
const MAX = 9223372036854775807n;
const JSON_INSERTS = { format: 'json', updateFormat: 'insert_delete', array: false } as const;

class QuietLog extends PipelineLogger {
  override info(): void {}
  override warn(): void {}
  override error(): void {}
}

function program(): EngineProgram {
  const result = compileProgram(PROGRAM);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.program;
}

function plane(options: { max?: number; incarnation?: string } = {}) {
  const rejections: RejectedInput[][] = [];
  const p = new DataPlane(program(), options.incarnation ?? 'test-incarnation', new QuietLog(), {
    maxQueuedRecords: options.max,
    onRejected: (r) => rejections.push(r),
    onFatal: (message) => {
      throw new Error(`unexpected fatal: ${message}`);
    },
  });
  return { p, rejections };
}

const rows = (from: number, to: number, x = 1) =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ insert: { id: from + i, x } })).join('\n');

function ids(p: DataPlane, table = 't'): number[] {
  return p.circuit
    .snapshot(table)
    .map((r) => r.row[0] as number)
    .sort((a, b) => a - b);
}

function tokenError(p: DataPlane, token: string): ApiError | null {
  try {
    p.completionStatus(token);
    return null;
  } catch (err) {
    assert.ok(err instanceof ApiError);
    return err;
  }
}

describe('a failed step rejects only the inputs it fails on', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('good requests of the failing step are processed; the bad one is rejected and its token says so', async () => {
    const { p, rejections } = plane();
    p.setRunning(true);
    await p.ingest('t', rows(0, 100), JSON_INSERTS);
    await p.idle();
    p.setRunning(false);
    const a = await p.ingest('t', rows(100, 110), JSON_INSERTS);
    const bad = await p.ingest('t', `{"insert": {"id": 500, "x": ${MAX}}}`, JSON_INSERTS);
    const c = await p.ingest('t', rows(110, 120), JSON_INSERTS);
    p.setRunning(true);
    await p.idle();
    assert.deepEqual(
      ids(p),
      Array.from({ length: 120 }, (_, i) => i),
    );
    assert.deepEqual(p.circuit.snapshot('s')[0]?.row, [120n, 120n]);
    assert.equal(p.totalProcessedRecords, p.totalInputRecords, 'done with: idle detection works');
    assert.equal(rejections.length, 1);
    const [r] = rejections[0]!;
    assert.equal(r?.seq, 3);
    assert.deepEqual(r?.tables, ['t']);
    assert.equal(r?.records, 1);
    assert.equal(r?.completion_token, bad.token);
    assert.equal(r?.first_row, `{"id":500,"x":${MAX}}`);
    assert.match(r?.error ?? '', /Error computing 's' .*SUM overflow/);
    assert.equal(tokenError(p, a.token), null);
    assert.equal(tokenError(p, c.token), null);
    const err = tokenError(p, bad.token);
    assert.equal(err?.errorCode, 'InputRejected');
    assert.equal(err?.status, 422);
    assert.match(err?.message ?? '', /ingress request to table 't' \(1 record, input sequence 3/);
  });

  test('several bad inputs among many: exactly those are rejected, the others kept in order', async () => {
    const { p, rejections } = plane();
    const badAt = new Set([2, 9, 10, 17]);
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) {
      const body = badAt.has(i) ? `{"insert": {"id": ${1000 + i}, "x": ${MAX}}}` : rows(i * 5, i * 5 + 5, 2);
      tokens.push((await p.ingest('t', body, JSON_INSERTS)).token);
    }
    // A later input may depend on an earlier one: delete what input 0 inserted.
    await p.ingest('t', '{"delete": {"id": 0}}', JSON_INSERTS);
    p.setRunning(true);
    await p.idle();
    assert.deepEqual(
      rejections.flat().map((r) => r.seq),
      [...badAt].map((i) => i + 1),
    );
    const expected = [...Array(20).keys()]
      .filter((i) => !badAt.has(i))
      .flatMap((i) => [0, 1, 2, 3, 4].map((k) => i * 5 + k))
      .filter((id) => id !== 0);
    assert.deepEqual(ids(p), expected);
    assert.deepEqual(
      tokens.map((token) => tokenError(p, token)?.errorCode ?? null),
      tokens.map((_, i) => (badAt.has(i) ? 'InputRejected' : null)),
    );
  });

  test('exactly-once: the journal marks rejected inputs, and a replay without a checkpoint skips them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-dp-'));
    dirs.push(dir);
    const journalPath = join(dir, 'journal.log');
    const first = plane({ incarnation: 'lineage-1' });
    first.p.journal = new InputJournal(journalPath);
    await first.p.ingest('t', rows(0, 3), JSON_INSERTS);
    const bad = await first.p.ingest('t', `{"insert": {"id": 99, "x": ${MAX}}}`, JSON_INSERTS);
    await first.p.ingest('t', rows(3, 6), JSON_INSERTS);
    first.p.setRunning(true);
    await first.p.idle();
    first.p.journal.close();
    const entries = readJournal(journalPath);
    assert.deepEqual(
      entries.map((e) => [e.seq, e.kind]),
      [
        [1, 'ingress'],
        [2, 'ingress'],
        [3, 'ingress'],
        [2, 'rejected'],
      ],
    );

    const second = plane({ incarnation: 'lineage-1' });
    assert.equal(second.p.replay(entries), 3);
    second.p.setRunning(true);
    await second.p.idle();
    assert.deepEqual(ids(second.p), [0, 1, 2, 3, 4, 5]);
    assert.equal(second.rejections.length, 0, 'the replay does not fail on it again');
    assert.equal(tokenError(second.p, bad.token)?.errorCode, 'InputRejected');
  });
});

describe('the input queue is bounded per table (max_queued_records)', () => {
  test('a request that does not fit waits for a step, in order; one larger than the bound waits for an empty queue', async () => {
    const { p } = plane({ max: 10 });
    const order: string[] = [];
    await p.ingest('t', rows(0, 6), JSON_INSERTS);
    const waiting = p.ingest('t', rows(6, 12), JSON_INSERTS).then(() => order.push('six'));
    const large = p.ingest('t', rows(12, 32), JSON_INSERTS).then(() => order.push('twenty'));
    await p.ingest('u', '{"insert": {"id": 1}}', JSON_INSERTS);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(order, [], 'both wait while paused');
    assert.equal(p.stats().waitingRequests, 2);
    assert.equal(p.stats().bufferedRecords, 7);
    p.setRunning(true);
    await waiting;
    await large;
    await p.idle();
    assert.deepEqual(order, ['six', 'twenty']);
    assert.equal(ids(p).length, 32);
  });

  test('a waiting request whose client goes away is dropped before anything of it is accepted', async () => {
    const { p } = plane({ max: 5 });
    const first = await p.ingest('t', rows(0, 5), JSON_INSERTS);
    const gone = new AbortController();
    const dropped = p.ingest('t', rows(5, 7), JSON_INSERTS, gone.signal);
    const behind = p.ingest('t', rows(7, 8), JSON_INSERTS);
    gone.abort();
    await assert.rejects(dropped, /client went away/);
    assert.equal(p.stats().waitingRequests, 1);
    p.setRunning(true);
    const next = await behind;
    await p.idle();
    assert.deepEqual(ids(p), [0, 1, 2, 3, 4, 7]);
    // Tokens stay contiguous: the dropped request never had a sequence number.
    const seq = (token: string) => JSON.parse(Buffer.from(token, 'base64url').toString()).seq;
    assert.equal(seq(next.token), seq(first.token) + 1);
  });

  test('refuseInput fails waiting requests and new ones', async () => {
    const { p } = plane({ max: 1 });
    await p.ingest('t', rows(0, 1), JSON_INSERTS);
    const waiting = p.ingest('t', rows(1, 2), JSON_INSERTS);
    p.refuseInput(new Error('going down'));
    await assert.rejects(waiting, /going down/);
    await assert.rejects(p.ingest('u', '{"insert": {"id": 1}}', JSON_INSERTS), /going down/);
  });
});

describe('connector input', () => {
  const batch = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ row: [from + i, 1n], weight: 1 }));

  test("a connector's batches wait on its own bound, apart from HTTP ingress; each tells the connector when it is done", async () => {
    const { p } = plane({ max: 1000 });
    const done: Array<[string, unknown]> = [];
    p.connectors = {
      inputDone: (endpoint, position) => done.push([endpoint, position]),
      output: () => undefined,
      exportState: () => ({ 't.gen': 'state' }),
      importState: () => undefined,
      regenerate: () => {
        throw new Error('not journaled');
      },
    };
    await p.admitConnector('t.gen', 3, 3);
    p.acceptConnector('t.gen', 't', batch(0, 3), 30, 'first', '{}');
    let admitted = false;
    const second = p.admitConnector('t.gen', 2, 3).then(() => {
      admitted = true;
    });
    // HTTP ingress into the same table is not held back by the connector's bound.
    await p.ingest('t', rows(100, 105), JSON_INSERTS);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(admitted, false, 'the connector waits while its bound is full');
    assert.equal(p.queuedRecordsOf('t.gen'), 3);
    assert.equal(p.isDrained(), false);
    p.setRunning(true);
    await second;
    p.acceptConnector('t.gen', 't', batch(3, 5), 20, 'second', '{}');
    await p.idle();
    assert.deepEqual(done, [
      ['t.gen', 'first'],
      ['t.gen', 'second'],
    ]);
    assert.equal(p.isDrained(), true);
    assert.deepEqual(ids(p), [0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
    assert.deepEqual(p.exportMeta().connectors, { 't.gen': 'state' });
    assert.equal(p.totalProcessedRecords, 10);
  });
});

describe('the initial step', () => {
  test('runs once when the pipeline first runs, without input, so a global aggregate holds its empty-input row', async () => {
    const { p } = plane();
    assert.deepEqual(p.circuit.snapshot('s'), []);
    p.setRunning(true);
    await new Promise((r) => setImmediate(r));
    await p.idle();
    assert.deepEqual(p.circuit.snapshot('s')[0]?.row, [null, 0n]);
    assert.equal(p.completedSteps, 1);
    p.setRunning(false);
    p.setRunning(true);
    await new Promise((r) => setImmediate(r));
    await p.idle();
    assert.equal(p.completedSteps, 1, 'no step without input after the first');
  });

  test('is not taken again by a data plane restored after a step', async () => {
    const storage = fileBackedStorage();
    const { p } = plane();
    p.circuit.attachStorage(storage);
    p.setRunning(true);
    await p.ingest('t', rows(0, 3), JSON_INSERTS);
    await p.idle();
    const state = await p.circuit.checkpoint();
    state.release();
    const restored = plane().p;
    restored.circuit.attachStorage(storage);
    restored.circuit.restore(state.meta);
    restored.importMeta(p.exportMeta());
    restored.setRunning(true);
    await new Promise((r) => setImmediate(r));
    await restored.idle();
    assert.equal(restored.completedSteps, p.completedSteps);
    assert.deepEqual(restored.circuit.snapshot('s')[0]?.row, [3n, 3n]);
  });
});

describe('a step that fails with no input', () => {
  test('stops the pipeline once with RuntimeError.WorkerPanic instead of retrying the step forever', async () => {
    const compiled = compileProgram(
      "CREATE TABLE t (id INT);\nCREATE VIEW bad AS SELECT CAST(s AS INT) AS n FROM (VALUES ('abc')) AS v(s);",
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const fatals: [string, string | undefined][] = [];
    const p = new DataPlane(compiled.program, 'test-incarnation', new QuietLog(), {
      onRejected: () => assert.fail('a step without input has nothing to reject'),
      onFatal: (message, code) => fatals.push([message, code]),
    });
    p.setRunning(true);
    // Long enough for thousands of retries, had the failed step been scheduled again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Stops a retry loop, if there is one, so that a failure here ends the test.
    p.setRunning(false);
    assert.equal(fatals.length, 1);
    assert.equal(fatals[0]![1], 'RuntimeError.WorkerPanic');
    assert.match(fatals[0]![0], /^step 1 failed with no input to reject: .*'abc'/);
    assert.equal(p.completedSteps, 0);
  });
});
