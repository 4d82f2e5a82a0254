/**
 * A checkpoint location in an object store: the `bucket` (or `read_bucket`) of a SyncConfig.
 *
 *   owner.json                which pipeline writes here (ownership.ts)
 *   blobs/<sha256>            immutable state files, shared between checkpoints
 *   checkpoints/<uuid>.json   manifests, each uploaded after all of its blobs
 *
 * As locally, a remote checkpoint exists once its manifest exists: a push that dies half way
 * leaves unreferenced blobs, never a manifest naming a missing blob. A `read_bucket` location
 * is opened read-only, and push and retention refuse read-only locations, so it is never
 * written.
 */
import { ApiError } from '../types/errors.js';
import { forEachLimit } from './concurrency.js';
import {
  byAge,
  type CheckpointManifest,
  type CheckpointMetadata,
  manifestFileName,
  parseManifest,
  toCheckpointMetadata,
  uuidOfManifestFileName,
} from './manifest.js';
import { ObjectStore } from './object-store.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { S3Client } from './s3-client.js';
import { resolveSyncSettings, type SyncConfig, type SyncSettings } from './sync-config.js';
import { isUuid } from './uuid.js';

export const OWNER_KEY = 'owner.json';
export const BLOBS_PREFIX = 'blobs/';
const CHECKPOINTS_PREFIX = 'checkpoints/';

export function blobKey(sha256: string): string {
  return BLOBS_PREFIX + sha256;
}

export function manifestKey(uuid: string): string {
  return CHECKPOINTS_PREFIX + manifestFileName(uuid);
}

/** Which location of a SyncConfig: the pipeline's own, or the read-only seed. */
export type RemoteRole = 'bucket' | 'read_bucket';

/** Tuning that is not part of Feldera's SyncConfig. */
export interface RemoteOptions {
  retry?: Partial<RetryPolicy>;
  /** Bytes of upload buffers in flight at once, over all files and parts (default 256 MiB). */
  memoryBudgetBytes?: number;
  /**
   * Retention leaves unreferenced blobs younger than this (relative to the manifest just pushed,
   * by the store's clock) in place: they may belong to a push still in progress elsewhere.
   * Default 3600.
   */
  orphanBlobGraceSeconds?: number;
  /**
   * Whether object bodies from an `http://` endpoint are read by plain-http.ts (default true);
   * false sends them through `node:http`, for tests of that path and for comparisons.
   */
  plainHttpReads?: boolean;
}

export interface RemoteManifestEntry {
  uuid: string;
  lastModified: Date;
}

const DEFAULT_MEMORY_BUDGET = 256 * 1024 * 1024;
const DEFAULT_ORPHAN_GRACE_SECONDS = 3600;

/** One checkpoint location in an object store, with its client (call `close` when done). */
export class RemoteStore {
  readonly settings: SyncSettings;
  readonly role: RemoteRole;
  readonly readOnly: boolean;
  readonly objects: ObjectStore;
  readonly memoryBudgetBytes: number;
  readonly orphanBlobGraceSeconds: number;
  readonly #close: () => void;

  private constructor(settings: SyncSettings, role: RemoteRole, options: RemoteOptions) {
    const location = role === 'bucket' ? settings.location : settings.readLocation;
    if (!location) throw new ApiError('SyncNotConfigured', 'The sync configuration has no read_bucket');
    const client = new S3Client(settings, { plainHttpReads: options.plainHttpReads ?? true });
    this.settings = settings;
    this.role = role;
    this.readOnly = role === 'read_bucket';
    this.objects = new ObjectStore(
      client,
      location,
      { ...DEFAULT_RETRY_POLICY, ...options.retry },
      {
        endpoint: settings.endpoint ?? `the AWS S3 endpoint of ${settings.region}`,
        secrets: settings.credentials
          ? [settings.credentials.accessKeyId, settings.credentials.secretAccessKey]
          : [],
      },
    );
    this.memoryBudgetBytes = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
    this.orphanBlobGraceSeconds = options.orphanBlobGraceSeconds ?? DEFAULT_ORPHAN_GRACE_SECONDS;
    this.#close = () => client.destroy();
  }

