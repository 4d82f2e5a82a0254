/**
 * A query worker thread and its lifetime, seen from the main thread.
 *
 * The worker's JS heap is capped with `resourceLimits`, so a query that outgrows it kills its
 * worker (`ERR_WORKER_OUT_OF_MEMORY`), never the process. The listeners stay attached for the
 * worker's whole life and forward to the query that holds it, so an idle worker that fails
 * is noticed (`dead`) and never raises an unhandled 'error'. An idle worker is unref'ed: it
 * never keeps the process alive.
 *
 * Under tsx (tests, development) the parent's `--import tsx` does not reach worker threads on
 * Node 20, so the worker is started from a small bootstrap that registers tsx's loader first
 * and then imports the TypeScript entry; from `dist/` the compiled entry is started directly.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

const UNDER_TS = import.meta.url.endsWith('.ts');

/** What the query holding a worker is told about it. */
export interface WorkerEvents {
  message(m: FromWorker): void;
  /** The worker died: out of memory (`ERR_WORKER_OUT_OF_MEMORY`), crashed or exited. */
  died(err: Error & { code?: string }): void;
}

function startWorker(options: WorkerOptions): Worker {
  if (!UNDER_TS) return new Worker(new URL('./worker.js', import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export class QueryWorker {
  private readonly worker: Worker;
  private holder: WorkerEvents | null = null;
  /** Set once the worker has failed, exited or been terminated. */
  dead = false;
  /** Set once the worker has loaded the engine and compiled the program. */
  ready = false;

  constructor(setup: WorkerSetup, heapMb: number) {
    this.worker = startWorker({ workerData: setup, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') this.ready = true;
      this.holder?.message(m);
    });
    this.worker.on('error', (err) => this.die(err));
    this.worker.on('exit', (code) => this.die(new Error(`the query worker exited with code ${code}`)));
    // After the listeners: attaching a 'message' listener refs the worker again.
    this.worker.unref();
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    const holder = this.holder;
    this.holder = null;
    holder?.died(err);
  }

  /** Routes the worker's events to `holder` (null: idle). Only a held worker keeps the process alive. */
  hold(holder: WorkerEvents | null): void {
    this.holder = holder;
    if (holder) this.worker.ref();
    else this.worker.unref();
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.dead) this.worker.postMessage(message, transfer);
  }

  /** Stops the worker at once, wherever it is (a running query is interrupted); silent. */
  terminate(): void {
    this.holder = null;
    this.dead = true;
    void this.worker.terminate();
  }

  /** The worker's thread id, for logs. */
  get threadId(): number {
    return this.worker.threadId;
  }
}
