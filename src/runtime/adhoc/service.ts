/**
 * Ad-hoc SELECTs, run off the step loop so that no query can stall or kill the pipeline.
 *
 * Design
 * - Each SELECT runs in a worker thread (query-worker.ts) whose JS heap is capped
 *   (`resourceLimits`), under a wall-clock budget; a query that runs out of either is stopped
 *   by terminating its worker, and answers `AdHocQueryOutOfMemory` or `AdHocQueryTimeout`.
 *   The main thread keeps stepping, ingesting and answering `/stats` meanwhile.
 * - The main thread plans the statement (cheap, bounded by the URL length; bad SQL is a 400
 *   before any work). When the query may start, it captures the snapshots of the
 *   materialized relations the query reads, and only those: a copy of row references taken
 *   between two steps (steps wait for it), a chunk per event-loop turn
 *   (DataPlane.captureSnapshots). Then it encodes them, a chunk per turn again, while steps
 *   run, and transfers each chunk to the worker rather than copying it (snapshot-codec.ts).
 *   The main thread's cost is thus proportional to the referenced relations, in turns of a
 *   few milliseconds (bench/adhoc.ts), and nothing of the query's own work (joins,
 *   aggregates, sorting, formatting) runs on it.
 * - The worker evaluates the query in bounded steps (engine/adhoc-eval.ts), formats rows as
 *   they become final and sends them in chunks under credit-based flow control
 *   (protocol.ts): credits are granted as the HTTP response's stream asks for more, so a slow
 *   client slows the worker down instead of filling memory.
 * - The time budget measures the query's own work: it starts when the query holds a slot and
 *   a ready worker, and stops while the client is not reading (a slow download is not a slow
 *   query). A client that reads nothing for a whole budget is cut off.
 * - The response starts with the first chunk: an error before it is an ordinary error
 *   response with its HTTP status; an error after it is written in-band as the last line
 *   (output.ts), as Feldera does.
 * - The client going away (the manager aborts its proxied request when its own client
 *   disconnects) closes the response, which terminates the worker at once.
 * - At most `maxConcurrent` queries run at once (the machine may have 2 cores, one of which the
 *   step loop needs); up to `maxQueued` more wait in arrival order (each running one is
 *   bounded by its budget, so the wait is too); beyond that a query is refused with
 *   `TooManyAdHocQueries` (429).
 * - One idle worker is kept warm after a query that ended normally with a small heap, so
 *   the next query does not pay for a thread start and the program's compilation (measured
 *   in bench/adhoc-worker.ts); a terminated or grown worker is replaced by a fresh one.
 * INSERTs do not come here: they are cheap, must be journaled and are applied in order on
 * the main thread (data-plane.ts).
 */
import { Readable } from 'node:stream';
import { ApiError } from '../../types/errors.js';
import type { PipelineLogger } from '../log.js';
import type { AdHocLimits } from './limits.js';
import { errorLine } from './output.js';
import type { AdHocFormat, FromWorker, WorkerSetup } from './protocol.js';
import { QueryWorker } from './query-worker.js';
import { type RelationSnapshot, sendSnapshots } from './snapshot-codec.js';

/**
 * Copies the snapshots a query reads, at one step boundary (DataPlane.captureSnapshots);
 * `stopped` turns true if the query is cancelled meanwhile.
 */
export type SnapshotCapture = (stopped: () => boolean) => Promise<RelationSnapshot[]>;

/** A worker whose heap is larger than this after its query is replaced rather than kept. */
const REUSE_HEAP_BYTES = 32 * 1024 * 1024;
/** Output the response stream buffers before it stops asking the worker for more. */
const OUTPUT_HIGH_WATER = 256 * 1024;

/** The ad-hoc queries of one pipeline process. */
export class AdHocQueries {
  private running = 0;
  private readonly queued: AdHocRun[] = [];
  private idle: QueryWorker | null = null;
  private nextId = 1;
  /** Worker threads started so far (a warm worker is reused instead). */
  workersStarted = 0;

  constructor(
    private readonly setup: WorkerSetup,
    readonly limits: AdHocLimits,
    readonly log: PipelineLogger,
  ) {}

