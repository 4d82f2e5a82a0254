/**
 * The pushes of one pipeline, coordinated.
 *
 * - A request for a checkpoint that is already being pushed (or waiting to be) gets the same
 *   promise: two `POST /checkpoint/sync` at once upload once.
 * - Pushes run one at a time, in request order, because each ends with retention over the same
 *   location, which must not run while another push is uploading blobs it has not referenced
 *   yet.
 * - `status()` is Feldera's `CheckpointSyncStatus` (last success, last periodic success, last
 *   failure) plus the push in progress with its progress.
 * - `startPeriodicPush()` pushes the newest local checkpoint every `push_interval` seconds; a
 *   tick is skipped while an earlier push is still running or queued, so pushes never pile up.
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
  inProgress: { uuid: string; progress: TransferProgress } | null;
}

export interface SyncCoordinatorOptions {
  config: SyncConfig;
  store: CheckpointStore;
  owner: PipelineOwner;
  remote?: RemoteOptions;
  /** Called with each progress update of each push (for the log). */
  onProgress?: (uuid: string, progress: TransferProgress) => void;
}

/** Serializes and deduplicates the pushes of one pipeline, and remembers how they went. */
export class SyncCoordinator {
  readonly #remote: RemoteStore;
  readonly #store: CheckpointStore;
  readonly #owner: PipelineOwner;
  readonly #onProgress: SyncCoordinatorOptions['onProgress'];
  readonly #pending = new Map<string, Promise<PushSummary>>();
  readonly #periodic = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #status: SyncStatus = { success: null, periodic: null, failure: null, inProgress: null };

  /** Validates the configuration (throws `InvalidRuntimeConfig`) and opens the bucket. */
  constructor(options: SyncCoordinatorOptions) {
    this.#remote = RemoteStore.open(options.config, 'bucket', options.remote);
    this.#store = options.store;
    this.#owner = options.owner;
    this.#onProgress = options.onProgress;
  }

  /**
   * Pushes checkpoint `uuid` (default: the newest local one), or joins the push of it already
   * requested. `periodic` marks pushes made by the `push_interval` timer.
   */
  async push(uuid?: string, options: { periodic?: boolean } = {}): Promise<PushSummary> {
    const target = uuid ?? (await this.#store.latest())?.uuid;
    if (!target) throw new ApiError('NoCheckpoint', 'There is no local checkpoint to sync');
    if (options.periodic) this.#periodic.add(target);
    const pending = this.#pending.get(target);
    if (pending) return pending;
    const run = this.#queue.then(() => this.#run(target));
    this.#queue = run.catch(() => undefined);
    this.#pending.set(target, run);
    const forget = () => {
      this.#pending.delete(target);
      this.#periodic.delete(target);
    };
    run.then(forget, forget);
    return run;
  }

  /** Starts pushing every `push_interval` seconds, if the configuration sets one. */
  startPeriodicPush(): void {
    const seconds = this.#remote.settings.pushIntervalSeconds;
    if (!seconds || this.#timer) return;
    this.#timer = setInterval(() => {
      // A failure is reported by status(); there is nothing else to do with it here.
      if (this.#pending.size === 0) this.push(undefined, { periodic: true }).catch(() => undefined);
    }, seconds * 1000);
    this.#timer.unref();
  }

  status(): SyncStatus {
    const { inProgress } = this.#status;
    return {
      ...this.#status,
      inProgress: inProgress ? { uuid: inProgress.uuid, progress: { ...inProgress.progress } } : null,
    };
  }

  /** Stops periodic pushes, waits for the queued pushes to finish, then releases the client. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#queue;
    this.#remote.close();
  }

  async #run(uuid: string): Promise<PushSummary> {
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
      this.#status.success = uuid;
      if (this.#periodic.has(uuid)) this.#status.periodic = uuid;
      this.#status.failure = null;
      return summary;
    } catch (err) {
      this.#status.failure = { uuid, error: (err as Error).message };
      throw err;
    } finally {
      this.#status.inProgress = null;
    }
  }
}
