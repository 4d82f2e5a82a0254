/**
 * The query worker compiles the pipeline's program itself: its ad-hoc SELECTs see the
 * program's user-defined types and SQL functions too (test/engine/adhoc-types for INSERT).
 */
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { compileProgram } from '../../../src/engine/index.js';
import { AdHocQueries } from '../../../src/runtime/adhoc/service.js';
import type { RelationSnapshot } from '../../../src/runtime/adhoc/snapshot-codec.js';
import { PipelineLogger } from '../../../src/runtime/log.js';

const PROGRAM = `
CREATE TYPE addr AS (street VARCHAR, n INT);
CREATE FUNCTION home(s VARCHAR) RETURNS addr AS addr(s, 1);
CREATE TABLE people (id INT NOT NULL, a addr) WITH ('materialized' = 'true');`;

async function readAll(output: Readable): Promise<string> {
  let text = '';
  for await (const chunk of output) text += chunk;
  return text;
}

describe('ad-hoc query worker with user-defined types', () => {
  test('a SELECT in the worker calls the type constructor and a SQL function', async () => {
    const compiled = compileProgram(PROGRAM);
    assert.ok(compiled.ok);
    const circuit = compiled.program.instantiate();
    circuit.query("INSERT INTO people VALUES (1, addr('main', 7)), (2, home('oak'))");
    circuit.step();
    const capture = async (): Promise<RelationSnapshot[]> => [
      { name: 'people', rows: circuit.snapshot('people') },
    ];
    const service = new AdHocQueries(
      { programCode: PROGRAM },
      { timeoutMs: 30_000, heapMb: 128, maxConcurrent: 1, maxQueued: 1 },
      new PipelineLogger(),
    );
    const run = service.start(
      "SELECT id, a.street AS s, a.n AS n, addr('x', id).n AS made FROM people ORDER BY id",
      'json',
      capture,
    );
    await run.ready;
    assert.equal(
      await readAll(run.output),
      '{"id":1,"s":"main","n":7,"made":1}\n{"id":2,"s":"oak","n":1,"made":2}\n',
    );
  });
});