  /** Opens the `bucket` (default) or `read_bucket` location of a SyncConfig. */
  static open(config: SyncConfig, role: RemoteRole = 'bucket', options: RemoteOptions = {}): RemoteStore {
    return new RemoteStore(resolveSyncSettings(config), role, options);
  }

  /** Opens both locations of `config` (the second null without read_bucket), runs `fn`, closes. */
  static async using<T>(
    config: SyncConfig,
    options: RemoteOptions,
    fn: (bucket: RemoteStore, readBucket: RemoteStore | null) => Promise<T>,
  ): Promise<T> {
    const bucket = RemoteStore.open(config, 'bucket', options);
    const readBucket = bucket.settings.readLocation ? RemoteStore.open(config, 'read_bucket', options) : null;
    try {
      return await fn(bucket, readBucket);
    } finally {
      bucket.close();
      readBucket?.close();
    }
  }

  describe(): string {
    return `${this.role} ${this.objects.describe()}`;
  }

  /** The manifests present, oldest first. */
  async listManifestEntries(): Promise<RemoteManifestEntry[]> {
    const entries: RemoteManifestEntry[] = [];
    for (const object of await this.objects.list(CHECKPOINTS_PREFIX)) {
      const uuid = uuidOfManifestFileName(object.key.slice(CHECKPOINTS_PREFIX.length));
      if (uuid) entries.push({ uuid, lastModified: object.lastModified });
    }
    return entries.sort(byAge);
  }

  /** Checkpoint `uuid`'s manifest, null if absent; a damaged one is a `SyncChecksumMismatch`. */
  async readManifest(uuid: string): Promise<CheckpointManifest | null> {
    if (!isUuid(uuid)) return null;
    const text = await this.objects.getBuffer(manifestKey(uuid));
    if (text === null) return null;
    try {
      return parseManifest(text, uuid);
    } catch (err) {
      throw damagedCheckpoint(this, uuid, `its manifest is invalid: ${(err as Error).message}`);
    }
  }

  /** Every readable checkpoint of this location, oldest first (damaged manifests left out). */
  async listCheckpoints(): Promise<CheckpointMetadata[]> {
    const entries = await this.listManifestEntries();
    const found: CheckpointManifest[] = [];
    await forEachLimit(entries, this.settings.checkers, async ({ uuid }) => {
      try {
        const manifest = await this.readManifest(uuid);
        if (manifest) found.push(manifest);
      } catch (err) {
        if (!(err instanceof ApiError && err.errorCode === 'SyncChecksumMismatch')) throw err;
      }
    });
    return found.sort(byAge).map(toCheckpointMetadata);
  }

  /** Refuses to go on if this location must not be written. */
  assertWritable(): void {
    if (this.readOnly) {
      throw new ApiError(
        'SyncFailed',
        `Refusing to write to ${this.describe()}: read_bucket is never written`,
        {
          location: this.objects.describe(),
        },
      );
    }
  }

  close(): void {
    this.#close();
  }
}

/** The checkpoints in the `bucket` location of `config`, oldest first (`GET /checkpoints/remote`). */
export async function listRemoteCheckpoints(
  config: SyncConfig,
  options: RemoteOptions = {},
): Promise<CheckpointMetadata[]> {
  const remote = RemoteStore.open(config, 'bucket', options);
  try {
    return await remote.listCheckpoints();
  } finally {
    remote.close();
  }
}

/** A remote checkpoint that cannot be restored as stored (bad manifest, bad or missing blob). */
export function damagedCheckpoint(remote: RemoteStore, uuid: string, reason: string): ApiError {
  return new ApiError(
    'SyncChecksumMismatch',
    `Checkpoint ${uuid} in ${remote.describe()} is damaged: ${reason}`,
    {
      uuid,
      location: remote.objects.describe(),
      reason,
    },
  );
}
