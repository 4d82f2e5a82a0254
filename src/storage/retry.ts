/**
 * Retries of object-store requests: exponential backoff with full jitter.
 *
 * Retried: throttling (SlowDown, 503, 429), other 5xx, digest mismatches (bytes damaged on the
 * way) and dropped or refused connections, including ECONNREFUSED, so a store that restarts
 * within the time budget does not fail a sync. Not retried: everything the store rejected on
 * purpose (4xx such as NoSuchBucket or InvalidAccessKeyId) and unknown hosts. The S3 client
 * (s3-client.ts) never retries, so that this is the only policy.
 *
 * Each delay is uniform in [0, min(maxDelay, base * 2^attempt)] ("full jitter"), which spreads
 * the retries of many parallel transfers instead of having them hit the store in lockstep.
 */
import { BadDigestError, httpStatusOf, NETWORK_ERRORS, storeErrorName } from './errors.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 200,
  maxDelayMs: 8_000,
  maxElapsedMs: 60_000,
};

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'BadDigest',
  'XAmzContentSHA256Mismatch',
]);

function isRetryable(err: unknown): boolean {
  if (err instanceof BadDigestError) return true;
  const name = storeErrorName(err);
  if (name === 'ENOTFOUND') return false;
  if (NETWORK_ERRORS.has(name) || RETRYABLE_NAMES.has(name)) return true;
  const status = httpStatusOf(err);
  return status !== null && (status >= 500 || status === 429);
}

/** Runs `attempt` until it succeeds, fails for good, or the policy's budget is spent. */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      const delay = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tries - 1));
      const outOfBudget = tries >= policy.maxAttempts || Date.now() - started + delay > policy.maxElapsedMs;
      if (outOfBudget || !isRetryable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
