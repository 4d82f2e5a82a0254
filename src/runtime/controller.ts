/**
 * The controller of a pipeline process: its runtime status and the work behind each change.
 *
 *   Initializing ──▶ Running ⇄ Paused
 *        │  │  │        ▲  ▲  ▲
 *        │  │  └─▶ Replaying ─┘ (exactly-once: journaled input after the checkpoint)
 *        │  └─▶ Standby ┘  │ (activate)
 *        └─▶ AwaitingApproval ──approve──▶ Bootstrapping
 *   (a checkpoint of another program, bootstrap.ts; `allow` skips AwaitingApproval)
 *   any ──suspend──▶ Suspended ──▶ process exits 0
 *
 * The manager's runner drives these transitions through the control endpoints; the
 * controller reports where it is in `GET /status`, with a `details` object while a long
 * operation runs.
 *
 * When a step fails on some inputs, the data plane rejects them and processes the rest
 * (data-plane.ts); the controller then keeps that state and reports the rejected inputs. With
 * storage it takes a checkpoint (which a restart resumes from, without them) and exits with an
 * `InputRejected` error; without storage there is nowhere to keep the state, so the process
 * stays alive and Paused with the error in `/status` until `/resume` continues without them.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7 } from '../storage/uuid.js';
import { ApiError, type ErrorBody } from '../types/errors.js';
import type { RuntimeStatus } from '../types/pipeline.js';
import { type DeploymentSpec, PIPELINE_FILES, type ProcessStatus } from '../types/runtime.js';
import { bootstrapFrom, type PipelineDiff } from './bootstrap.js';
import { Checkpointer, type FaultTolerance } from './checkpointer.js';
import { Compaction } from './compaction.js';
import { ConnectorSet } from './connectors/connector-set.js';
import { dataDirOf } from './connectors/file-path.js';
import { DataPlane, DEFAULT_MAX_BATCH_SIZE, describeRejected, type RejectedInput } from './data-plane.js';
import type { EngineProgram } from './engine-api.js';
import { DEFAULT_MAX_QUEUED_RECORDS } from './input-queue.js';
import type { PipelineLogger } from './log.js';
import { stateSettingsOf } from './memory.js';
import { SamplyProfiler } from './samply-profiler.js';
import { SyncService, syncConfigOf } from './sync.js';
import type { SyncMetrics } from './sync-metrics.js';

/** Marks a storage directory whose pipeline has run (not only pulled checkpoints in standby). */
const ACTIVATED_FILE = 'activated';

export type DeploymentConfig = DeploymentSpec;

/** Owns the runtime status of the pipeline process. */
export class Controller {
  /** A v7 UUID, time-ordered, as Feldera's incarnation uuids are. */
  readonly incarnationUuid = uuidv7();
  readonly startTime = Date.now();
  private status: RuntimeStatus = 'Initializing';
  private fatal: ErrorBody | null = null;
  /** Without storage: the error of a rejected input, which the pipeline stays paused with. */
  private held: ErrorBody | null = null;
  private details: unknown = null;
  private plane: DataPlane | null = null;
  private connectorSet: ConnectorSet | null = null;
  private suspending = false;
  private activating = false;
  private syncService: SyncService | null = null;
  private checkpoints: Checkpointer | null = null;
  /** While `Replaying`: the status to take once the replay is done. */
  private afterReplay: 'Running' | 'Paused' = 'Running';
  /** Set while `AwaitingApproval`: lets the bootstrap go on (`/approve`). */
  private approval: (() => void) | null = null;
  /** Compactions requested by `/start_compaction`. */
  readonly compaction: Compaction;
  /** CPU profiles requested by `/samply_profile`. */
  readonly samply: SamplyProfiler;

  constructor(
    readonly config: DeploymentConfig,
    private readonly log: PipelineLogger,
    private readonly loadProgram: (programCode: string) => EngineProgram,
    private readonly exit: (code: number) => void,
  ) {
    this.compaction = new Compaction(log);
    this.samply = new SamplyProfiler(config.pipelineDir, config.pipelineName, log);
  }

