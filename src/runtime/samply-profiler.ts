/**
 * Sampling CPU profiles of the pipeline process, for `POST`/`GET /samply_profile`
 * (samply-routes.ts).
 *
 * Feldera 0.312 attaches the native `samply` profiler to its pipeline process for
 * `duration_secs` seconds and keeps the gzipped result. Sluice's pipeline process runs its
 * circuit as JavaScript, which a native profiler sees only as JIT code, so the honest
 * equivalent is V8's own sampling profiler, through `node:inspector` in this process: V8 takes
 * the samples on a thread of its own, interrupting the main thread only to record its stack,
 * so steps, ingress and egress go on while it runs. When the duration is over the profile is
 * converted to the format samply writes (firefox-profile.ts), gzipped on libuv's thread pool
 * and written to `samply_profile.json.gz` in the pipeline's directory (a temporary file
 * renamed over it, so a reader never sees half a file). That file is the last profile: it
 * outlives the collection and a restart of the process, and the next successful collection
 * replaces it.
 *
 * As in Feldera: one collection at a time (a second `start` fails with
 * `SamplyProfilingInProgress`); a collection that fails leaves its error as the last result
 * (`SamplyProfilingFailure`) in place of the previous profile until the next collection
 * succeeds. The error is kept in memory only: a restarted process serves the last profile
 * that was written.
 *
 * The sampling interval is 1 ms (samply's default rate is 1000 Hz), lengthened for long
 * collections so that one holds at most `MAX_SAMPLES` samples: V8 keeps every sample in
 * memory until the profile is stopped.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ApiError } from '../types/errors.js';
import { toFirefoxProfile, type V8CallFrame, type V8CpuProfile } from './firefox-profile.js';
import type { PipelineLogger } from './log.js';

/** The last profile, in the pipeline's directory. */
export const SAMPLY_PROFILE_FILE = 'samply_profile.json.gz';

/** Samples one collection holds at most (see the module header). */
const MAX_SAMPLES = 1_000_000;

/** The shortest sampling interval, microseconds. */
const MIN_INTERVAL_US = 1000;

const gzipAsync = promisify(gzip);

/** The sampling interval for a collection of `durationSecs`, microseconds. */
export function samplingIntervalUs(durationSecs: number): number {
  return Math.max(MIN_INTERVAL_US, Math.ceil((durationSecs * 1e6) / MAX_SAMPLES));
}

/**
 * Where a function of a `file:` script is in its source, by the source map Node loaded for it
 * (tsx registers them; a build run with `--enable-source-maps` too); null without one.
 */
function sourcePosition(
  frame: V8CallFrame,
): { url: string; lineNumber: number; columnNumber: number } | null {
  if (!frame.url.startsWith('file:') || frame.lineNumber < 0) return null;
  const entry = findSourceMap(fileURLToPath(frame.url))?.findEntry(
    frame.lineNumber,
    Math.max(0, frame.columnNumber),
  );
  if (!entry || !('originalSource' in entry)) return null;
  return { url: entry.originalSource, lineNumber: entry.originalLine, columnNumber: entry.originalColumn };
}

export class SamplyProfiler {
  /** While a collection runs: when it is expected to end (ms since the epoch). */
  private runningUntil: number | null = null;
  /** Why the last collection failed, until the next one succeeds. */
  private failure: string | null = null;

  /**
   * @param dir the pipeline's directory, where the last profile is kept
   * @param pipelineName shown in the profile's title
   */
  constructor(
    private readonly dir: string,
    private readonly pipelineName: string,
    private readonly log: PipelineLogger,
  ) {}

  /** Path of the last profile. */
  get file(): string {
    return join(this.dir, SAMPLY_PROFILE_FILE);
  }

  /** Seconds until the running collection ends (0 when it is due), or null when none runs. */
  retryAfterSecs(): number | null {
    if (this.runningUntil === null) return null;
    return Math.max(0, Math.ceil((this.runningUntil - Date.now()) / 1000));
  }

  /** Why the last collection failed, or null when it did not. */
  get lastFailure(): string | null {
    return this.failure;
  }

  /**
   * Starts a collection of `durationSecs` seconds and resolves once V8 samples; the profile is
   * written when the duration is over. Throws `SamplyProfilingInProgress` (409) while one
   * runs and `SamplyProfilingFailure` (500) when the profiler cannot start.
   */
  async start(durationSecs: number): Promise<void> {
    const retryAfter = this.retryAfterSecs();
    if (retryAfter !== null) {
      throw new ApiError('SamplyProfilingInProgress', 'samply profile collection is already in progress', {
        retry_after_secs: retryAfter,
      });
    }
    this.runningUntil = Date.now() + durationSecs * 1000;
    const intervalUs = samplingIntervalUs(durationSecs);
    const session = new Session();
    let startTimeMs: number;
    try {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      startTimeMs = Date.now();
      await session.post('Profiler.start');
    } catch (err) {
      session.disconnect();
      this.runningUntil = null;
      this.fail(`the profiler did not start: ${(err as Error).message}`);
      throw new ApiError('SamplyProfilingFailure', 'failed to profile the pipeline', {
        error: this.failure,
      });
    }
    this.log.info(
      `samply profile: sampling the pipeline process for ${durationSecs} s every ${intervalUs / 1000} ms`,
    );
    setTimeout(() => {
      void this.finish(session, startTimeMs, intervalUs).finally(() => {
        this.runningUntil = null;
      });
    }, durationSecs * 1000).unref();
  }

  private async finish(session: Session, startTimeMs: number, intervalUs: number): Promise<void> {
    try {
      const { profile } = (await session.post('Profiler.stop')) as { profile: V8CpuProfile };
      const converted = toFirefoxProfile(profile, {
        product: `Sluice pipeline ${this.pipelineName}`,
        processName: `sluice pipeline ${this.pipelineName}`,
        pid: process.pid,
        startTimeMs,
        intervalMs: intervalUs / 1000,
        sourcePosition,
      });
      const bytes = await gzipAsync(Buffer.from(JSON.stringify(converted)));
      const tmp = join(this.dir, `${SAMPLY_PROFILE_FILE}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, this.file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      this.failure = null;
      const samples = converted.threads[0]?.samples.length ?? 0;
      this.log.info(`samply profile: ${samples} samples, ${bytes.length} bytes gzipped`);
    } catch (err) {
      this.fail((err as Error).message);
    } finally {
      session.disconnect();
    }
  }

  private fail(message: string): void {
    this.failure = message;
    this.log.warn(`samply profile failed: ${message}`);
  }
}
