/**
 * Checkpoints of a pipeline process: taking them, listing them, resuming from them.
 *
 * The circuit's state lives in traces whose batch files sit in the checkpoint store's `state/`
 * directory, named by their SHA-256 (src/engine/trace/). A checkpoint is taken at a step
 * boundary: the checkpointer waits until no step runs (and, while the pipeline runs, until all
 * accepted input is processed), then seals every trace and captures the data plane's
 * positions, synchronously and in O(number of traces), so the capture is consistent. Steps go
 * on while the sealed heads become batch files (in the background); then the store writes
 * `circuit.json` and the manifest naming those files (manifest last, see
 * src/storage/checkpoint-store.ts). A checkpoint thus writes what changed since the previous
 * one, plus what merges rewrote. Requests are served one at a time in order; each gets the
 * sequence number its checkpoint will carry.
 *
 * Resuming opens the newest checkpoint that verifies (falling back past corrupt ones, and
 * saying so in the log): every file must be there with its size, `circuit.json` is read and
 * hashed, and batches are opened as lookups reach them, so a large state resumes in about the
 * time it takes to read its description. The SHA-256 of every batch file is checked as well:
 * before the resume when the checkpoint is small, in the background after it otherwise (a
 * mismatch is then fatal, and the damaged file deleted, so the next start falls back to an
 * older checkpoint); every block is also checked against its CRC-32 when it is read. A
 * checkpoint in the format of an older Sluice is refused. Every checkpoint also holds the SQL of
 * the program that took it (`program.sql`): a checkpoint taken by a different program is handed
 * to the bootstrap (runtime/bootstrap.ts), which rebuilds the state for the new program as
 * `bootstrap_policy` allows; one without it (written before programs were recorded) is refused.
 * For exactly-once pipelines, the journal entries the checkpoint does not cover are replayed.
 */
import { join } from 'node:path';
import { META_FILE } from '../engine/circuit.js';
import { type StorageCounters, TraceStorage } from '../engine/trace/storage.js';
import { CheckpointStore, type OpenedCheckpoint } from '../storage/checkpoint-store.js';
import { type CheckpointManifest, type CheckpointMetadata, MANIFEST_FORMAT } from '../storage/manifest.js';
import { ApiError } from '../types/errors.js';
import type { CheckpointedProgram } from './bootstrap.js';
import type { DataPlane, DataPlaneMeta } from './data-plane.js';
import { InputJournal, readJournal } from './journal.js';
import type { PipelineLogger } from './log.js';

export type FaultTolerance = 'none' | 'at_least_once' | 'exactly_once';

/** How the circuit's state uses memory and disk (from `runtime_config`). */
export interface StateSettings {
  /** `storage.min_storage_bytes`: smaller batches stay in memory until a checkpoint... */
  minStorageBytes: number;
  /** ...while all such batches take at most this many bytes. */
  memoryBatchBytes: number;
  /** `storage.cache_mib` in bytes: the block cache. */
  cacheBytes: number;
  /** Estimated bytes of unsealed changes at which every trace is sealed. */
  headBudgetBytes: number;
  /** Old-generation limit (MiB) of the merge worker's V8 heap; null or absent: V8's default. */
  workerHeapMb?: number | null;
}

/** The checkpoint file holding the SQL of the program that took the checkpoint. */
export const PROGRAM_FILE = 'program.sql';

/**
 * Rebuilds the state of a checkpoint taken by another program into the fresh data plane
 * (runtime/bootstrap.ts); throws when it must not or cannot.
 */
export type Bootstrapper = (
  checkpointed: CheckpointedProgram,
  readStorage: () => TraceStorage,
) => Promise<void>;

/** By default, a checkpoint at most this large has every file hashed before the resume, not after. */
const VERIFY_BEFORE_RESUME_BYTES = 256 * 1024 * 1024;
/** Delay before deleting the batch files merges replaced (one collection for a burst of merges). */
const COLLECT_DELAY_MS = 2000;

export interface CheckpointSettings {
  storageDir: string;
  /**
   * The SQL of the running program, recorded in every checkpoint for a later bootstrap;
   * absent (tests, benchmarks): not recorded, so a program change cannot be bootstrapped.
   */
  programCode?: string;
  model: FaultTolerance;
  /** Seconds between automatic checkpoints; null: none. */
  intervalSecs: number | null;
  keep: number;
  state: StateSettings;
  /**
   * Called around the synchronous state capture (sealing the traces), which holds the event
   * loop for as long as it takes.
   */
  onBlockingWork?: (busy: boolean) => void;
  /**
   * Called when a file of the checkpoint resumed from turns out to be corrupt (background check);
   * never after `close`.
   */
  onCorrupt?: (message: string) => void;
  /**
   * Bytes of state up to which a resume hashes every file before it returns; a larger checkpoint
   * is hashed in the background after it (default 256 MiB).
   */
  verifyBeforeResumeBytes?: number;
}

