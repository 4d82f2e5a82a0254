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
import { ApiError, type ErrorBody } from '../types/errors.js';
import type { RuntimeStatus } from '../types/pipeline.js';
import type { ProcessStatus } from '../types/runtime.js';
import type { DataPlane } from './data-plane.js';
import type { EngineProgram } from './engine-api.js';
import type { PipelineLogger } from './log.js';

export interface DeploymentConfig {
  pipelineId: string;
  pipelineName: string;
  deploymentId: string;
  programCode: string;
  runtimeConfig: Record<string, unknown>;
  initial: 'Running' | 'Paused' | 'Standby';
  pipelineDir: string;
}

/** Owns the runtime status of the pipeline process. */
export class Controller {
  readonly incarnationUuid = randomUUID();
  readonly startTime = Date.now();
  private status: RuntimeStatus = 'Initializing';
  private fatal: ErrorBody | null = null;
  private details: unknown = null;
  private plane: DataPlane | null = null;

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

  /** Records a fatal error, reports it in `/status`, and exits so the runner shows it. */
  fail(message: string): void {
    this.log.error(`fatal: ${message}`);
    this.fatal = { message, error_code: 'PipelineProcessExited', details: { reason: message } };
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
    this.setStatus(this.config.initial);
  }

  private setStatus(status: RuntimeStatus): void {
    if (status !== this.status) this.log.info(`runtime status: ${this.status} -> ${status}`);
    this.status = status;
  }

  statusReport(): ProcessStatus {
    return {
      deployment_id: this.config.deploymentId,
      incarnation_uuid: this.incarnationUuid,
      runtime_status: this.status,
      error: this.fatal,
      details: this.details,
    };
  }

  pause(): void {
    if (this.status === 'Running') this.setStatus('Paused');
  }

  resume(): void {
    if (this.status === 'Paused') this.setStatus('Running');
  }

  activate(): void {
    if (this.status === 'Standby') this.setStatus('Running');
  }

  /** Stops taking input, reports `Suspended`, and exits once the status has been observed. */
  async suspend(): Promise<void> {
    if (this.status === 'Suspended') return;
    this.setStatus('Suspended');
    this.plane?.closeSubscribers();
    this.log.info('suspended; exiting');
    setTimeout(() => this.exit(0), 1000);
  }
}