  get hasDataPlane(): boolean {
    return this.plane !== null;
  }

  /** The data plane, once initialized; interaction before that is refused. */
  get dataPlane(): DataPlane {
    if (!this.plane) {
      throw new ApiError('PipelineInteractionNotDeployed', 'The pipeline is still initializing', {
        runtime_status: this.status,
      });
    }
    return this.plane;
  }

  /** The connectors of the running program; interaction before the data plane exists is refused. */
  get connectors(): ConnectorSet {
    if (this.connectorSet) return this.connectorSet;
    throw new ApiError('PipelineInteractionNotDeployed', 'The pipeline is still initializing', {
      runtime_status: this.status,
    });
  }

  /** The connectors, or null before the data plane is up (for status reports). */
  get connectorsIfUp(): ConnectorSet | null {
    return this.connectorSet;
  }

  /** The sync service, or `SyncNotConfigured` when the configuration names no object store. */
  get sync(): SyncService {
    if (!this.syncService) {
      throw new ApiError(
        'SyncNotConfigured',
        'This pipeline has no object store configured: set runtime_config.storage.backend to {"name": "file", "config": {"sync": {...}}}',
        {},
      );
    }
    return this.syncService;
  }

  /** The sync metrics, when an object store is configured. */
  get syncMetrics(): SyncMetrics | null {
    return this.syncService?.metrics ?? null;
  }

  /** The checkpointer, or `CheckpointNotConfigured` for a pipeline without storage. */
  get checkpointer(): Checkpointer {
    if (!this.checkpoints) {
      throw new ApiError(
        'CheckpointNotConfigured',
        'This pipeline has no storage, so it cannot take checkpoints. Set runtime_config.storage (e.g. {"backend": {"name": "default"}}) while it is stopped.',
        {},
      );
    }
    return this.checkpoints;
  }

  /**
   * Records a fatal error, reports it in `/status` and in `fatal.json` (which the runner turns
   * into the pipeline's `deployment_error`), and exits.
   */
  fail(message: string): void {
    this.failWith({ message, error_code: 'PipelineFatalError', details: {} });
  }

  /**
   * `fail` with `err` after `context`, keeping the error code of an `ApiError` (e.g.
   * `CheckpointFetchError`), so the pipeline's `deployment_error` says what went wrong.
   */
  failOn(context: string, err: unknown): void {
    if (err instanceof ApiError) {
      const body = err.toBody();
      this.failWith({ ...body, message: `${context}: ${body.message}` });
    } else this.fail(`${context}: ${(err as Error).message}`);
  }

  private failWith(error: ErrorBody): void {
    this.log.error(`fatal: ${error.message}`);
    this.fatal = {
      ...error,
      details: { ...(error.details as object), deployment_id: this.config.deploymentId },
    };
    try {
      writeFileSync(join(this.config.pipelineDir, PIPELINE_FILES.fatal), JSON.stringify(this.fatal));
    } catch {
      // The log line above still tells the story.
    }
    this.plane?.setRunning(false);
    this.connectorSet?.stop();
    setTimeout(() => this.exit(1), 200);
  }

