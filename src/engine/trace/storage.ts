/**
 * The storage a circuit's traces share: where batch files go, the block cache, the settings
 * that decide when heads are sealed and batches go to disk, and the worker thread that builds
 * and merges batches.
 *
 * Two modes. `background` (pipelines): building and merging run on one worker thread, so a
 * step never waits for them; only encoding a sealed head's values runs on the main thread,
 * in slices between steps. `inline` (tests, tools): the same work runs synchronously when it is
 * asked for, which makes file-backed state deterministic to test.
 *
 * Live batch files are pinned with the checkpoint store (`pin`) before they take their final
 * name, and unpinned when a merge replaces them; the store deletes a file only when no kept
 * checkpoint names it and nothing pins it.
 */
import { renameSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Built } from './batch-build.js';
import { BatchReader, type BatchSource } from './batch-reader.js';
import { BlockCache } from './block-cache.js';
import { batchPath } from './files.js';
import { asBuffer, type Job, type JobReply, type JobRequest, runJob } from './jobs.js';

/** Young generation (MiB) of a bounded worker: its garbage (a merge's decoded keys) is short-lived. */
const WORKER_YOUNG_MB = 8;
const RUNNING_UNDER_TS = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = fileURLToPath(
  new URL(`./merge-worker.${RUNNING_UNDER_TS ? 'ts' : 'js'}`, import.meta.url),
);

export interface TraceStorageSettings {
  /** Directory of batch files (the checkpoint store's state directory). */
  dir: string;
  /** A batch smaller than this stays in memory until a checkpoint needs it in a file... */
  minStorageBytes: number;
  /** ...as long as all batches in memory stay within this many bytes. */
  memoryBatchBytes: number;
  /** Budget of the block cache. */
  cacheBytes: number;
  /** Heads are sealed once their estimated bytes, over all traces, exceed this. */
  headBudgetBytes: number;
  /**
   * Old-generation limit (MiB) of the worker thread's V8 heap (an isolate of its own, which
   * the process's --max-old-space-size does not bound together with the main thread's);
   * null or absent: V8's default.
   */
  workerHeapMb?: number | null;
  mode: 'inline' | 'background';
  /** Keeps the checkpoint store from deleting file `sha256`; returns the release. */
  pin: (sha256: string) => () => void;
  /** Reports background failures (a failed merge is retried later; nothing is lost). */
  onBackgroundError?: (message: string) => void;
  /** Called when a merge has replaced batch files (they may now be deleted if nothing names them). */
  onDiscard?: () => void;
}

/** Counters of storage work, for logs, tests and benchmarks. */
export interface StorageCounters {
  batchesBuilt: number;
  merges: number;
  bytesWritten: number;
}

/** One batch a trace holds: its reader, and its file once it has one. */
export class BatchLayer {
  /** Set while a merge reads this batch. */
  merging = false;
  /** The trace while the batch is live, plus each checkpoint that names it and is being written. */
  private holders = 1;
  private release: (() => void) | null = null;
  /** Called once when nobody holds the batch any more (the storage's count of live bytes). */
  private onClosed: (() => void) | null = null;
  private persisting: Promise<void> | null = null;

  constructor(
    public reader: BatchReader,
    /** SHA-256 of the file, or null while the batch is only in memory. */
    public sha256: string | null,
    readonly size: number,
    readonly entries: number,
  ) {}

  get source(): BatchSource {
    return this.reader.source;
  }

  pinWith(release: () => void): void {
    this.release = release;
  }

  whenClosed(callback: () => void): void {
    this.onClosed = callback;
  }

  /** Gives the batch a file (if it has none yet); resolves once the file is durable. */
  persist(storage: TraceStorage): Promise<void> {
    if (this.sha256 !== null) return Promise.resolve();
    this.persisting ??= storage.writeImage(this).finally(() => {
      this.persisting = null;
    });
    return this.persisting;
  }

