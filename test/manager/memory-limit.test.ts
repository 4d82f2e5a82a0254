/**
 * resources.memory_mb_max reaches the pipeline process: the runner starts it with the V8 heap
 * limit derived from it (src/types/runtime.ts `heapLimitMb`) and the malloc settings of
 * `pipelineMallocEnv`, and the process logs the limit V8 applied (old plus young generation)
 * and the malloc arenas its environment allows, which is what this test reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOUNDED_SEMI_SPACE_MB, heapLimitMb } from '../../src/types/runtime.js';
import { SIMPLE_PROGRAM, startTestManager, type TestManager } from '../helpers/manager.js';
import { createAndCompile, inserts, pipelineLog, startAndWait, stopAndWait } from '../helpers/pipeline.js';

/** V8's young generation on top of the old-generation limit: 3 × the runner's semi-space. */
const YOUNG_GENERATION_MAX_MB = 3 * BOUNDED_SEMI_SPACE_MB;

describe('the heap limit from resources.memory_mb_max', () => {
  let m: TestManager;
  before(async () => {
    m = await startTestManager();
  });
  after(async () => {
    await m.close();
  });

  async function loggedHeapLimit(
    name: string,
    memoryMb: number | null,
  ): Promise<{ limit: number; arenas: string; log: string }> {
    const res = await m.request('POST', '/v0/pipelines', {
      name,
      program_code: SIMPLE_PROGRAM,
      runtime_config: { resources: { memory_mb_max: memoryMb } },
    });
    assert.equal(res.status, 201, res.text);
    await m.waitFor(name, (p) => p.program_status === 'Success', 15_000, 'compiled');
    const p = await startAndWait(m, name);
    const log = pipelineLog(m, p);
    await stopAndWait(m, name, true);
    const line =
      /memory: resources\.memory_mb_max (\d+ MiB|not set), V8 heap limit (\d+) MiB .*, malloc arenas (.+)$/m.exec(
        log,
      );
    assert.ok(line, `no memory line in the log:\n${log}`);
    assert.equal(line[1], memoryMb === null ? 'not set' : `${memoryMb} MiB`);
    return { limit: Number(line[2]), arenas: line[3]!, log };
  }

  test('512 MiB gives the process a 307 MiB old generation and 2 malloc arenas; without it the defaults stay', async () => {
    const limited = await loggedHeapLimit('mem-limited', 512);
    const old = heapLimitMb(512)!;
    assert.ok(
      limited.limit >= old && limited.limit <= old + YOUNG_GENERATION_MAX_MB,
      `heap limit ${limited.limit} MiB`,
    );
    assert.doesNotMatch(limited.log, /is below \d+ MiB/);
    assert.equal(limited.arenas, '2');
    const free = await loggedHeapLimit('mem-free', null);
    assert.ok(free.limit > old + YOUNG_GENERATION_MAX_MB, `default heap limit ${free.limit} MiB`);
    assert.equal(free.arenas, "glibc's default");
  });

  test('a bound below what an idle process takes is warned about', async () => {
    const tiny = await loggedHeapLimit('mem-tiny', 40);
    assert.match(
      tiny.log,
      /WARN.*resources\.memory_mb_max 40 MiB is below 128 MiB, less than an idle pipeline process takes/,
    );
  });

  test('a process that outgrows its heap is reported as out of memory, naming the bound', async () => {
    // A cross join of 4,000 rows makes 16 million in one step: far beyond a 76 MiB heap.
    const sql =
      'CREATE TABLE t (x INT);\nCREATE MATERIALIZED VIEW pairs AS SELECT a.x AS x, b.x AS y FROM t a, t b;';
    await createAndCompile(m, 'mem-oom', sql, { resources: { memory_mb_max: 128 } });
    await startAndWait(m, 'mem-oom');
    const rows = Array.from({ length: 4000 }, (_, x) => ({ x }));
    const res = await m.request('POST', '/v0/pipelines/mem-oom/ingress/t?format=json', inserts(rows));
    assert.equal(res.status, 200, res.text);
    const p = await m.waitFor('mem-oom', (x) => x.deployment_error !== null, 120_000, 'a deployment error');
    assert.equal(p.deployment_error.error_code, 'PipelineProcessExited');
    assert.match(p.deployment_error.message, /ran out of memory: .*resources\.memory_mb_max \(128 MiB\)/);
    assert.equal(p.deployment_error.details.out_of_memory, true);
    assert.equal(p.deployment_error.details.signal, 'SIGABRT');
  });
});
