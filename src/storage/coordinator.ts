/**
 * The pushes of one pipeline, coordinated.
 *
 * - A request for a checkpoint that is already being pushed (or waiting to be) gets the same
 *   promise: two `POST /checkpoint/sync` at once upload once, and a request joins a periodic
 *   push of the same checkpoint. `status().running` lists the checkpoints being pushed or
 *   waiting to be.
 * - Pushes run one at a time, in request order, because each ends with retention over the same
 *   location, which must not run while another push is uploading blobs it has not referenced
 *   yet.
 * - `status()` is Feldera's `CheckpointSyncStatus` (last success, last periodic success, last
 *   failure) plus the push in progress with its progress.
 * - `startPeriodicPush()` pushes the newest local checkpoint every `push_interval` seconds; a
 *   tick is skipped while an earlier push is still running or queued, so pushes never pile up.
 *   A periodic push that fails (an unreachable store included) is never taken for "nothing to
 *   push": it is reported (`periodicFailure`, `onPeriodicFailure`) and the next round retries.
 * Hashing happens in slices and I/O is asynchronous, so a push never holds the event loop.
 */
import { ApiError } from '../types/errors.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { PipelineOwner } from './ownership.js';
import type { TransferProgress } from './progress.js';
import { type PushSummary, pushCheckpoint } from './push.js';
import { type RemoteOptions, RemoteStore } from './remote-store.js';
import type { SyncConfig } from './sync-config.js';

export interface SyncStatus {
  success: string | null;
  periodic: string | null;
  failure: { uuid: string; error: string } | null;
  /** The last failed automatic push, cleared by the next successful one. */
  periodicFailure: { uuid: string; error: string } | null;
  /** Checkpoints being pushed or waiting to be, in request order. */
  running: string[];
  inProgress: { uuid: string; progress: TransferProgress } | null;
}

/** How one push went, for metrics. */
export interface PushOutcome {
  uuid: string;
  ok: boolean;
  /** Wall-clock time of the push, queueing excluded. */
  durationMs: number;
  /** Bytes uploaded (0 when the push failed). */
  bytes: number;
}

export interface SyncCoordinatorOptions {
  config: SyncConfig;
  store: CheckpointStore;
  owner: PipelineOwner;
  remote?: RemoteOptions;
  /** Called with each progress update of each push (for the log). */
  onProgress?: (uuid: string, progress: TransferProgress) => void;
  /** Called when an automatic push fails (`status().failure` reports only requested ones). */
  onPeriodicFailure?: (uuid: string, error: Error) => void;
  /** Called after every push, successful or not. */
  onPushed?: (outcome: PushOutcome) => void;
}

/** Serializes and deduplicates the pushes of one pipeline, and remembers how they went. */
export class SyncCoordinator {
  readonly #remote: RemoteStore;
  readonly #store: CheckpointStore;
  readonly #owner: PipelineOwner;
  readonly #onProgress: SyncCoordinatorOptions['onProgress'];
  readonly #onPeriodicFailure: SyncCoordinatorOptions['onPeriodicFailure'];
  readonly #onPushed: SyncCoordinatorOptions['onPushed'];
  readonly #pending = new Map<string, Promise<PushSummary>>();
  readonly #periodic = new Set<string>();
  /** Checkpoints a client asked to sync; only those set `success` and `failure`. */
  readonly #requested = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  /** The newest checkpoint known to be in the store (pushed by this coordinator). */
  #lastPushed: string | null = null;
  #status: Omit<SyncStatus, 'running'> = {
    success: null,
    periodic: null,
    failure: null,
    periodicFailure: null,
    inProgress: null,
  };

  /** Validates the configuration (throws `InvalidRuntimeConfig`) and opens the bucket. */
  constructor(options: SyncCoordinatorOptions) {
    this.#remote = RemoteStore.open(options.config, 'bucket', options.remote);
    this.#store = options.store;
    this.#owner = options.owner;
    this.#onProgress = options.onProgress;
    this.#onPeriodicFailure = options.onPeriodicFailure;
    this.#onPushed = options.onPushed;
  }

  /**
   * Pushes checkpoint `uuid` (default: the newest local one), or joins the push of it already
   * requested. `periodic` marks pushes made by the `push_interval` timer.
   */
  async push(uuid?: string, options: { periodic?: boolean } = {}): Promise<PushSummary> {
    const target = uuid ?? (await this.#store.latest())?.uuid;
    if (!target) throw new ApiError('NoCheckpoint', 'There is no local checkpoint to sync');
    if (options.periodic) this.#periodic.add(target);
    else this.#requested.add(target);
    const pending = this.#pending.get(target);
    if (pending) return pending;
    const run = this.#queue.then(() => this.#run(target));
    this.#queue = run.catch(() => undefined);
    this.#pending.set(target, run);
    const forget = () => {
      this.#pending.delete(target);
      this.#periodic.delete(target);
      this.#requested.delete(target);
    };
    run.then(forget, forget);
    return run;
  }

  /**
   * Pushes the newest checkpoint every `push_interval` seconds (if the configuration sets
   * one), measured from the end of the previous push; a round is skipped when a push is
   * running or the newest checkpoint is already in the store.
   */
  startPeriodicPush(): void {
    const seconds = this.#remote.settings.pushIntervalSeconds;
    if (!seconds || this.#timer) return;
    const round = async () => {
      const latest = (await this.#store.latest())?.uuid;
      if (latest && this.#pending.size === 0 && latest !== this.#lastPushed) {
        // A failure is reported through onPeriodicFailure; the next round tries again.
        await this.push(latest, { periodic: true }).catch(() => undefined);
      }
    };
    const schedule = () => {
      this.#timer = setTimeout(() => {
        round().finally(() => {
          if (this.#timer) schedule();
        });
      }, seconds * 1000);
      this.#timer.unref();
    };
    schedule();
  }

  status(): SyncStatus {
    const { inProgress } = this.#status;
    return {
      ...this.#status,
      running: [...this.#pending.keys()],
      inProgress: inProgress ? { uuid: inProgress.uuid, progress: { ...inProgress.progress } } : null,
    };
  }

  /** Stops periodic pushes, waits for the queued pushes to finish, then releases the client. */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#queue;
    this.#remote.close();
  }

  async #run(uuid: string): Promise<PushSummary> {
    const started = Date.now();
    this.#status.inProgress = {
      uuid,
      progress: { phase: 'checking', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 },
    };
    try {
      const summary = await pushCheckpoint(this.#remote, this.#store, uuid, this.#owner, {
        onProgress: (progress) => {
          this.#status.inProgress = { uuid, progress };
          this.#onProgress?.(uuid, progress);
        },
      });
      if (this.#requested.has(uuid)) {
        this.#status.success = uuid;
        this.#status.failure = null;
      }
      if (this.#periodic.has(uuid)) {
        this.#status.periodic = uuid;
        this.#status.periodicFailure = null;
      }
      this.#lastPushed = uuid;
      this.#onPushed?.({ uuid, ok: true, durationMs: Date.now() - started, bytes: summary.uploadedBytes });
      return summary;
    } catch (err) {
      const failure = { uuid, error: (err as Error).message };
      if (this.#requested.has(uuid)) this.#status.failure = failure;
      if (this.#periodic.has(uuid)) {
        this.#status.periodicFailure = failure;
        this.#onPeriodicFailure?.(uuid, err as Error);
      }
      this.#onPushed?.({ uuid, ok: false, durationMs: Date.now() - started, bytes: 0 });
      throw err;
    } finally {
      this.#status.inProgress = null;
    }
  }
}
