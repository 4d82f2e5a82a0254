/**
 * The pipeline's real-time clock: the time each step gives `NOW()`, and the timer that makes a
 * program which calls `NOW()` step when no input arrives. Feldera's clock connector
 * (adapters/src/transport/clock.rs) is the model:
 * - the resolution is `runtime_config.clock_resolution_usecs` (default 1 s) rounded to whole
 *   milliseconds, at least 1 ms;
 * - a step's time is the wall-clock time in milliseconds since the epoch rounded down to the
 *   resolution, read once per step, so views that depend on `NOW()` change at most once per
 *   resolution however often input arrives;
 * - after a step at time `t`, the next tick is due at `t + resolution`; a step taken for input
 *   meanwhile moves the clock too and pushes the tick back;
 * - when the pipeline starts (or resumes from a checkpoint, or unpauses) a step is due at
 *   once, and no tick fires while it is paused.
 * The time comes from `read` (the system clock), which is the one place it enters the runtime.
 */

/** Feldera's default `clock_resolution_usecs`. */
export const DEFAULT_CLOCK_RESOLUTION_USECS = 1_000_000;

/** The resolution in milliseconds: `usecs` rounded to the nearest millisecond, at least 1 (Feldera's). */
export function clockResolutionMs(usecs: number | null | undefined): number {
  return Math.max(Math.floor(((usecs ?? DEFAULT_CLOCK_RESOLUTION_USECS) + 500) / 1000), 1);
}

export class PipelineClock {
  readonly resolutionMs: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    resolutionUsecs: number | null | undefined,
    /** Called when a tick is due: the owner should take a step. */
    private readonly onTick: () => void,
    private readonly read: () => number = Date.now,
  ) {
    this.resolutionMs = clockResolutionMs(resolutionUsecs);
  }

  /** The time for a step now: milliseconds since the epoch, rounded down to the resolution. */
  now(): number {
    const ms = this.read();
    return ms - (ms % this.resolutionMs);
  }

  /** Schedules the next tick one resolution after the step taken at `tick` (from `now()`). */
  arm(tick: number): void {
    this.stop();
    const delay = Math.max(0, tick + this.resolutionMs - this.read());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onTick();
    }, delay);
    // A pending tick never keeps the process alive on its own.
    this.timer.unref();
  }

  /** Cancels the pending tick (the pipeline paused or is going down). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