  /**
   * A step failed on `rejected`, which were left out; everything else accepted was processed
   * and the data plane has stopped stepping. Keeps that state and reports the inputs.
   */
  private async inputRejected(plane: DataPlane, rejected: RejectedInput[]): Promise<void> {
    const what = `Input rejected: ${rejected.map(describeRejected).join('; ')}. ${
      rejected.length === 1 ? 'It is' : 'They are'
    } not part of the pipeline's state`;
    const details = { deployment_id: this.config.deploymentId, rejected };
    if (!this.checkpoints) {
      this.held = {
        message: `${what}; everything else accepted was processed. The pipeline has no storage, so it stays paused with this error: /resume (or /start) continues without ${rejected.length === 1 ? 'it' : 'them'}.`,
        error_code: 'InputRejected',
        details,
      };
      this.log.error(this.held.message);
      this.setStatus('Paused');
      return;
    }
    plane.refuseInput(
      new ApiError(
        'PipelineInteractionNotDeployed',
        'The pipeline is stopping because an input was rejected (see its deployment_error); it accepts input again after /start',
        { runtime_status: this.status },
      ),
    );
    let kept: string;
    try {
      const manifest = await this.checkpoints.request('input rejected').done;
      kept = `everything else accepted is kept in checkpoint ${manifest.uuid}; /start resumes from it without ${rejected.length === 1 ? 'it' : 'them'}`;
    } catch (err) {
      kept = `the checkpoint of everything else accepted failed (${(err as Error).message}), so /start resumes from the previous checkpoint${
        this.checkpoints.model === 'exactly_once'
          ? ' and replays the journal, skipping the rejected input'
          : ''
      }`;
    }
    // Feldera stops a pipeline whose step failed with `RuntimeError.WorkerPanic` (clients match
    // the code); the message and details still name the rejected input and where the rest is.
    this.failWith({ message: `${what}; ${kept}.`, error_code: 'RuntimeError.WorkerPanic', details });
  }

  get runtimeStatus(): RuntimeStatus {
    return this.status;
  }

  /**
   * Feldera's `PipelineState` for `/stats` (`Paused` or `Running`; it has no `Replaying`):
   * while replaying, the state the pipeline takes once the replay is done.
   */
  get pipelineState(): 'Paused' | 'Running' {
    const status = this.status === 'Replaying' ? this.afterReplay : this.status;
    return status === 'Paused' ? 'Paused' : 'Running';
  }

  /** Brings the pipeline from Initializing to its initial status. */
  async initialize(): Promise<void> {
    this.log.info(
      `pipeline '${this.config.pipelineName}' initializing (incarnation ${this.incarnationUuid})`,
    );
    const storage = this.config.runtimeConfig.storage;
    if (storage !== null && storage !== undefined) {
      const ft = (this.config.runtimeConfig.fault_tolerance ?? {}) as {
        model?: FaultTolerance;
        checkpoint_interval_secs?: number | null;
      };
      const tweaks = (this.config.runtimeConfig.dev_tweaks ?? {}) as { checkpoints_to_keep?: number };
      this.checkpoints = await Checkpointer.open(
        {
          storageDir: this.storageDir,
          programCode: this.config.programCode,
          model: ft.model ?? 'none',
          intervalSecs: ft.checkpoint_interval_secs === undefined ? 60 : ft.checkpoint_interval_secs,
          keep: tweaks.checkpoints_to_keep ?? 5,
          state: stateSettingsOf(this.config.runtimeConfig),
          onBlockingWork: (busy) => this.markBusy(busy ? 'capturing checkpoint state' : null),
          onCorrupt: (message) => this.fail(message),
        },
        this.log,
      );
      const syncConfig = syncConfigOf(this.config.runtimeConfig);
      if (syncConfig) {
        this.syncService = new SyncService(
          syncConfig,
          this.checkpoints.store,
          { pipelineId: this.config.pipelineId, pipelineName: this.config.pipelineName },
          this.log,
        );
      }
    }
    const standbyAsked = this.config.initial === 'Standby' || this.syncService?.settings.standby === true;
    if (standbyAsked && this.syncService) {
      if (existsSync(join(this.storageDir, ACTIVATED_FILE))) {
        this.log.info('this pipeline was previously activated, skipping standby mode');
      } else {
        this.setStatus('Standby');
        this.syncService.startStandby();
        return;
      }
    } else if (this.config.initial === 'Standby') {
      throw new Error('standby needs an object store: set runtime_config.storage.backend.config.sync');
    }
    await this.bringUp(this.config.initial === 'Standby' ? 'Running' : this.config.initial);
  }

