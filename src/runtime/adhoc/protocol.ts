/**
 * Messages between the pipeline's main thread and a query worker (see service.ts).
 *
 * One worker runs one query at a time: `query`, then the snapshot as `rows` chunks, then
 * `run`. The worker answers with `chunk`s of formatted output and ends with `done` or `error`.
 * Output is flow-controlled by a credit counter in shared memory: the worker takes one credit
 * per chunk and blocks (`Atomics.wait`) while there is none; the main thread adds credits as
 * the HTTP response drains. A worker that must be stopped is terminated, whatever it is doing.
 */
import type { ErrorBody } from '../../types/errors.js';

/** The `format` values of `/query` that Sluice serves. */
export const AD_HOC_FORMATS = ['text', 'json', 'arrow_ipc', 'parquet'] as const;
export type AdHocFormat = (typeof AD_HOC_FORMATS)[number];

/** `workerData` of a query worker. */
export interface WorkerSetup {
  programCode: string;
}

export type ToWorker =
  | {
      type: 'query';
      sql: string;
      format: AdHocFormat;
      /** Int32 credit counter (see module header). */
      credits: SharedArrayBuffer;
      /** Relations whose snapshots follow. */
      relations: string[];
    }
  | { type: 'rows'; relation: string; chunk: ArrayBuffer }
  | { type: 'run' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'chunk'; data: ArrayBuffer }
  | {
      type: 'done';
      /** Bytes of the worker's JS heap in use after the query; large heaps are not reused. */
      heapBytes: number;
    }
  | { type: 'error'; status: number; error: ErrorBody };
