/**
 * Object-storage sync of a pipeline process: `POST /checkpoint/sync`, its status, periodic
 * pushes, the remote listing, where a start takes its checkpoint from, and the standby loop.
 *
 * Standby and activation pull the newest checkpoint with the start's rule (resolve.ts):
 * `bucket`, or `read_bucket` while `bucket` has none, so a standby seeded from another
 * pipeline's store moves to its own once that has a checkpoint. Activation pulls once more
 * before it runs, so it never runs a checkpoint older than the store's newest. A standby whose
 * `start_from_checkpoint` is a uuid pulls and activates that checkpoint only.
 *
 * The hard parts live in src/storage (content-addressed push with the manifest last,
 * verified pulls, retention, ownership); this module wires them to the pipeline: it names the
 * owner, logs progress as it happens, exposes it in the status endpoints, and never blocks
 * ingestion or steps (pushes read immutable state files, not the circuit).
 */
import type { CheckpointStore } from '../storage/checkpoint-store.js';
import { SyncCoordinator } from '../storage/coordinator.js';
import type { TransferProgress } from '../storage/progress.js';
import type { PullSummary } from '../storage/pull.js';
import { listRemoteCheckpoints } from '../storage/remote-store.js';
import {
  checkpointNotFound,
  damagedNewest,
  pullFromObjectStore,
  type RemotePull,
  resolveStartCheckpoint,
} from '../storage/resolve.js';
import { resolveSyncSettings, type SyncConfig, type SyncSettings } from '../storage/sync-config.js';
import { ApiError } from '../types/errors.js';
import type { PipelineLogger } from './log.js';
import { SyncMetrics } from './sync-metrics.js';

/** The `sync` section of a runtime configuration, or null when none is configured. */
export function syncConfigOf(runtimeConfig: Record<string, unknown>): SyncConfig | null {
  const storage = runtimeConfig.storage as {
    backend?: { name?: string; config?: { sync?: unknown } };
  } | null;
  if (storage?.backend?.name !== 'file') return null;
  const sync = storage.backend.config?.sync;
  return sync ? (sync as SyncConfig) : null;
}

/**
 * An error for the log: its code and message. Sync errors never carry a secret (the S3 client
 * reports the store's error code and message, never the request's signature or keys).
 */
function errorText(err: unknown): string {
  return err instanceof ApiError ? `${err.errorCode}: ${err.message}` : String(err);
}

function describe(p: TransferProgress): string {
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return `${p.phase}: ${p.filesDone}/${p.filesTotal} files, ${mib(p.bytesDone)}/${mib(p.bytesTotal)} MiB`;
}

/** Logs transfer progress at most once a second, plus every phase change. */
function progressLogger(log: PipelineLogger, what: string): (p: TransferProgress) => void {
  let last = 0;
  let phase = '';
  return (p) => {
    const now = Date.now();
    if (p.phase !== phase || now - last > 1000) {
      log.info(`${what} ${describe(p)}`);
      last = now;
      phase = p.phase;
    }
  };
}

/** Sync to and from the object store configured for one pipeline. */
export class SyncService {
  readonly settings: SyncSettings;
  readonly metrics = new SyncMetrics();
  private readonly coordinator: SyncCoordinator;
  /** Progress of a pull running at start or in standby, for `/status`. */
  pullProgress: TransferProgress | null = null;
  private standbyTimer: NodeJS.Timeout | null = null;
  /** Damaged remote checkpoints already logged by a standby pull (logged once, not every round). */
  private readonly loggedDamaged = new Set<string>();

  constructor(
    private readonly config: SyncConfig,
    private readonly store: CheckpointStore,
    owner: { pipelineId: string; pipelineName: string },
    private readonly log: PipelineLogger,
  ) {
    this.settings = resolveSyncSettings(config);
    this.coordinator = new SyncCoordinator({
      config,
      store,
      owner,
      onProgress: (
        (logProgress) => (_uuid: string, p: TransferProgress) =>
          logProgress(p)
      )(progressLogger(log, 'sync')),
      onPeriodicFailure: (uuid, err) =>
        log.warn(`periodic sync of checkpoint ${uuid} failed: ${errorText(err)}`),
      onPushed: ({ ok, durationMs, bytes }) => {
        if (ok) this.metrics.push.transferred(durationMs, bytes);
        else this.metrics.push.failures++;
      },
    });
  }