  /** One more holder (a checkpoint being written); returns its release, effective once. */
  hold(): () => void {
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.unhold();
    };
  }

  /** The trace stops holding the batch (a merge replaced it). */
  drop(): void {
    this.unhold();
  }

  /** Once nobody holds the batch: unpins its file (or its memory) and closes it. */
  private unhold(): void {
    if (--this.holders > 0) return;
    this.release?.();
    this.release = null;
    this.onClosed?.();
    this.onClosed = null;
    this.reader.close();
  }
}

export class TraceStorage {
  readonly cache: BlockCache;
  readonly counters: StorageCounters = { batchesBuilt: 0, merges: 0, bytesWritten: 0 };
  /** Bytes of the batches held in memory (not yet in files). */
  private memoryBatches = 0;
  /** Bytes of every live batch of every trace (in files or in memory). */
  private liveBatchBytes = 0;
  private worker: Worker | null = null;
  private closed = false;
  private nextJob = 1;
  /** Jobs not yet sent to the worker; it gets one at a time, builds and writes before merges. */
  private readonly queue: Array<{ id: number; job: Job }> = [];
  private running: number | null = null;
  private readonly waiting = new Map<number, { resolve: (b: Built) => void; reject: (e: Error) => void }>();

  constructor(readonly settings: TraceStorageSettings) {
    this.cache = new BlockCache(settings.cacheBytes);
  }

  /** Jobs queued for the worker or running on it (builds, writes, merges). */
  get pendingJobs(): number {
    return this.queue.length + (this.running === null ? 0 : 1);
  }

  /** The V8 limits the worker thread runs under (null until it has started, or in inline mode). */
  get workerResourceLimits(): Worker['resourceLimits'] | null {
    return this.worker?.resourceLimits ?? null;
  }

  get inline(): boolean {
    return this.settings.mode === 'inline';
  }

  /** Runs a job now, on this thread. */
  runSync(job: Job): Built {
    return runJob(job);
  }

  /** Runs a job on the worker thread (inline mode: now). */
  run(job: Job): Promise<Built> {
    if (this.inline) {
      try {
        return Promise.resolve(runJob(job));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // After close no worker is started again: work still pending fails instead.
    if (this.closed) return Promise.reject(new Error('the trace storage is closed'));
    const id = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.queue.push({ id, job });
      this.sendNext();
    });
  }

