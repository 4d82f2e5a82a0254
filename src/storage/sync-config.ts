/**
 * Feldera's `SyncConfig` (the `sync` object of a file storage backend): validation, and its
 * resolution into the settings the transfer engine uses.
 *
 * Feldera hands these fields to rclone; Sluice talks to S3 itself and maps rclone's knobs onto
 * its own transfer engine:
 *   transfers             files uploaded or downloaded in parallel (default 20)
 *   upload_concurrency    parts in flight per multipart upload (default 10)
 *   multi_thread_cutoff   files larger than this go up as multipart uploads (always when above
 *                         512 MiB) and come down as parallel ranged GETs, if they span more than
 *                         one part (upload.ts: 8 MiB or more) (default 100M; rclone's
 *                         units: k, M, G, T, P, powers of 1024, optional `i`/`B`; a bare number
 *                         means KiB, as in rclone)
 *   multi_thread_streams  ranged GETs in flight per large download (default 10)
 *   checkers              parallel metadata requests: manifest reads for listing and retention
 *   ignore_checksum       pull verifies sizes only, not SHA-256 (uploads are always verified)
 *   flags                 accepted and ignored: there is no rclone to pass them to
 * `pull_interval`, `push_interval` and `standby` are schedules the runtime applies; this module
 * only validates and resolves them. A count given as 0 means "the default".
 */
import { ApiError } from '../types/errors.js';
import { type UnsignedType, unsignedMax } from '../types/unsigned.js';
import { isUuid } from './uuid.js';

/** Feldera's `SyncConfig`, field for field. */
export interface SyncConfig {
  bucket: string;
  endpoint?: string | null;
  region?: string | null;
  provider?: string | null;
  access_key?: string | null;
  secret_key?: string | null;
  start_from_checkpoint?: string | null;
  fail_if_no_checkpoint?: boolean;
  pull_interval?: number;
  push_interval?: number | null;
  read_bucket?: string | null;
  retention_min_count?: number;
  retention_min_age?: number;
  transfers?: number | null;
  upload_concurrency?: number | null;
  multi_thread_cutoff?: string | null;
  multi_thread_streams?: number | null;
  ignore_checksum?: boolean | null;
  checkers?: number | null;
  flags?: string[] | null;
  standby?: boolean;
}

export type SyncConfigValidation =
  | { ok: true; config: SyncConfig }
  | { ok: false; field: string; message: string };

/** A bucket and a key prefix inside it ('' or ending in '/'). */
export interface BucketLocation {
  bucket: string;
  prefix: string;
}

/** A `SyncConfig` with defaults applied and strings parsed. */
export interface SyncSettings {
  location: BucketLocation;
  readLocation: BucketLocation | null;
  endpoint: string | null;
  region: string;
  provider: string;
  /** AWS uses virtual-hosted addressing (bucket.host); every other provider path style. */
  forcePathStyle: boolean;
  /** Null: the standard AWS credential chain (environment, profile, IRSA...). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  startFromCheckpoint: 'latest' | string | null;
  failIfNoCheckpoint: boolean;
  pullIntervalSeconds: number;
  pushIntervalSeconds: number | null;
  retentionMinCount: number;
  retentionMinAgeDays: number;
  transfers: number;
  uploadConcurrency: number;
  multiThreadCutoffBytes: number;
  multiThreadStreams: number;
  checkers: number;
  ignoreChecksum: boolean;
  standby: boolean;
}

const KNOWN_FIELDS = new Set([
  'bucket',
  'endpoint',
  'region',
  'provider',
  'access_key',
  'secret_key',
  'start_from_checkpoint',
  'fail_if_no_checkpoint',
  'pull_interval',
  'push_interval',
  'read_bucket',
  'retention_min_count',
  'retention_min_age',
  'transfers',
  'upload_concurrency',
  'multi_thread_cutoff',
  'multi_thread_streams',
  'ignore_checksum',
  'checkers',
  'flags',
  'standby',
]);

const BUCKET_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([bkmgtp]?)(i?)b?$/i;
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};
/** u64::MAX as Feldera's types spell it (the bound itself is 2^64, see `U64_MAX`). */
const U64_MAX_TEXT = '18446744073709551615';

const DEFAULTS = {
  region: 'us-east-1',
  provider: 'Other',
  pullIntervalSeconds: 10,
  retentionMinCount: 10,
  retentionMinAgeDays: 30,
  transfers: 20,
  uploadConcurrency: 10,
  multiThreadCutoff: '100M',
  multiThreadStreams: 10,
  checkers: 20,
};

/** Thrown inside validation; carries the offending field. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks a `SyncConfig` as the manager receives it; never echoes a key or secret. */
export function validateSyncConfig(value: unknown): SyncConfigValidation {
  try {
    return { ok: true, config: checkSyncConfig(value) };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, field: err.field, message: err.message };
    throw err;
  }
}

