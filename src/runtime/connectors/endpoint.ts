/**
 * An input connector of a running pipeline: its state (running or paused by the user, ended,
 * failed), its counters, and the gate that decides when it may read.
 *
 * As in Feldera (the `/tables/{t}/connectors/{c}/{action}` endpoint), a connector is active
 * only while the pipeline runs and the user has not paused it; one with `start_after` also
 * waits until every connector carrying one of those labels has finished: reached its end of
 * input and had everything it read processed. A subclass's `run` loop waits on `untilActive`
 * between batches, so a pause takes effect at the next batch (the one being read is still
 * queued, as Feldera's "the worker may send another buffer downstream").
 */
import type { ConnectorSpec } from '../../connectors/spec.js';
import type { WeightedRow } from '../../engine/values/value.js';
import type { PipelineLogger } from '../log.js';

/** What an endpoint needs from the pipeline (the data plane's connector entry points). */
export interface EndpointHost {
  admitConnector(endpoint: string, records: number, bound: number): Promise<void>;
  acceptConnector(
    endpoint: string,
    table: string,
    rows: WeightedRow[],
    bytes: number,
    position: unknown,
    journal: string,
  ): number;
  /** Records of `endpoint` admitted and not yet processed. */
  queuedRecords(endpoint: string): number;
  /** Something about this endpoint changed that others may wait for (it ended, a batch was done). */
  changed(): void;
  readonly log: PipelineLogger;
}

/** Feldera's `ConnectorError`. */
export interface ConnectorErrorReport {
  timestamp: string;
  index: number;
  tag: string | null;
  message: string;
}

/** How many recent parse errors an endpoint reports. */
const RECENT_ERRORS = 20;

export abstract class InputEndpoint {
  /** Paused through the API (or created with `"paused": true`). */
  userPaused: boolean;
  pipelineRunning = false;
  /** Every connector this one starts after has finished. */
  startAfterMet: boolean;
  /** End of input: the connector will produce nothing more. */
  ended = false;
  fatalError: string | null = null;
  totalRecords = 0;
  totalBytes = 0;
  parseErrors = 0;
  readonly recentParseErrors: ConnectorErrorReport[] = [];
  /** Batches accepted and not yet processed (or rejected). */
  inFlight = 0;
  protected stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly spec: ConnectorSpec,
    protected readonly host: EndpointHost,
  ) {
    this.userPaused = spec.paused;
    this.startAfterMet = spec.startAfter.length === 0;
  }

  get endpoint(): string {
    return this.spec.endpoint;
  }

  get active(): boolean {
    return !this.stopped && !this.ended && !this.userPaused && this.pipelineRunning && this.startAfterMet;
  }

  /** Ended, and everything it produced has been processed. */
  get finished(): boolean {
    return this.ended && this.inFlight === 0;
  }

  /** Wakes the read loop to look at its gate again. */
  notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves true once the connector may read, false once it is stopped or has ended. */
  protected async untilActive(): Promise<boolean> {
    while (!this.active) {
      if (this.stopped || this.ended) return false;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return true;
  }

  /** Waits `ms`, or less if the connector's gate changes meanwhile. */
  protected async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.wake = null;
  }

  /** Stops reading for good (the pipeline is going down). */
  stop(): void {
    this.stopped = true;
    this.notify();
  }

  setPaused(paused: boolean): void {
    if (paused !== this.userPaused)
      this.host.log.info(`input connector '${this.endpoint}' ${paused ? 'paused' : 'started'}`);
    this.userPaused = paused;
    this.notify();
  }

  protected markEnded(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.host.log.info(`input connector '${this.endpoint}' reached the end of its input (${reason})`);
    this.host.changed();
  }

  protected fail(message: string): void {
    this.fatalError = message;
    this.host.log.error(`input connector '${this.endpoint}' failed: ${message}`);
    this.markEnded('after a fatal error');
  }

  /** The read loop died on an unexpected error: the connector reports it and ends. */
  crashed(message: string): void {
    this.fail(message);
  }

  protected recordParseError(message: string): void {
    this.parseErrors++;
    this.recentParseErrors.push({
      timestamp: new Date().toISOString(),
      index: this.parseErrors - 1,
      tag: null,
      message,
    });
    if (this.recentParseErrors.length > RECENT_ERRORS) this.recentParseErrors.shift();
  }

  /** A batch this connector produced, ending at `position`, was processed or rejected. */
  batchDone(position: unknown): void {
    this.inFlight--;
    this.onBatchDone(position);
    this.host.changed();
  }

  /** Feldera's `InputEndpointStatus`. */
  status(): Record<string, unknown> {
    return {
      endpoint_name: this.endpoint,
      config: { stream: this.spec.config.stream },
      metrics: {
        total_bytes: this.totalBytes,
        total_records: this.totalRecords,
        buffered_records: this.host.queuedRecords(this.endpoint),
        buffered_bytes: 0,
        num_transport_errors: this.fatalError === null ? 0 : 1,
        num_parse_errors: this.parseErrors,
        end_of_input: this.ended,
      },
      paused: this.userPaused,
      barrier: false,
      fatal_error: this.fatalError,
      parse_errors: this.recentParseErrors,
      transport_errors: [],
      health:
        this.fatalError === null
          ? { status: 'Healthy', description: null }
          : { status: 'Unhealthy', description: this.fatalError },
      completed_frontier: null,
    };
  }

  /** Starts the read loop (it returns once the input ended or the connector stopped). */
  abstract run(): Promise<void>;
  protected abstract onBatchDone(position: unknown): void;
  /** State for a checkpoint, consistent with the processed input. */
  abstract exportState(): unknown;
  abstract importState(state: unknown): void;
}