  /**
   * Sends the worker its next job once it is idle: the oldest build or write (a step or a
   * checkpoint may be waiting for it), else the oldest merge.
   */
  private sendNext(): void {
    if (this.running !== null || this.queue.length === 0) return;
    let next = this.queue.findIndex((q) => q.job.kind !== 'merge');
    if (next < 0) next = 0;
    const request: JobRequest = this.queue.splice(next, 1)[0]!;
    const worker = this.startWorker();
    this.running = request.id;
    worker.ref();
    // A build's records are the sealed head's encoding, used by nothing else once sent: moving
    // them saves copying up to the whole head budget per build (bench/README.md, bulk load).
    const transfer = request.job.kind === 'build' ? [request.job.records.buffer as ArrayBuffer] : [];
    worker.postMessage(request, transfer);
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    // Under tsx (tests, development) a worker thread does not inherit the TypeScript loader:
    // it registers it before loading the worker module.
    const heapMb = this.settings.workerHeapMb;
    const options =
      heapMb === null || heapMb === undefined
        ? {}
        : { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } };
    const worker = RUNNING_UNDER_TS
      ? new Worker(
          `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(pathToFileURL(WORKER_ENTRY).href)}); });`,
          { eval: true, ...options },
        )
      : new Worker(WORKER_ENTRY, options);
    worker.on('message', (reply: JobReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      this.running = null;
      if (this.waiting.size === 0) worker.unref();
      if (waiter) {
        if (reply.ok)
          waiter.resolve(
            reply.built.kind === 'image'
              ? { ...reply.built, image: asBuffer(reply.built.image) }
              : reply.built,
          );
        else waiter.reject(Object.assign(new Error(reply.message), { code: reply.code }));
      }
      this.sendNext();
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      this.worker = null;
      this.failAll(new Error(`the merge worker exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
    this.queue.length = 0;
    this.running = null;
  }

  /**
   * Whether the live batches are larger than the block cache: then a lookup below the head
   * mostly reads a block that is not cached, and a step's lookups are worth batching into one
   * ordered pass per batch (`Trace.prefetch`). While they fit, per-key lookups hit cached blocks
   * and cost less than sorting and memoising a step's keys (bench/README.md, "Bulk load lookups
   * below the head": 13% more CPU per row at 30 MiB when every step prefetched).
   */
  get batchesOutgrowCache(): boolean {
    return this.liveBatchBytes > this.cache.budget;
  }

  private track(layer: BatchLayer): BatchLayer {
    this.liveBatchBytes += layer.size;
    layer.whenClosed(() => {
      this.liveBatchBytes -= layer.size;
    });
    return layer;
  }

  /** Whether a new batch of `bytes` bytes may stay in memory (else it goes to a file). */
  keepsInMemory(bytes: number): boolean {
    const { minStorageBytes, memoryBatchBytes } = this.settings;
    return bytes < minStorageBytes && this.memoryBatches + bytes <= memoryBatchBytes;
  }

  /** The batch layer for what a job built: a file is pinned, then renamed to its hash. */
  adopt(built: Built): BatchLayer {
    this.counters.batchesBuilt++;
    if (built.kind === 'image') {
      const reader = new BatchReader({ image: built.image }, built.size, 'in memory', this.cache);
      this.memoryBatches += built.size;
      const layer = new BatchLayer(reader, null, built.size, built.entries);
      layer.pinWith(() => {
        if (layer.sha256 === null) this.memoryBatches -= built.size;
      });
      return this.track(layer);
    }
    this.counters.bytesWritten += built.size;
    const layer = this.fileLayer(built.sha256, built.size, built.entries);
    renameSync(built.temp, batchPath(this.settings.dir, built.sha256));
    return layer;
  }

  /** A pinned layer over the stored file `sha256` (read lazily). */
  fileLayer(sha256: string, size: number, entries: number): BatchLayer {
    const release = this.settings.pin(sha256);
    const reader = new BatchReader({ path: batchPath(this.settings.dir, sha256) }, size, sha256, this.cache);
    const layer = new BatchLayer(reader, sha256, size, entries);
    layer.pinWith(release);
    return this.track(layer);
  }

  /** Writes an in-memory batch to its file and switches the layer to it. */
  async writeImage(layer: BatchLayer): Promise<void> {
    const source = layer.source;
    if (!('image' in source)) return;
    this.installImageFile(layer, await this.run(this.imageJob(layer, source.image)));
  }

  /** `writeImage` now, on this thread. */
  writeImageSync(layer: BatchLayer): void {
    const source = layer.source;
    if ('image' in source) this.installImageFile(layer, runJob(this.imageJob(layer, source.image)));
  }

  private imageJob(layer: BatchLayer, image: Buffer): Job {
    return { kind: 'write', image, entries: layer.entries, dir: this.settings.dir };
  }

  private installImageFile(layer: BatchLayer, built: Built): void {
    if (built.kind !== 'file') throw new Error('writing a batch image produced no file');
    this.counters.bytesWritten += built.size;
    this.memoryBatches -= layer.size;
    layer.pinWith(this.settings.pin(built.sha256));
    renameSync(built.temp, batchPath(this.settings.dir, built.sha256));
    layer.sha256 = built.sha256;
    layer.reader.close();
    layer.reader = new BatchReader(
      { path: batchPath(this.settings.dir, built.sha256) },
      built.size,
      built.sha256,
      this.cache,
    );
  }

  /** Stops the worker thread; work still queued or running is dropped without a report. */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
    this.worker = null;
  }

  /** Reports a background failure, unless the storage was closed (shutdown is not a failure). */
  reportBackgroundError(message: string): void {
    if (!this.closed) this.settings.onBackgroundError?.(message);
  }
}