/** Validates `config` and applies defaults; throws `InvalidRuntimeConfig` naming the field. */
export function resolveSyncSettings(config: unknown): SyncSettings {
  const result = validateSyncConfig(config);
  if (!result.ok) {
    throw new ApiError('InvalidRuntimeConfig', `Invalid sync configuration: ${result.message}`, {
      field: result.field,
    });
  }
  const c = result.config;
  const provider = c.provider ?? DEFAULTS.provider;
  return {
    location: parseBucketLocation(c.bucket),
    readLocation: c.read_bucket ? parseBucketLocation(c.read_bucket) : null,
    endpoint: c.endpoint ?? null,
    region: c.region || DEFAULTS.region,
    provider,
    forcePathStyle: provider.toUpperCase() !== 'AWS',
    credentials:
      c.access_key && c.secret_key ? { accessKeyId: c.access_key, secretAccessKey: c.secret_key } : null,
    startFromCheckpoint: c.start_from_checkpoint ? c.start_from_checkpoint.toLowerCase() : null,
    failIfNoCheckpoint: c.fail_if_no_checkpoint ?? false,
    pullIntervalSeconds: c.pull_interval ?? DEFAULTS.pullIntervalSeconds,
    pushIntervalSeconds: c.push_interval ?? null,
    retentionMinCount: c.retention_min_count ?? DEFAULTS.retentionMinCount,
    retentionMinAgeDays: c.retention_min_age ?? DEFAULTS.retentionMinAgeDays,
    transfers: c.transfers || DEFAULTS.transfers,
    uploadConcurrency: c.upload_concurrency || DEFAULTS.uploadConcurrency,
    multiThreadCutoffBytes: parseSize(c.multi_thread_cutoff ?? DEFAULTS.multiThreadCutoff)!,
    multiThreadStreams: c.multi_thread_streams || DEFAULTS.multiThreadStreams,
    checkers: c.checkers || DEFAULTS.checkers,
    ignoreChecksum: c.ignore_checksum ?? false,
    standby: c.standby ?? false,
  };
}

/** Splits "bucket" or "bucket/some/prefix" (already validated). */
function parseBucketLocation(value: string): BucketLocation {
  const [bucket, ...rest] = value.replace(/\/+$/, '').split('/');
  return { bucket: bucket!, prefix: rest.length > 0 ? `${rest.join('/')}/` : '' };
}

/** Bytes in an rclone size ("100M", "1.5G", "512k", "64MiB"); null if it is not one. */
export function parseSize(value: string): number | null {
  const match = SIZE_RE.exec(value.trim());
  if (!match) return null;
  const [, number, unit, binary] = match;
  if (unit === '' && binary !== '') return null;
  return Math.floor(Number(number) * SIZE_UNITS[(unit || 'k').toLowerCase()]!);
}