  /**
   * Tells the runner, through `busy.json`, that the process is about to hold its event loop
   * (and stop answering) on purpose, so that silence is not taken for a hang.
   */
  private markBusy(reason: string | null): void {
    const path = join(this.config.pipelineDir, PIPELINE_FILES.busy);
    if (reason === null) rmSync(path, { force: true });
    else
      writeFileSync(
        path,
        JSON.stringify({ deployment_id: this.config.deploymentId, reason, since: Date.now() }),
      );
  }

  /** The pipeline's storage directory: checkpoints and batch files. */
  get storageDir(): string {
    return join(this.config.pipelineDir, 'storage');
  }

  /** Restores state (pulling it first if configured), starts the data plane, and takes `status`. */
  private async bringUp(status: 'Running' | 'Paused'): Promise<void> {
    const program = this.loadProgram(this.config.programCode);
    const plane: DataPlane = new DataPlane(program, this.incarnationUuid, this.log, {
      maxQueuedRecords: this.devTweak('max_queued_records', DEFAULT_MAX_QUEUED_RECORDS),
      maxBatchSize: this.devTweak('max_batch_size', DEFAULT_MAX_BATCH_SIZE),
      clockResolutionUsecs: this.clockResolutionUsecs(),
      onRejected: (rejected) => void this.inputRejected(plane, rejected),
      onFatal: (message, errorCode) =>
        errorCode ? this.failWith({ message, error_code: errorCode, details: {} }) : this.fail(message),
    });
    // Before the restore: the checkpoint carries the connectors' positions, and an
    // exactly-once journal's connector batches are made again by them.
    const connectors = await ConnectorSet.create(plane, this.log, dataDirOf(this.config.pipelineDir));
    plane.connectors = connectors;
    if (this.syncService) {
      this.details = { pull: 'resolving the start checkpoint' };
      await this.syncService.prepareStart();
      this.details = null;
    }
    if (this.checkpoints) {
      await this.checkpoints.resume(plane, program.fingerprint, (checkpointed, readStorage) =>
        bootstrapFrom(checkpointed, program, plane, {
          policy: this.config.bootstrapPolicy ?? 'await_approval',
          compile: this.loadProgram,
          readStorage,
          awaitApproval: (diff) => this.awaitApproval(diff),
          onBootstrapping: () => {
            this.details = null;
            this.setStatus('Bootstrapping');
          },
          log: this.log,
        }),
      );
      writeFileSync(join(this.storageDir, ACTIVATED_FILE), new Date().toISOString());
    }
    this.syncService?.startPeriodicPush();
    this.plane = plane;
    this.connectorSet = connectors;
    connectors.start();
    if (plane.replaying) this.replay(plane, status);
    else this.setStatus(status);
  }

  /**
   * Reports `Replaying` while the steps process the journaled inputs the restored checkpoint
   * did not cover (Feldera: "Input records that were stored in the journal but were not yet
   * processed, are being processed first"), then takes `status`, or the status `/pause` or
   * `/resume` asked for meanwhile. Input connectors do not read and HTTP ingress is refused
   * (unless forced) until then, as while paused, so that what was acknowledged before the
   * crash is processed before anything new.
   */
  private replay(plane: DataPlane, status: 'Running' | 'Paused'): void {
    this.afterReplay = status;
    this.setStatus('Replaying');
    void plane.replayDone().then(() => {
      if (this.status !== 'Replaying') return;
      this.log.info('journal replay done');
      this.setStatus(this.afterReplay);
    });
  }