  /**
   * Starts a SELECT. `capture` is called once the query may run (at a step boundary) and
   * returns the snapshots of the relations it reads. See `AdHocRun` for what follows.
   */
  start(sql: string, format: AdHocFormat, capture: SnapshotCapture): AdHocRun {
    const run = new AdHocRun(this, this.nextId++, sql, format, capture);
    if (this.running < this.limits.maxConcurrent) {
      this.running++;
      run.begin();
    } else if (this.queued.length < this.limits.maxQueued) {
      this.queued.push(run);
    } else {
      run.fail(
        new ApiError(
          'TooManyAdHocQueries',
          `${this.running} ad-hoc queries are running and ${this.queued.length} are waiting, the most this pipeline allows (runtime_config.dev_tweaks.adhoc_max_concurrent and adhoc_max_queued); try again when one has finished`,
          { running: this.running, queued: this.queued.length },
        ),
      );
    }
    return run;
  }

  /** Frees what an ended query held: its place in the queue, or its slot for the next waiting query. */
  release(run: AdHocRun): void {
    const i = this.queued.indexOf(run);
    if (i >= 0) {
      this.queued.splice(i, 1);
      return;
    }
    if (!run.began) return;
    const next = this.queued.shift();
    if (next) next.begin();
    else this.running--;
  }

  /** A worker for a query: the warm one if it is alive, else a new one. */
  takeWorker(): QueryWorker {
    const warm = this.idle;
    this.idle = null;
    if (warm && !warm.dead) return warm;
    this.workersStarted++;
    return new QueryWorker(this.setup, this.limits.heapMb);
  }

  /** Takes back the worker of a query that ended normally. */
  returnWorker(worker: QueryWorker, heapBytes: number): void {
    if (this.idle || worker.dead || heapBytes > REUSE_HEAP_BYTES) {
      worker.terminate();
      return;
    }
    worker.hold(null);
    this.idle = worker;
  }
}

/**
 * One ad-hoc SELECT. `ready` resolves when its first output is ready (or it ended without
 * any), and rejects with an `ApiError` if it failed before; `output` is the stream of its
 * formatted output. `cancel` stops it (the client went away).
 */
