/**
 * An output connector of a running pipeline: it is sent every step's change to its view,
 * counts what it transmitted and reports Feldera's `OutputEndpointStatus`.
 *
 * `send` runs inside the step (data-plane.ts), synchronously, before the step's inputs are
 * reported done: a completion token or `pipeline_complete` that says an input was processed
 * therefore also says every output connector has written what that input changed, which is
 * what Feldera's completion tokens promise for outputs (unless the connector buffers).
 *
 * Output buffer (`enable_output_buffer`, Feldera's `OutputBufferConfig`): `send` then adds the
 * step's change to a consolidating buffer (output-buffer.ts) instead of transmitting it. The
 * buffer is transmitted, as one batch, when it holds more than `max_output_buffer_size_records`
 * rows (at once, inside the step), when its oldest change has waited
 * `max_output_buffer_time_millis` (a timer, between steps), at a checkpoint, and when the
 * pipeline goes down (`close`, and a forced stop). A limit above what Node's timers take
 * (2^31 - 1 ms, about 24.8 days, e.g. Feldera's default "forever") sets no timer.
 *
 * Checkpoints flush the buffer (`flush`, called by connector-set.ts at the capture, which is
 * synchronous at a step boundary) before the connector's state is exported. So a checkpoint
 * never waits for the buffer's timer (Feldera issue #6100: a checkpoint that waited for a
 * 10-minute buffer stalled the pipeline for 10 minutes), and what the transport holds at the
 * checkpoint is exactly the output of the steps the checkpoint covers: a `file_output` records
 * its file's length after the flush, a resume cuts the file there, and the steps after the
 * checkpoint are replayed from the journal into a fresh buffer (exactly-once) or lost with
 * their input (no fault tolerance), so no buffered change is lost or written twice. Keeping the
 * buffer's rows in the checkpoint instead would save a flush but make every checkpoint carry
 * (and every resume rebuild) up to `max_output_buffer_size_records` rows outside the circuit's
 * state. The cost: with checkpoints more frequent than `max_output_buffer_time_millis`, the
 * transport gets batches at the checkpoint interval.
 */
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import type { ConnectorErrorReport } from './endpoint.js';
import { OutputBuffer } from './output-buffer.js';

/** Where output connectors get the pipeline's progress for their status. */
export interface OutputProgress {
  readonly totalProcessedRecords: number;
  readonly completedSteps: number;
}

/** How many recent transport errors an endpoint reports. */
const RECENT_ERRORS = 20;

/** The longest delay Node's `setTimeout` takes; a longer one fires at once. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1;

export abstract class OutputEndpoint {
  transmittedRecords = 0;
  transmittedBytes = 0;
  transportErrors = 0;
  readonly recentTransportErrors: ConnectorErrorReport[] = [];
  private readonly buffer: OutputBuffer | null;
  /** Flushes the buffer once its oldest change has waited long enough; null: none pending. */
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly spec: ConnectorSpec,
    private readonly progress: OutputProgress,
  ) {
    this.buffer = spec.outputBuffer ? new OutputBuffer() : null;
  }

  get endpoint(): string {
    return this.spec.endpoint;
  }

  /** One step's non-empty change to the view: transmitted, or buffered (see the header). */
  send(delta: readonly WeightedRow[]): void {
    const settings = this.spec.outputBuffer;
    if (!this.buffer || !settings) {
      this.transmit(delta);
      return;
    }
    this.buffer.add(delta);
    if (this.buffer.records > settings.maxSizeRecords) this.flush();
    else if (
      this.timer === null &&
      settings.maxTimeMillis !== null &&
      settings.maxTimeMillis <= MAX_TIMER_MILLIS
    ) {
      this.timer = setTimeout(() => this.flush(), settings.maxTimeMillis);
      this.timer.unref();
    }
  }

  /** Transmits the buffered changes, if any, as one batch (a no-op without a buffer). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer || this.buffer.batches === 0) return;
    const rows = this.buffer.take();
    if (rows.length > 0) this.transmit(rows);
  }

  /** Writes a batch of changes to the transport. */
  protected abstract transmit(delta: readonly WeightedRow[]): void;

  /** Opens what the connector writes to; called once, after a checkpoint restore. Throws `ApiError`. */
  open(): void {}

  /** Flushes the buffer and releases what `open` took (the pipeline is going down). */
  close(): void {
    this.flush();
  }

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
        buffered_records: this.buffer?.records ?? 0,
        buffered_batches: this.buffer?.batches ?? 0,
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