function checkSyncConfig(value: unknown): SyncConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FieldError('', 'sync configuration must be a JSON object');
  }
  const c = value as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!KNOWN_FIELDS.has(key)) throw new FieldError(key, `unknown field '${key}'`);
  }
  checkLocation(c, 'bucket', true);
  checkLocation(c, 'read_bucket', false);
  if (typeof c.read_bucket === 'string') {
    const a = parseBucketLocation(c.bucket as string);
    const b = parseBucketLocation(c.read_bucket);
    if (a.bucket === b.bucket && a.prefix === b.prefix) {
      throw new FieldError('read_bucket', 'read_bucket must point to a different location than bucket');
    }
  }
  checkEndpoint(c.endpoint);
  for (const field of ['region', 'provider'] as const) checkOptionalString(c, field);
  checkCredentials(c);
  checkStartFrom(c.start_from_checkpoint);
  // Feldera's SyncConfig holds `ignore_checksum` in an Option (null allowed) and
  // `fail_if_no_checkpoint`, `standby` as plain bools (absent: false; null refused).
  checkBoolean(c, 'ignore_checksum', true);
  checkBoolean(c, 'fail_if_no_checkpoint', false);
  checkBoolean(c, 'standby', false);
  // Integer widths and nullability as Feldera's SyncConfig declares them.
  checkInteger(c, 'pull_interval', 'u64', false);
  checkInteger(c, 'push_interval', 'u64', true);
  checkInteger(c, 'retention_min_count', 'u32', false);
  checkInteger(c, 'retention_min_age', 'u32', false);
  for (const field of ['transfers', 'upload_concurrency', 'multi_thread_streams', 'checkers'] as const) {
    checkInteger(c, field, 'u8', true);
  }
  if (c.multi_thread_cutoff !== undefined && c.multi_thread_cutoff !== null) {
    if (typeof c.multi_thread_cutoff !== 'string' || parseSize(c.multi_thread_cutoff) === null) {
      throw new FieldError(
        'multi_thread_cutoff',
        `multi_thread_cutoff must be a size such as "100M" (suffixes k, M, G, T, P), got ${JSON.stringify(c.multi_thread_cutoff)}`,
      );
    }
  }
  if (c.flags !== undefined && c.flags !== null) {
    if (!Array.isArray(c.flags) || !c.flags.every((f) => typeof f === 'string')) {
      throw new FieldError('flags', 'flags must be an array of strings');
    }
  }
  return c as unknown as SyncConfig;
}

function checkLocation(c: Record<string, unknown>, field: 'bucket' | 'read_bucket', required: boolean): void {
  const v = c[field];
  if (v === undefined || v === null) {
    if (required) throw new FieldError(field, `${field} is required`);
    return;
  }
  if (typeof v !== 'string') throw new FieldError(field, `${field} must be a string`);
  const [bucket, ...prefix] = v.replace(/\/+$/, '').split('/');
  if (!bucket || !BUCKET_NAME_RE.test(bucket)) {
    throw new FieldError(
      field,
      `${field} ${JSON.stringify(v)} does not start with a valid bucket name (3-255 letters, digits, '.', '_' or '-')`,
    );
  }
  for (const segment of prefix) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new FieldError(field, `${field} ${JSON.stringify(v)} has an empty, '.' or '..' path segment`);
    }
  }
}

function checkEndpoint(v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string') throw new FieldError('endpoint', 'endpoint must be a string');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new FieldError('endpoint', 'endpoint must be a URL such as http://localhost:9000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FieldError('endpoint', 'endpoint must use http or https');
  }
  if (url.username || url.password) {
    throw new FieldError('endpoint', 'endpoint must not contain credentials; use access_key and secret_key');
  }
}

function checkOptionalString(c: Record<string, unknown>, field: string): void {
  const v = c[field];
  if (v !== undefined && v !== null && typeof v !== 'string') {
    throw new FieldError(field, `${field} must be a string`);
  }
}

function checkCredentials(c: Record<string, unknown>): void {
  checkOptionalString(c, 'access_key');
  checkOptionalString(c, 'secret_key');
  if (Boolean(c.access_key) !== Boolean(c.secret_key)) {
    const missing = c.access_key ? 'secret_key' : 'access_key';
    throw new FieldError(missing, 'access_key and secret_key must be given together (or both omitted)');
  }
}

function checkStartFrom(v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || (v !== 'latest' && !isUuid(v.toLowerCase()))) {
    throw new FieldError(
      'start_from_checkpoint',
      `start_from_checkpoint must be "latest" or a checkpoint uuid`,
    );
  }
}

/**
 * Checks an integer field of Feldera's type `rust`; null only where Feldera has an `Option`
 * (a plain u64 with a serde default takes absence, not null). The value is echoed only when
 * it is a number or null: a misplaced string could be a credential.
 */
function checkInteger(
  c: Record<string, unknown>,
  field: string,
  rust: UnsignedType,
  nullable: boolean,
): void {
  const v = c[field];
  if (v === undefined || (v === null && nullable)) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > unsignedMax(rust)) {
    const range = `${field} must be an integer from 0 to ${rust === 'u64' ? U64_MAX_TEXT : unsignedMax(rust)}`;
    const got = typeof v === 'number' || v === null ? `, got ${String(v)}` : '';
    throw new FieldError(field, `${range}${nullable ? ' or null' : ''}${got}`);
  }
}

function checkBoolean(c: Record<string, unknown>, field: string, nullable: boolean): void {
  const v = c[field];
  if (v === undefined || (v === null && nullable) || typeof v === 'boolean') return;
  throw new FieldError(field, `${field} must be true or false${nullable ? ' or null' : ''}`);
}