  /** Pushes the newest local checkpoint (sharing an upload already under way). */
  async sync(): Promise<{ uuid: string; sequence: number }> {
    const latest = await this.store.latest();
    if (!latest) {
      throw new ApiError(
        'NoCheckpoint',
        'The pipeline has no checkpoint to sync yet: take one with POST /v0/pipelines/{name}/checkpoint first',
        {},
      );
    }
    this.log.info(`sync of checkpoint ${latest.uuid} requested`);
    const summary = await this.coordinator.push(latest.uuid).catch((err: unknown) => {
      this.log.error(`sync of checkpoint ${latest.uuid} failed: ${errorText(err)}`);
      throw err;
    });
    this.log.info(
      `checkpoint ${latest.uuid} synced: ${summary.uploadedFiles} file(s), ${summary.uploadedBytes} bytes uploaded`,
    );
    return { uuid: latest.uuid, sequence: latest.sequence };
  }

  /**
   * Feldera's `CheckpointSyncStatus`, plus `running` (the uuids being pushed or queued, in
   * order) and `progress` while a push runs.
   */
  status(): Record<string, unknown> {
    const s = this.coordinator.status();
    return {
      success: s.success,
      failure: s.failure,
      periodic: s.periodic,
      running: s.running,
      progress: s.inProgress
        ? {
            uuid: s.inProgress.uuid,
            phase: s.inProgress.progress.phase,
            files_done: s.inProgress.progress.filesDone,
            files_total: s.inProgress.progress.filesTotal,
            bytes_done: s.inProgress.progress.bytesDone,
            bytes_total: s.inProgress.progress.bytesTotal,
          }
        : null,
    };
  }

  listRemote() {
    return listRemoteCheckpoints(this.config);
  }

  startPeriodicPush(): void {
    this.coordinator.startPeriodicPush();
  }

  /**
   * Brings the checkpoint a start should use into local storage: local first, then `bucket`,
   * then `read_bucket` (see src/storage/resolve.ts), logging which source was used.
   */
  async prepareStart(): Promise<void> {
    this.log.info(
      this.settings.startFromCheckpoint
        ? `looking for checkpoint '${this.settings.startFromCheckpoint}': local storage, then the object store`
        : 'start_from_checkpoint is not set: the object store is not consulted at start',
    );
    const onProgress = progressLogger(this.log, 'pull');
    const started = Date.now();
    const resolution = await resolveStartCheckpoint(this.config, this.store, {
      onProgress: (p) => {
        this.pullProgress = { ...p };
        onProgress(p);
      },
    })
      .catch((err: unknown) => {
        this.metrics.pull.failures++;
        throw err;
      })
      .finally(() => {
        this.pullProgress = null;
      });
    if (resolution.pulled && !resolution.pulled.alreadyLocal)
      this.metrics.pull.transferred(Date.now() - started, resolution.pulled.downloadedBytes);
    for (const s of resolution.skipped) this.log.warn(`checkpoint source ${s.source} skipped: ${s.reason}`);
    if (resolution.pulled) this.logSkippedRemote(resolution.pulled, 'start');
    if (resolution.source === 'none') {
      this.log.info('no checkpoint found: starting from empty state');
      return;
    }
    this.log.info(`checkpoint source: ${resolution.source} (checkpoint ${resolution.uuid})`);
    if (resolution.pulled) {
      const p = resolution.pulled;
      this.log.info(
        `pulled ${p.downloadedFiles} file(s), ${p.downloadedBytes} bytes from ${resolution.source} (${p.reusedFiles} already local)`,
      );
      this.log.info('checkpoint pulled successfully');
    }
  }

