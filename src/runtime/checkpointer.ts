/**
 * Checkpoints of a pipeline process: taking them, listing them, resuming from them.
 *
 * A checkpoint is taken at a step boundary: the checkpointer waits until no step runs (and,
 * while the pipeline runs, until all accepted input is processed), then captures the
 * circuit's state files and the data plane's positions synchronously, so the capture is
 * consistent; writing them to the store (content-addressed, manifest last, see
 * src/storage/checkpoint-store.ts) happens afterwards without holding up steps. Requests are
 * served one at a time in order; each gets the sequence number its checkpoint will carry.
 *
 * Resuming loads the newest checkpoint that verifies (falling back past corrupt ones, and
 * saying so in the log), refuses one taken by a different program, and, for exactly-once
 * pipelines, replays the journal entries the checkpoint does not cover.
 */
import { join } from 'node:path';
import { CheckpointStore } from '../storage/checkpoint-store.js';
import type { CheckpointManifest, CheckpointMetadata } from '../storage/manifest.js';
import { ApiError } from '../types/errors.js';
import type { DataPlane, DataPlaneMeta } from './data-plane.js';
import { InputJournal, readJournal } from './journal.js';
import type { PipelineLogger } from './log.js';

export type FaultTolerance = 'none' | 'at_least_once' | 'exactly_once';

export interface CheckpointSettings {
  storageDir: string;
  model: FaultTolerance;
  /** Seconds between automatic checkpoints; null: none. */
  intervalSecs: number | null;
  keep: number;
  /**
   * Called around the synchronous state capture, which holds the event loop (and so leaves
   * HTTP unanswered) for as long as the state takes to encode.
   */
  onBlockingWork?: (busy: boolean) => void;
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
  async resume(plane: DataPlane, fingerprint: string): Promise<CheckpointManifest | null> {
    this.attached = plane;
    const { checkpoint, skipped } = await this.store.loadLatestValid();
    for (const s of skipped) this.log.warn(`checkpoint ${s.uuid} is unusable and was skipped: ${s.reason}`);
    if (skipped.length > 0 && !checkpoint) {
      throw new Error(`no usable checkpoint: ${skipped.map((s) => `${s.uuid}: ${s.reason}`).join('; ')}`);
    }
    if (checkpoint) {
      const { manifest, files } = checkpoint;
      const expected = fingerprintNumber(fingerprint);
      if (manifest.fingerprint !== expected) {
        throw new Error(
          `checkpoint ${manifest.uuid} was taken by a different program (fingerprint ${manifest.fingerprint}, this program ${expected}). ` +
            'Restore the original program, or clear the storage (/clear) to start this program from scratch.',
        );
      }
      this.plane.circuit.importState([...files].map(([name, data]) => ({ name, data })));
      this.plane.importMeta(manifest.extra as DataPlaneMeta);
      this.log.info(
        `resumed from checkpoint ${manifest.uuid} (sequence ${manifest.sequence}, step ${manifest.steps}, ${manifest.processed_records} records)` +
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
      let files: ReturnType<typeof this.plane.circuit.exportState>;
      let meta: DataPlaneMeta;
      try {
        files = this.plane.circuit.exportState();
        meta = this.plane.exportMeta();
      } finally {
        this.settings.onBlockingWork?.(false);
      }
      this.progress = { sequence_number: sequence, phase: 'writing' };
      const result = await this.store.write({
        fingerprint: fingerprintNumber(this.plane.program.fingerprint),
        steps: meta.completedSteps,
        processedRecords: meta.totalProcessedRecords,
        identifier: null,
        extra: meta,
        files,
      });
      const manifest = result.manifest;
      if (manifest.sequence !== sequence) this.nextSequence = manifest.sequence + 1;
      this.journal?.truncateThrough(meta.inputSeq);
      this.status.success = manifest.sequence;
      this.lastSteps = meta.completedSteps;
      this.log.info(
        `checkpoint ${manifest.uuid} (sequence ${manifest.sequence}, ${reason}) written in ${Date.now() - started} ms: ` +
          `${result.filesWritten} file(s), ${result.bytesWritten} bytes written, ${result.filesReused} reused`,
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

  checkpointStatus(): CheckpointStatus & { progress: unknown } {
    return { ...this.status, progress: this.progress };
  }

  list(): Promise<CheckpointMetadata[]> {
    return this.store.listMetadata();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.journal?.close();
  }
}
