/**
 * The connectors that move no data: `empty_input` (Feldera's: an input that ends at once, so
 * a table can take part in start-up ordering and completion without a source) and
 * `null_output` (discards what its view sends, counting it).
 */
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import { InputEndpoint } from './endpoint.js';

export class EmptyInputEndpoint extends InputEndpoint {
  async run(): Promise<void> {
    if (await this.untilActive()) this.markEnded('empty input');
  }

  protected onBatchDone(): void {}

  exportState(): { paused: boolean; ended: boolean } {
    return { paused: this.userPaused, ended: this.ended };
  }

  importState(state: unknown): void {
    const s = state as { paused: boolean; ended: boolean };
    this.userPaused = s.paused;
    if (s.ended) this.markEnded('ended before the checkpoint');
  }
}

/** Where output connectors get the pipeline's progress for their status. */
export interface OutputProgress {
  readonly totalProcessedRecords: number;
  readonly completedSteps: number;
}

export class NullOutputEndpoint {
  transmittedRecords = 0;

  constructor(
    readonly spec: ConnectorSpec,
    private readonly progress: OutputProgress,
  ) {}

  get endpoint(): string {
    return this.spec.endpoint;
  }

  send(delta: readonly WeightedRow[]): void {
    for (const { weight } of delta) this.transmittedRecords += Math.abs(weight);
  }

  /** Feldera's `OutputEndpointStatus`. */
  status(): Record<string, unknown> {
    return {
      endpoint_name: this.endpoint,
      config: { stream: this.spec.config.stream },
      metrics: {
        transmitted_records: this.transmittedRecords,
        transmitted_bytes: 0,
        queued_records: 0,
        queued_batches: 0,
        buffered_records: 0,
        buffered_batches: 0,
        num_encode_errors: 0,
        num_transport_errors: 0,
        total_processed_input_records: this.progress.totalProcessedRecords,
        total_processed_steps: this.progress.completedSteps,
        memory: 0,
      },
      fatal_error: null,
      encode_errors: [],
      transport_errors: [],
      health: { status: 'Healthy', description: null },
    };
  }
}