  /**
   * Pulls the standby's checkpoint of `bucket` (or of `read_bucket` while `bucket` has none)
   * into local storage, reporting progress in `/status`: the one `start_from_checkpoint` pins
   * when it names a uuid, else the newest. Throws `CheckpointFetchError` when a store cannot be
   * reached or read.
   */
  private async pullStandbyTarget(what: string): Promise<RemotePull> {
    const onProgress = progressLogger(this.log, what);
    const started = Date.now();
    try {
      const pulled = await pullFromObjectStore(this.config, this.standbyTarget, this.store, {
        onProgress: (p) => {
          this.pullProgress = { ...p };
          onProgress(p);
        },
      }).catch((err: unknown) => {
        this.metrics.pull.failures++;
        throw err;
      });
      if (pulled.found) this.logSkippedRemote(pulled.summary, what, this.loggedDamaged);
      if (pulled.found && !pulled.summary.alreadyLocal) {
        this.metrics.pull.transferred(Date.now() - started, pulled.summary.downloadedBytes);
        const p = pulled.summary;
        this.log.info(
          `${what}: pulled checkpoint ${p.uuid} from ${pulled.source}: ${p.downloadedFiles} file(s), ${p.downloadedBytes} bytes (${p.reusedFiles} already local)`,
        );
        this.log.info('checkpoint pulled successfully');
      }
      return pulled;
    } finally {
      this.pullProgress = null;
    }
  }

  /**
   * Logs, as a WARN each, the newer remote checkpoints a 'latest' pull passed over and why (a
   * damaged one: the file, the expected and the actual hash), except those in `once` already.
   */
  private logSkippedRemote(summary: PullSummary, what: string, once?: Set<string>): void {
    for (const s of summary.skipped) {
      if (once?.has(s.uuid)) continue;
      once?.add(s.uuid);
      this.log.warn(`${what}: skipped remote checkpoint ${s.uuid}, using ${summary.uuid}: ${s.reason}`);
    }
  }

  /**
   * What standby and activation pull: the uuid `start_from_checkpoint` pins (Feldera runs a
   * standby started from a uuid from that checkpoint, however many newer ones the primary
   * pushes), else 'latest'.
   */
  private get standbyTarget(): string {
    const target = this.settings.startFromCheckpoint;
    return target && target !== 'latest' ? target : 'latest';
  }

  /** Standby: pulls its checkpoint (see `standbyTarget`) now and every `pull_interval` seconds. */
  startStandby(): void {
    const pull = async () => {
      try {
        const pulled = await this.pullStandbyTarget('standby pull');
        if (!pulled.found) this.log.info('standby: no checkpoint in the object store yet');
      } catch (err) {
        this.log.warn(
          `standby: pull failed, retrying in ${this.settings.pullIntervalSeconds} s: ${(err as Error).message}`,
        );
      }
    };
    let stopped = false;
    let inFlight = pull();
    const schedule = () => {
      this.standbyTimer = setTimeout(() => {
        inFlight = pull().finally(() => {
          if (!stopped) schedule();
        });
      }, Math.max(1, this.settings.pullIntervalSeconds) * 1000);
    };
    this.log.info(
      `standby: pulling ${this.standbyTarget === 'latest' ? 'the newest checkpoint' : `checkpoint ${this.standbyTarget}`} every ${this.settings.pullIntervalSeconds} s`,
    );
    void inFlight.finally(() => {
      if (!stopped) schedule();
    });
    this.stopStandby = async () => {
      stopped = true;
      if (this.standbyTimer) clearTimeout(this.standbyTimer);
      this.standbyTimer = null;
      await inFlight;
    };
  }

  /**
   * Activation: ends the standby loop, then pulls the store's newest checkpoint (or the pinned
   * uuid, see `standbyTarget`), which the start then runs from (a standby may be a pull
   * interval behind). A store that cannot be
   * read fails the activation (`CheckpointFetchError`), as does a newest checkpoint that is
   * damaged (the pull would fall back to an older one) and an empty store with
   * `fail_if_no_checkpoint`; never a silent start from older state.
   */
  async prepareActivation(): Promise<void> {
    await this.stopStandby();
    const pulled = await this.pullStandbyTarget('activation pull');
    if (pulled.found) {
      const damaged = pulled.summary.skipped.filter((s) => s.damaged);
      if (damaged.length > 0) throw damagedNewest(pulled.source, pulled.summary.uuid, damaged);
      return;
    }
    const local = await this.store.latest();
    if (local) {
      this.log.warn(
        `activation: no checkpoint in the object store; running from local checkpoint ${local.uuid}`,
      );
    } else if (this.settings.failIfNoCheckpoint) {
      throw checkpointNotFound(this.standbyTarget, [
        { source: 'local', reason: `local storage ${this.store.dir} has no checkpoint` },
        ...pulled.skipped,
      ]);
    }
  }

  /** Ends the standby loop (on activation), after the pull under way, if any. */
  stopStandby: () => Promise<void> = async () => undefined;
}