  /** `runtime_config.clock_resolution_usecs` (null: Feldera's default, one second). */
  private clockResolutionUsecs(): number | null {
    const value = this.config.runtimeConfig.clock_resolution_usecs ?? null;
    if (value !== null && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0))
      throw new Error(
        `runtime_config.clock_resolution_usecs must be a non-negative integer, got ${JSON.stringify(value)}`,
      );
    return value;
  }

  /**
   * A positive integer from `runtime_config.dev_tweaks`: `max_queued_records` (records per
   * table accepted but not processed) or `max_batch_size` (records per step); both are
   * Feldera's connector settings, applied here to each table's HTTP ingress.
   */
  private devTweak(name: 'max_queued_records' | 'max_batch_size', fallback: number): number {
    const tweaks = (this.config.runtimeConfig.dev_tweaks ?? {}) as Record<string, unknown>;
    const value = tweaks[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new Error(
        `runtime_config.dev_tweaks.${name} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  private setStatus(status: RuntimeStatus): void {
    if (status !== this.status) this.log.info(`runtime status: ${this.status} -> ${status}`);
    this.status = status;
    // Replayed inputs are processed whatever status follows the replay.
    this.plane?.setRunning(status === 'Running' || status === 'Replaying');
    this.connectorSet?.setPipelineRunning(status === 'Running');
  }

  statusReport(): ProcessStatus {
    return {
      deployment_id: this.config.deploymentId,
      incarnation_uuid: this.incarnationUuid,
      runtime_status: this.status,
      error: this.fatal ?? this.held,
      details:
        this.details ?? (this.syncService?.pullProgress ? { pull: this.syncService.pullProgress } : null),
    };
  }

  /** Reports `AwaitingApproval` with the program diff as the status details until `/approve`. */
  private awaitApproval(diff: PipelineDiff): Promise<void> {
    this.details = diff;
    this.setStatus('AwaitingApproval');
    return new Promise((resolve) => {
      this.approval = resolve;
    });
  }

  /**
   * `/approve`: lets the awaiting bootstrap go on. False when the pipeline is not awaiting
   * approval. Silent or not makes no difference here: Sluice's bootstrap step sends nothing out.
   */
  approve(): boolean {
    const go = this.approval;
    if (this.status !== 'AwaitingApproval' || !go) return false;
    this.approval = null;
    this.log.info('bootstrap approved');
    go();
    return true;
  }

  /** Pauses; while `Replaying`, the pipeline pauses once the replay is done. */
  pause(): void {
    if (this.status === 'Replaying') this.afterReplay = 'Paused';
    if (this.status === 'Running') this.setStatus('Paused');
  }

  /**
   * Runs again; a rejected input's error the pipeline was paused with is cleared. While
   * `Replaying`, the pipeline runs once the replay is done.
   */
  resume(): void {
    if (this.status === 'Replaying') this.afterReplay = 'Running';
    if (this.status !== 'Paused') return;
    if (this.held) this.log.info('resuming without the rejected input(s)');
    this.held = null;
    this.setStatus('Running');
  }

  /** Leaves standby: stops pulling and runs from the newest checkpoint pulled (or the pinned uuid). */
  async activate(): Promise<void> {
    if (this.status !== 'Standby' || this.activating) return;
    this.activating = true;
    this.log.info('activating: running from the newest checkpoint pulled');
    try {
      await this.syncService?.prepareActivation();
      await this.bringUp('Running');
      // Feldera's wording (its standby loop logs this once the activated pipeline runs).
      this.log.info('pipeline activated');
    } catch (err) {
      this.failOn('activation failed', err);
    }
  }

  /**
   * Takes a checkpoint (when storage allows), then reports `Suspended` and exits once the
   * runner has had time to observe it. A failed checkpoint is a fatal error, as the
   * reference specifies for suspend.
   */
  async suspend(): Promise<void> {
    if (this.status === 'Suspended' || this.suspending) return;
    this.suspending = true;
    const checkpointing = this.config.runtimeConfig.checkpoint_during_suspend !== false;
    if (this.checkpoints && checkpointing) {
      this.details = { suspending: 'taking a checkpoint' };
      try {
        await this.checkpoints.request('suspend').done;
      } catch (err) {
        this.fail(`suspend failed: the checkpoint could not be written: ${(err as Error).message}`);
        return;
      }
    }
    this.details = null;
    this.plane?.setRunning(false);
    this.connectorSet?.stop();
    this.setStatus('Suspended');
    this.plane?.closeSubscribers();
    this.log.info('suspended; exiting');
    setTimeout(() => this.exit(0), 1000);
  }
}
