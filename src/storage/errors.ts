/**
 * Object-store failures as Sluice errors, without leaking secrets.
 *
 * An S3 error document can carry secrets: s3rver's InvalidAccessKeyId holds the
 * `AWSAccessKeyId`, a real SignatureDoesNotMatch the string to sign, and the AWS SDK (whose
 * credential chain s3-client.ts still uses) copies every field onto its exceptions. So no such
 * error leaves this library as is (not as a cause, not in details): the `ApiError` is built from
 * the store's error name, message and HTTP status only, and every configured key and secret is
 * replaced by `***` in the text.
 *
 * Codes: rejected credentials -> SyncInvalidCredentials, NoSuchBucket -> SyncBucketNotFound,
 * network failures -> SyncEndpointUnreachable, digest mismatches -> SyncChecksumMismatch, the
 * rest -> SyncFailed; the message always names the store's own error (e.g. `NoSuchBucket`).
 */
import { ApiError, type ErrorCode } from '../types/errors.js';

/** What was being done when the store failed; `secrets` are scrubbed from every message. */
export interface StoreErrorContext {
  operation: string;
  endpoint: string;
  bucket: string;
  key?: string;
  secrets: readonly string[];
}

/** An upload whose stored digest differs from the bytes sent; named like S3's own error. */
export class BadDigestError extends Error {
  override readonly name = 'BadDigest';
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'AccessDenied',
]);

/** Failures to reach the endpoint at all, or to keep a connection to it. */
export const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
]);

const DIGEST_ERRORS = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch']);

/**
 * The store's name for a failure: the S3 error code (`NoSuchBucket`), or the system error code
 * for network failures (`ECONNREFUSED`, also when Node wraps it in an AggregateError).
 */
export function storeErrorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'UnknownError';
  const e = err as { code?: unknown; name?: unknown; errors?: unknown[]; Code?: unknown };
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return storeErrorName(e.errors[0]);
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  return typeof e.code === 'string' ? e.code : 'UnknownError';
}

export function httpStatusOf(err: unknown): number | null {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : null;
}

/** Replaces every secret in `text` with `***`. */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

/** Maps a failed store request to an `ApiError`; `ApiError`s pass through unchanged. */
export function classifyStoreError(err: unknown, ctx: StoreErrorContext): ApiError {
  if (err instanceof ApiError) return err;
  const name = storeErrorName(err);
  const status = httpStatusOf(err);
  const storeMessage = (err as { message?: unknown } | null)?.message;
  const detail = `${name}${typeof storeMessage === 'string' && storeMessage ? `: ${storeMessage}` : ''}`;
  const target = `s3://${ctx.bucket}/${ctx.key ?? ''}`;
  let code: ErrorCode;
  let message: string;
  if (name === 'CredentialsProviderError') {
    code = 'SyncInvalidCredentials';
    message = `No credentials for ${ctx.endpoint}: access_key and secret_key are not set and the AWS credential chain found none (${detail})`;
  } else if (CREDENTIAL_ERRORS.has(name)) {
    code = 'SyncInvalidCredentials';
    message = `The object store at ${ctx.endpoint} rejected the credentials for ${ctx.operation} ${target} (${detail})`;
  } else if (name === 'NoSuchBucket') {
    code = 'SyncBucketNotFound';
    message = `Bucket '${ctx.bucket}' does not exist at ${ctx.endpoint} (${detail})`;
  } else if (NETWORK_ERRORS.has(name)) {
    code = 'SyncEndpointUnreachable';
    message = `The object store endpoint ${ctx.endpoint} is unreachable: ${ctx.operation} ${target} failed (${detail})`;
  } else if (DIGEST_ERRORS.has(name)) {
    code = 'SyncChecksumMismatch';
    message = `The object store did not store the bytes sent for ${target} (${detail})`;
  } else {
    code = 'SyncFailed';
    message = `${ctx.operation} ${target} failed${status ? ` with HTTP ${status}` : ''} (${detail})`;
  }
  return new ApiError(code, redact(message, ctx.secrets), {
    operation: ctx.operation,
    bucket: ctx.bucket,
    key: ctx.key ?? null,
    store_error: redact(name, ctx.secrets),
    http_status: status,
  });
}