/** What `GET /checkpoint_status` reports. */
export interface CheckpointStatus {
  success: number | null;
  failure: { sequence_number: number; error: string; failed_at: string } | null;
}

/** Feldera's program fingerprint is a u64; ours is the first 48 bits of the program's SHA-256. */
export function fingerprintNumber(hex: string): number {
  return Number.parseInt(hex.slice(0, 12), 16);
}

/** Takes, lists and restores the checkpoints of one pipeline. */
export class Checkpointer {
  private nextSequence = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly status: CheckpointStatus = { success: null, failure: null };
  private progress: {
    sequence_number: number;
    phase: string;
    files_written?: number;
    bytes_written?: number;
  } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private journal: InputJournal | null = null;
  /** The fault-tolerance model. */
  get model(): FaultTolerance {
    return this.settings.model;
  }

  /** Steps covered by the newest checkpoint, to skip automatic checkpoints of unchanged state. */
  private lastSteps = -1;
  private traceStorage: TraceStorage | null = null;
  private collectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    readonly store: CheckpointStore,
    private readonly settings: CheckpointSettings,
    private readonly log: PipelineLogger,
  ) {}

  /** The data plane whose state checkpoints capture; set by `resume`. */
  private attached: DataPlane | null = null;

  private get plane(): DataPlane {
    if (!this.attached) throw new ApiError('CheckpointFailed', 'The pipeline is not running yet', {});
    return this.attached;
  }

  static async open(settings: CheckpointSettings, log: PipelineLogger): Promise<Checkpointer> {
    const store = await CheckpointStore.open(settings.storageDir, { keep: settings.keep });
    return new Checkpointer(store, settings, log);
  }

  private get journalPath(): string {
    return join(this.settings.storageDir, 'journal.log');
  }

  /**
   * Restores the newest valid checkpoint (if any) into the fresh data plane, then replays the
   * journal for exactly-once pipelines and starts journaling. Returns the checkpoint used.
   */
  async resume(
    plane: DataPlane,
    fingerprint: string,
    bootstrap?: Bootstrapper,
  ): Promise<CheckpointManifest | null> {
    this.attached = plane;
    this.traceStorage = new TraceStorage({
      dir: this.store.stateDir,
      ...this.settings.state,
      mode: 'background',
      pin: (sha256) => this.store.retainBlobs([sha256]),
      onDiscard: () => this.scheduleCollect(),
      onBackgroundError: (message) => this.log.warn(message),
    });
    plane.circuit.attachStorage(this.traceStorage);
    const { checkpoint, skipped } = await this.store.openLatestValid(
      (name) => name === META_FILE || name === PROGRAM_FILE,
    );
    for (const s of skipped) this.log.warn(`checkpoint ${s.uuid} is unusable and was skipped: ${s.reason}`);
    if (skipped.length > 0 && !checkpoint) {
      throw new Error(`no usable checkpoint: ${skipped.map((s) => `${s.uuid}: ${s.reason}`).join('; ')}`);
    }
    if (checkpoint) {
      try {
        await this.restore(checkpoint, fingerprint, bootstrap);
      } catch (err) {
        checkpoint.release();
        throw err;
      }
      const { manifest } = checkpoint;
      this.log.info(
        `resumed from checkpoint ${manifest.uuid} (sequence ${manifest.sequence}, step ${manifest.steps}, ${manifest.processed_records} records, ${manifest.size} bytes of state)` +
          (skipped.length > 0 ? `, falling back past ${skipped.length} corrupt newer checkpoint(s)` : ''),
      );
    }
    if (this.settings.model === 'exactly_once') {
      const replayed = this.plane.replay(readJournal(this.journalPath));
      if (replayed > 0) this.log.info(`replayed ${replayed} journaled input(s) after the checkpoint`);
      this.journal = new InputJournal(this.journalPath);
      this.plane.journal = this.journal;
    }
    if (this.settings.intervalSecs !== null && this.settings.model !== 'none') {
      const every = Math.max(1, this.settings.intervalSecs) * 1000;
      this.timer = setInterval(() => this.automatic(), every);
      this.timer.unref();
    }
    const latest = await this.store.latest();
    this.nextSequence = (latest?.sequence ?? 0) + 1;
    this.status.success = latest?.sequence ?? null;
    return checkpoint?.manifest ?? null;
  }

  /** Checks the checkpoint's format, program and files, and restores it into the data plane. */
  private async restore(
    checkpoint: OpenedCheckpoint,
    fingerprint: string,
    bootstrap?: Bootstrapper,
  ): Promise<void> {
    const { manifest, files, release } = checkpoint;
    if (manifest.format !== MANIFEST_FORMAT) {
      throw new Error(
        `checkpoint ${manifest.uuid} is in checkpoint format ${manifest.format} (written by a Sluice that kept state in memory); ` +
          `this Sluice resumes from checkpoint format ${MANIFEST_FORMAT} only and does not convert older ones. ` +
          'Clear the storage (/clear) to start this pipeline from scratch, or run it with the Sluice version that wrote the checkpoint.',
      );
    }
    const expected = fingerprintNumber(fingerprint);
    const program = files.get(PROGRAM_FILE);
    if (manifest.fingerprint !== expected && program && bootstrap) {
      const meta = files.get(META_FILE);
      if (!meta) throw new Error(`checkpoint ${manifest.uuid} has no ${META_FILE}`);
      // Verified first, whatever its size: the old state is read through once, and its files
      // stay pinned until the bootstrap has read them.
      await this.store.verify(manifest.uuid);
      try {
        await bootstrap(
          {
            uuid: manifest.uuid,
            programCode: program.toString('utf8'),
            circuitMeta: meta,
            planeMeta: manifest.extra as DataPlaneMeta,
          },
          () => this.readOnlyStorage(),
        );
      } finally {
        release();
      }
      return;
    }
    if (manifest.fingerprint !== expected) {
      throw new Error(
        `checkpoint ${manifest.uuid} was taken by a different program (fingerprint ${manifest.fingerprint}, this program ${expected}). ` +
          'Restore the original program, or clear the storage (/clear) to start this program from scratch.',
      );
    }
    const meta = files.get(META_FILE);
    if (!meta) throw new Error(`checkpoint ${manifest.uuid} has no ${META_FILE}`);
    if (manifest.size <= (this.settings.verifyBeforeResumeBytes ?? VERIFY_BEFORE_RESUME_BYTES)) {
      await this.store.verify(manifest.uuid);
      release();
    } else this.verifyInBackground(manifest, release);
    this.plane.circuit.restore(meta);
    this.plane.importMeta(manifest.extra as DataPlaneMeta);
  }

  /** Trace storage for reading another program's checkpointed traces (no merges, nothing written). */
  private readOnlyStorage(): TraceStorage {
    return new TraceStorage({
      dir: this.store.stateDir,
      ...this.settings.state,
      mode: 'inline',
      pin: (sha256) => this.store.retainBlobs([sha256]),
    });
  }

  /** Hashes every file of the checkpoint resumed from while the pipeline runs. */
  private verifyInBackground(manifest: CheckpointManifest, release: () => void): void {
    const started = Date.now();
    this.store
      .verify(manifest.uuid)
      .then(() =>
        this.log.info(
          `checkpoint ${manifest.uuid}: every file verified (SHA-256) in ${Date.now() - started} ms`,
        ),
      )
      .catch((err: Error) => {
        // After close the storage directory may be gone already (deleted by whoever closed us,
        // e.g. a benchmark or a test cleaning up): a file missing then says nothing about the
        // checkpoint. A really damaged file was deleted by the check, so the next resume falls
        // back past this checkpoint.
        if (this.closed) return;
        this.settings.onCorrupt?.(`the checkpoint resumed from is corrupt: ${err.message}`);
      })
      .finally(release);
  }

  /** Deletes, shortly, the batch files merges replaced that no checkpoint names. */
  private scheduleCollect(): void {
    if (this.collectTimer) return;
    this.collectTimer = setTimeout(() => {
      this.collectTimer = null;
      this.store
        .collectGarbage()
        .catch((err: Error) => this.log.warn(`collecting state files failed: ${err.message}`));
    }, COLLECT_DELAY_MS);
    this.collectTimer.unref();
  }

  /** A periodic checkpoint, skipped when nothing happened since the last one. */
  private automatic(): void {
    if (this.progress !== null || this.attached === null || this.attached.completedSteps === this.lastSteps)
      return;
    this.request('automatic').done.catch(() => undefined);
  }

  /** Queues a checkpoint; returns its sequence number and a promise of its manifest. */
  request(reason: string): { sequence: number; done: Promise<CheckpointManifest> } {
    const sequence = this.nextSequence++;
    const done = this.chain.then(() => this.take(sequence, reason));
    this.chain = done.catch(() => undefined);
    return { sequence, done };
  }

  private async take(sequence: number, reason: string): Promise<CheckpointManifest> {
    const started = Date.now();
    try {
      this.progress = { sequence_number: sequence, phase: 'waiting for step boundary' };
      await this.plane.idle();
      this.progress = { sequence_number: sequence, phase: 'capturing state' };
      this.settings.onBlockingWork?.(true);
      let pending: ReturnType<typeof this.plane.circuit.checkpoint>;
      let meta: DataPlaneMeta;
      try {
        pending = this.plane.circuit.checkpoint();
        meta = this.plane.exportMeta();
      } finally {
        this.settings.onBlockingWork?.(false);
      }
      this.progress = { sequence_number: sequence, phase: 'writing' };
      const state = await pending;
      const previous = new Set((await this.store.latest())?.files.map((f) => f.sha256));
      let result: Awaited<ReturnType<CheckpointStore['write']>>;
      try {
        result = await this.store.write({
          fingerprint: fingerprintNumber(this.plane.program.fingerprint),
          steps: meta.completedSteps,
          processedRecords: meta.totalProcessedRecords,
          identifier: null,
          extra: meta,
          files: [
            { name: META_FILE, data: state.meta },
            ...(this.settings.programCode === undefined
              ? []
              : [{ name: PROGRAM_FILE, data: Buffer.from(this.settings.programCode, 'utf8') }]),
            ...state.files,
          ],
        });
      } finally {
        state.release();
      }
      const manifest = result.manifest;
      if (manifest.sequence !== sequence) this.nextSequence = manifest.sequence + 1;
      try {
        this.journal?.truncateThrough(meta.inputSeq);
      } catch (err) {
        // The checkpoint is durable; the journal keeps entries it covers, which a replay skips.
        this.log.warn(
          `could not shorten the input journal after checkpoint ${manifest.uuid}: ${(err as Error).message}`,
        );
      }
      this.status.success = manifest.sequence;
      this.lastSteps = meta.completedSteps;
      // What this checkpoint added to the store: the files the previous one did not name.
      const added = new Map(
        manifest.files.filter((f) => !previous.has(f.sha256)).map((f) => [f.sha256, f.size]),
      );
      const addedBytes = [...added.values()].reduce((n, size) => n + size, 0);
      this.log.info(
        `checkpoint ${manifest.uuid} (sequence ${manifest.sequence}, ${reason}) written in ${Date.now() - started} ms: ` +
          `${added.size} file(s), ${addedBytes} bytes written, ${manifest.files.length - added.size} reused, ${manifest.size} bytes of state`,
      );
      return manifest;
    } catch (err) {
      const message = (err as Error).message;
      this.status.failure = {
        sequence_number: sequence,
        error: message,
        failed_at: new Date().toISOString(),
      };
      this.log.error(`checkpoint ${sequence} failed: ${message}`);
      throw err instanceof ApiError
        ? err
        : new ApiError('CheckpointFailed', `Checkpoint failed: ${message}`, {});
    } finally {
      this.progress = null;
    }
  }

  /** Counters of the state's storage work (batches built, merges, bytes written). */
  get stateCounters(): StorageCounters | null {
    return this.traceStorage?.counters ?? null;
  }

  /** Storage jobs (builds, writes, merges) queued or running; 0 without trace storage. */
  get stateJobsPending(): number {
    return this.traceStorage?.pendingJobs ?? 0;
  }

  checkpointStatus(): CheckpointStatus & { progress: unknown } {
    return { ...this.status, progress: this.progress };
  }

  list(): Promise<CheckpointMetadata[]> {
    return this.store.listMetadata();
  }

  /**
   * Stops automatic checkpoints, the journal and the trace storage. A background check of the
   * checkpoint resumed from may still be reading; it no longer reports, so the storage
   * directory can be deleted right after.
   */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.collectTimer) clearTimeout(this.collectTimer);
    this.journal?.close();
    void this.traceStorage?.close();
  }
}