export class AdHocRun {
  readonly ready: Promise<void>;
  readonly output: Readable;
  private resolveReady!: () => void;
  private rejectReady!: (err: ApiError) => void;
  private worker: QueryWorker | null = null;
  private readonly credits = new Int32Array(new SharedArrayBuffer(4));
  private started = false;
  private finished = false;
  /** Set once the query holds a slot. */
  began = false;
  // The budget clock: it starts when the query's worker is ready, and stops while the client is not reading.
  private remainingMs: number;
  private since = 0;
  private clientStalled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly service: AdHocQueries,
    readonly id: number,
    private readonly sql: string,
    private readonly format: AdHocFormat,
    private readonly capture: SnapshotCapture,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // A failure before the first output is reported through `ready`; nobody may be waiting.
    this.ready.catch(() => {});
    this.output = new Readable({
      highWaterMark: OUTPUT_HIGH_WATER,
      read: () => this.wantMore(),
    });
    this.remainingMs = service.limits.timeoutMs;
  }

  /** The query has a slot: it takes a worker (which may start up meanwhile), captures its snapshots and sends them. */
  begin(): void {
    this.began = true;
    let worker: QueryWorker;
    try {
      worker = this.service.takeWorker();
    } catch (err) {
      // Called from another query's end too: never let this throw.
      this.fail(
        new ApiError('InternalError', `Ad-hoc query worker could not start: ${(err as Error).message}`, {}),
      );
      return;
    }
    this.worker = worker;
    worker.hold({ message: (m) => this.onMessage(m), died: (err) => this.onDied(err) });
    if (worker.ready) this.startClock();
    this.capture(() => this.finished)
      .then(async (snapshots) => {
        if (this.finished) return;
        Atomics.store(this.credits, 0, 1);
        worker.post({
          type: 'query',
          sql: this.sql,
          format: this.format,
          credits: this.credits.buffer as SharedArrayBuffer,
          relations: snapshots.map((s) => s.name),
        });
        await sendSnapshots(
          snapshots,
          (relation, chunk) => worker.post({ type: 'rows', relation, chunk }, [chunk]),
          () => this.finished,
        );
        if (!this.finished) worker.post({ type: 'run' });
      })
      .catch((err: Error) =>
        this.fail(
          err instanceof ApiError
            ? err
            : new ApiError('InternalError', `Ad-hoc query failed: ${err.message}`, {}),
        ),
      );
  }

  private onMessage(m: FromWorker): void {
    if (this.finished) return;
    switch (m.type) {
      case 'chunk':
        this.started = true;
        this.resolveReady();
        if (!this.output.push(Buffer.from(m.data))) this.pauseClock();
        break;
      case 'done': {
        const worker = this.worker!;
        this.worker = null;
        this.end();
        this.service.returnWorker(worker, m.heapBytes);
        break;
      }
      case 'error':
        this.fail(ApiError.fromBody(m.status, m.error));
        break;
      case 'ready':
        this.startClock();
        break;
    }
  }

  private onDied(err: Error & { code?: string }): void {
    this.worker = null;
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const mb = this.service.limits.heapMb;
      this.service.log.warn(`ad-hoc query ${this.id} stopped: it needed more than its ${mb} MiB of memory`);
      this.fail(
        new ApiError(
          'AdHocQueryOutOfMemory',
          `Ad-hoc query needed more than its memory limit of ${mb} MiB and was stopped; the pipeline is unaffected. Narrow the query (filters, LIMIT), or raise runtime_config.datafusion_memory_mb.`,
          { limit_mb: mb },
        ),
      );
    } else {
      this.fail(new ApiError('InternalError', `Ad-hoc query worker failed: ${err.message}`, {}));
    }
  }

  /** The response stream wants more output: the client is reading. */
  private wantMore(): void {
    if (this.finished) return;
    this.resumeClock();
    Atomics.add(this.credits, 0, 1);
    Atomics.notify(this.credits, 0);
  }

  private startClock(): void {
    this.since = Date.now();
    this.timer = setTimeout(() => this.outOfTime(), this.remainingMs);
  }

  private pauseClock(): void {
    if (this.clientStalled) return;
    this.clientStalled = true;
    clearTimeout(this.timer);
    this.remainingMs -= Date.now() - this.since;
    this.timer = setTimeout(() => this.clientGone(), this.service.limits.timeoutMs);
  }

  private resumeClock(): void {
    if (!this.clientStalled) return;
    this.clientStalled = false;
    clearTimeout(this.timer);
    this.since = Date.now();
    this.timer = setTimeout(() => this.outOfTime(), Math.max(0, this.remainingMs));
  }

  private outOfTime(): void {
    const secs = this.service.limits.timeoutMs / 1000;
    this.service.log.warn(`ad-hoc query ${this.id} stopped: it ran longer than ${secs} s`);
    this.fail(
      new ApiError(
        'AdHocQueryTimeout',
        `Ad-hoc query ran longer than its time limit of ${secs} s and was stopped; the pipeline is unaffected. Narrow the query (filters, LIMIT), or raise runtime_config.dev_tweaks.adhoc_timeout_secs.`,
        { limit_secs: secs },
      ),
    );
  }

  /** The client read nothing for a whole budget: stop the query and drop the connection. */
  private clientGone(): void {
    this.cancel(
      `its client read nothing for ${this.service.limits.timeoutMs / 1000} s`,
      new Error('the client stopped reading'),
    );
  }

  /** Ends the query with an error: the HTTP status if nothing was sent yet, else an in-band line. */
  fail(err: ApiError): void {
    if (this.finished) return;
    if (this.started) {
      const line = errorLine(this.format, err.toBody());
      if (line === null) {
        this.service.log.warn(`ad-hoc query ${this.id} failed after its output started: ${err.message}`);
        this.output.destroy(new Error(err.message));
      } else {
        this.output.push(line);
        this.output.push(null);
      }
    } else {
      this.rejectReady(err);
    }
    this.finish();
  }

  private end(): void {
    this.resolveReady();
    this.output.push(null);
    this.finish();
  }

  /**
   * Stops the query because its client went away; nothing more is sent. The output stream is
   * destroyed, with `error` if given (which makes the HTTP server drop the connection).
   */
  cancel(reason: string, error?: Error): void {
    if (this.finished) return;
    const hadWorker = this.worker !== null;
    this.rejectReady(new ApiError('InternalError', `Ad-hoc query cancelled: ${reason}`, {}));
    this.output.destroy(error);
    this.finish();
    this.service.log.info(
      `ad-hoc query ${this.id} cancelled: ${reason}${hadWorker ? '; its worker was terminated' : ''}`,
    );
  }

  /** Marks the query ended, terminates the worker it still holds and frees its slot. */
  private finish(): void {
    this.finished = true;
    clearTimeout(this.timer);
    this.worker?.terminate();
    this.worker = null;
    this.service.release(this);
  }
}
