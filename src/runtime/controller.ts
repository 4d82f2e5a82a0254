/**
 * The controller of a pipeline process: its runtime status and the work behind each change.
 *
 *   Initializing ──▶ Running ⇄ Paused
 *        │              ▲
 *        └─▶ Standby ───┘ (activate)
 *   any ──suspend──▶ Suspended ──▶ process exits 0
 *
 * The manager's runner drives these transitions through the control endpoints; the
 * controller reports where it is in `GET /status`, with a `details` object while a long
 * operation runs.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type ErrorBody } from '../types/errors.js';
import type { RuntimeStatus } from '../types/pipeline.js';
import { type DeploymentSpec, PIPELINE_FILES, type ProcessStatus } from '../types/runtime.js';
import { Checkpointer, type FaultTolerance } from './checkpointer.js';
import { DataPlane } from './data-plane.js';
import type { EngineProgram } from './engine-api.js';
import type { PipelineLogger } from './log.js';
import { stateSettingsOf } from './memory.js';
import { SyncService, syncConfigOf } from './sync.js';

/** Marks a storage directory whose pipeline has run (not only pulled checkpoints in standby). */
const ACTIVATED_FILE = 'activated';

export type DeploymentConfig = DeploymentSpec;

/** Owns the runtime status of the pipeline process. */
export class Controller {
  readonly incarnationUuid = randomUUID();
  readonly startTime = Date.now();
  private status: RuntimeStatus = 'Initializing';
  private fatal: ErrorBody | null = null;
  private details: unknown = null;
  private plane: DataPlane | null = null;
  private suspending = false;
  private activating = false;
  private syncService: SyncService | null = null;
  private checkpoints: Checkpointer | null = null;

  constructor(
    readonly config: DeploymentConfig,
    private readonly log: PipelineLogger,
    private readonly loadProgram: (programCode: string) => EngineProgram,
    private readonly exit: (code: number) => void,
  ) {}

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
    this.log.error(`fatal: ${message}`);
    this.fatal = {
      message,
      error_code: 'PipelineFatalError',
      details: { deployment_id: this.config.deploymentId },
    };
    try {
      writeFileSync(join(this.config.pipelineDir, PIPELINE_FILES.fatal), JSON.stringify(this.fatal));
    } catch {
      // The log line above still tells the story.
    }
    this.plane?.setRunning(false);
    setTimeout(() => this.exit(1), 200);
  }

  get runtimeStatus(): RuntimeStatus {
    return this.status;
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
        this.log.info('this pipeline was active before and still has its storage: resuming without standby');
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

  private get storageDir(): string {
    return join(this.config.pipelineDir, 'storage');
  }

  /** Restores state (pulling it first if configured), starts the data plane, and takes `status`. */
  private async bringUp(status: 'Running' | 'Paused'): Promise<void> {
    const program = this.loadProgram(this.config.programCode);
    const plane = new DataPlane(program, this.incarnationUuid, this.log, (message) => this.fail(message));
    if (this.syncService) {
      this.details = { pull: 'resolving the start checkpoint' };
      await this.syncService.prepareStart();
      this.details = null;
    }
    if (this.checkpoints) {
      await this.checkpoints.resume(plane, program.fingerprint);
      writeFileSync(join(this.storageDir, ACTIVATED_FILE), new Date().toISOString());
    }
    this.syncService?.startPeriodicPush();
    this.plane = plane;
    this.setStatus(status);
  }

  private setStatus(status: RuntimeStatus): void {
    if (status !== this.status) this.log.info(`runtime status: ${this.status} -> ${status}`);
    this.status = status;
    this.plane?.setRunning(status === 'Running');
  }

  statusReport(): ProcessStatus {
    return {
      deployment_id: this.config.deploymentId,
      incarnation_uuid: this.incarnationUuid,
      runtime_status: this.status,
      error: this.fatal,
      details:
        this.details ?? (this.syncService?.pullProgress ? { pull: this.syncService.pullProgress } : null),
    };
  }

  pause(): void {
    if (this.status === 'Running') this.setStatus('Paused');
  }

  resume(): void {
    if (this.status === 'Paused') this.setStatus('Running');
  }

  /** Leaves standby: stops pulling and runs from the newest checkpoint pulled. */
  async activate(): Promise<void> {
    if (this.status !== 'Standby' || this.activating) return;
    this.activating = true;
    this.log.info('activating: running from the newest checkpoint pulled');
    try {
      await this.syncService?.stopStandby();
      await this.bringUp('Running');
    } catch (err) {
      this.fail(`activation failed: ${(err as Error).message}`);
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
    this.setStatus('Suspended');
    this.plane?.closeSubscribers();
    this.log.info('suspended; exiting');
    setTimeout(() => this.exit(0), 1000);
  }
}
