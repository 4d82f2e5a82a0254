/**
 * An output connector of a running pipeline: it is sent every step's change to its view,
 * counts what it transmitted and reports Feldera's `OutputEndpointStatus`.
 *
 * `send` runs inside the step (data-plane.ts), synchronously, before the step's inputs are
 * reported done: a completion token or `pipeline_complete` that says an input was processed
 * therefore also says every output connector has written what that input changed, which is
 * what Feldera's completion tokens promise for outputs.
 */
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import type { ConnectorErrorReport } from './endpoint.js';

/** Where output connectors get the pipeline's progress for their status. */
export interface OutputProgress {
  readonly totalProcessedRecords: number;
  readonly completedSteps: number;
}

/** How many recent transport errors an endpoint reports. */
const RECENT_ERRORS = 20;

export abstract class OutputEndpoint {
  transmittedRecords = 0;
  transmittedBytes = 0;
  transportErrors = 0;
  readonly recentTransportErrors: ConnectorErrorReport[] = [];

  constructor(
    readonly spec: ConnectorSpec,
    private readonly progress: OutputProgress,
  ) {}

  get endpoint(): string {
    return this.spec.endpoint;
  }

  /** One step's non-empty change to the view. */
  abstract send(delta: readonly WeightedRow[]): void;

  /** Opens what the connector writes to; called once, after a checkpoint restore. Throws `ApiError`. */
  open(): void {}

  /** Releases what `open` took (the pipeline is going down). */
  close(): void {}

  /** State for a checkpoint, consistent with the steps completed so far; undefined: none. */
  exportState(): unknown {
    return undefined;
  }

  /** Restores what `exportState` saved, before `open`. */
  importState(_state: unknown): void {}

  protected recordTransportError(message: string): void {
    this.transportErrors++;
    this.recentTransportErrors.push({
      timestamp: new Date().toISOString(),
      index: this.transportErrors - 1,
      tag: null,
      message,
    });
    if (this.recentTransportErrors.length > RECENT_ERRORS) this.recentTransportErrors.shift();
  }

  /** Feldera's `OutputEndpointStatus`. */
  status(): Record<string, unknown> {
    const last = this.recentTransportErrors.at(-1);
    return {
      endpoint_name: this.endpoint,
      config: { stream: this.spec.config.stream },
      metrics: {
        transmitted_records: this.transmittedRecords,
        transmitted_bytes: this.transmittedBytes,
        queued_records: 0,
        queued_batches: 0,
        buffered_records: 0,
        buffered_batches: 0,
        num_encode_errors: 0,
        num_transport_errors: this.transportErrors,
        total_processed_input_records: this.progress.totalProcessedRecords,
        total_processed_steps: this.progress.completedSteps,
        memory: 0,
      },
      fatal_error: null,
      encode_errors: [],
      transport_errors: this.recentTransportErrors,
      health: last
        ? { status: 'Unhealthy', description: last.message }
        : { status: 'Healthy', description: null },
    };
  }
}
