/**
 * Entry point of a query worker thread (see service.ts for the design, protocol.ts for the
 * messages). It compiles the pipeline's program once, for its catalog, then runs one query at
 * a time: it collects the snapshot chunks, plans the SELECT again (plans hold values that do
 * not survive structured clone, and planning is cheap), evaluates it over the snapshots and
 * sends its output in formatted chunks, one credit each.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { type AdHocCatalog, compileProgram, prepareAdHoc } from '../../engine/index.js';
import type { WeightedRow } from '../../engine/values/value.js';
import { ApiError } from '../../types/errors.js';
import { withApiErrors } from '../engine-errors.js';
import {
  isBinaryFormat,
  loadBinaryFormats,
  type OutputChunk,
  outputWriter,
  parquetMemoryBytes,
} from './output.js';
import type { AdHocFormat, FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { decodeChunk } from './snapshot-codec.js';

interface Job {
  /** Settles when the writers of the job's format are loaded. */
  ready: Promise<void>;
  sql: string;
  format: AdHocFormat;
  credits: Int32Array;
  snapshots: Map<string, WeightedRow[]>;
}

const port = parentPort;
if (!port) throw new Error('the query worker must run in a worker thread');
const compiled = compileProgram((workerData as WorkerSetup).programCode);
if (!compiled.ok) throw new Error('the pipeline program does not compile in the query worker');
const relations = new Map([...compiled.program.tables, ...compiled.program.views].map((r) => [r.name, r]));
const catalog: AdHocCatalog = {
  relation: (name) => relations.get(name),
  types: compiled.program.definitions,
};
const encoder = new TextEncoder();
/** Largest chunk posted to the main thread (one credit each). */
const MAX_CHUNK_BYTES = 256 * 1024;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Blocks until the main thread allows one more chunk, and takes that credit. */
function takeCredit(credits: Int32Array): void {
  while (Atomics.load(credits, 0) === 0) Atomics.wait(credits, 0, 0);
  Atomics.sub(credits, 0, 1);
}

function run(job: Job): void {
  const send = (output: OutputChunk) => {
    const bytes = typeof output === 'string' ? encoder.encode(output) : output;
    // A whole Parquet file comes at once: send it in credit-sized pieces.
    for (let at = 0; at < bytes.length; at += MAX_CHUNK_BYTES) {
      takeCredit(job.credits);
      const { buffer } = bytes.slice(at, at + MAX_CHUNK_BYTES);
      post({ type: 'chunk', data: buffer as ArrayBuffer }, [buffer as ArrayBuffer]);
    }
  };
  try {
    const statement = withApiErrors(() => prepareAdHoc(job.sql, catalog));
    if (statement.kind !== 'select')
      throw new ApiError('InvalidQuery', 'Only SELECT statements run in the query worker', {});
    // Encoded batches a Parquet answer keeps live outside the heap: give them half its limit.
    const out = outputWriter(job.format, statement.columns, {
      maxBufferedBytes: getHeapStatistics().heap_size_limit / 2,
    });
    const batches = statement.batches((name) => job.snapshots.get(name) ?? []);
    for (;;) {
      const next = withApiErrors(() => batches.next());
      if (next.done) break;
      send(out.rows(next.value));
    }
    send(out.end());
    job.snapshots.clear();
    // Parquet's WebAssembly memory only grows: a worker holding much of it is not kept warm.
    post({ type: 'done', heapBytes: getHeapStatistics().used_heap_size + parquetMemoryBytes() });
  } catch (err) {
    const e =
      err instanceof ApiError
        ? err
        : new ApiError('InternalError', `Ad-hoc query failed: ${(err as Error).message}`, {});
    post({ type: 'error', status: e.status, error: e.toBody() });
  }
}

let job: Job | null = null;
port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'query':
      job = {
        ready: isBinaryFormat(m.format) ? loadBinaryFormats() : Promise.resolve(),
        sql: m.sql,
        format: m.format,
        credits: new Int32Array(m.credits),
        snapshots: new Map(m.relations.map((name) => [name, []])),
      };
      break;
    case 'rows':
      decodeChunk(m.chunk, job!.snapshots.get(m.relation)!);
      break;
    case 'run': {
      const current = job!;
      job = null;
      current.ready.then(
        () => run(current),
        (err: Error) => {
          const e = new ApiError('InternalError', `Ad-hoc output format could not load: ${err.message}`, {});
          post({ type: 'error', status: e.status, error: e.toBody() });
        },
      );
      break;
    }
  }
});
post({ type: 'ready' });
