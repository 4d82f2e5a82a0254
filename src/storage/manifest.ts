/**
 * The checkpoint manifest: the small JSON document that *is* a checkpoint.
 *
 * State files are immutable and named by their SHA-256, so they can be shared between
 * checkpoints and between the local disk and the object store; the manifest lists which files
 * (logical name, hash, size) make up one checkpoint, plus the metadata Feldera's
 * `CheckpointMetadata` reports and an opaque `extra` JSON value the runtime needs to resume
 * (input positions, output sequence numbers...). The same bytes are used locally
 * (`checkpoints/<uuid>.json`) and remotely, and both places write the manifest last, so a
 * manifest that exists always names files that exist.
 */
import { SHA256_HEX } from './hash.js';
import { isUuid } from './uuid.js';

/**
 * Checkpoint format written now. 2: the state is `circuit.json` plus trace batch files (state on
 * disk). 1: one encoded file per operator; still listed, pushed, pulled and collected, but a
 * pipeline refuses to resume from it.
 */
export const MANIFEST_FORMAT = 2;
/** Formats `parseManifest` accepts. */
export const READABLE_FORMATS: readonly number[] = [1, 2];

/** One state file of a checkpoint. Several names may share one hash. */
export interface ManifestFile {
  name: string;
  sha256: string;
  size: number;
}

/** The stored form of a checkpoint. Field names follow the REST API (snake_case). */
export interface CheckpointManifest {
  format: 1 | typeof MANIFEST_FORMAT;
  uuid: string;
  /** Increases by one with each checkpoint of a storage directory; `checkpoint_status.success`. */
  sequence: number;
  identifier: string | null;
  fingerprint: number;
  steps: number;
  processed_records: number;
  /** Total bytes of `files`, counting a shared hash once per name. */
  size: number;
  created_at: string;
  files: ManifestFile[];
  extra: unknown;
}

/** Feldera's `CheckpointMetadata`, as `GET /checkpoints` returns it. */
export interface CheckpointMetadata {
  uuid: string;
  identifier: string | null;
  fingerprint: number;
  steps: number | null;
  processed_records: number | null;
  size: number | null;
}

/** Thrown by `parseManifest`; the reason says which field is wrong. */
export class InvalidManifestError extends Error {
  override readonly name = 'InvalidManifestError';
}

export function toCheckpointMetadata(manifest: CheckpointManifest): CheckpointMetadata {
  return {
    uuid: manifest.uuid,
    identifier: manifest.identifier,
    fingerprint: manifest.fingerprint,
    steps: manifest.steps,
    processed_records: manifest.processed_records,
    size: manifest.size,
  };
}

export function manifestFileName(uuid: string): string {
  return `${uuid}.json`;
}

/** The uuid of a manifest file name, or null for any other name. */
export function uuidOfManifestFileName(name: string): string | null {
  if (!name.endsWith('.json')) return null;
  const uuid = name.slice(0, -'.json'.length);
  return isUuid(uuid) ? uuid : null;
}

/** Oldest first: uuid v7 strings sort by creation time. */
export function byAge(a: { uuid: string }, b: { uuid: string }): number {
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

/** The distinct state files of a manifest (one entry per hash). */
export function distinctBlobs(manifest: CheckpointManifest): ManifestFile[] {
  const seen = new Map<string, ManifestFile>();
  for (const file of manifest.files) if (!seen.has(file.sha256)) seen.set(file.sha256, file);
  return [...seen.values()];
}

export function serializeManifest(manifest: CheckpointManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function check(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new InvalidManifestError(reason);
}

/**
 * Parses and validates a manifest. With `expectedUuid`, the manifest must carry that uuid (it
 * was found under that name).
 */
export function parseManifest(text: string | Uint8Array, expectedUuid?: string): CheckpointManifest {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch (err) {
    throw new InvalidManifestError(`not JSON (${(err as Error).message})`);
  }
  check(typeof value === 'object' && value !== null && !Array.isArray(value), 'not a JSON object');
  const m = value as Record<string, unknown>;
  check(READABLE_FORMATS.includes(m.format as number), `unsupported format ${JSON.stringify(m.format)}`);
  check(typeof m.uuid === 'string' && isUuid(m.uuid), 'uuid is not a uuid');
  check(expectedUuid === undefined || m.uuid === expectedUuid, `uuid ${m.uuid} does not match its name`);
  for (const field of ['sequence', 'fingerprint', 'steps', 'processed_records', 'size'] as const) {
    check(isCount(m[field]), `${field} is not a non-negative integer`);
  }
  check(m.identifier === null || typeof m.identifier === 'string', 'identifier is not a string or null');
  check(
    typeof m.created_at === 'string' && !Number.isNaN(Date.parse(m.created_at)),
    'created_at is not a date',
  );
  check(Array.isArray(m.files), 'files is not an array');
  const names = new Set<string>();
  let total = 0;
  for (const file of m.files as unknown[]) {
    const f = file as Partial<ManifestFile> | null;
    check(typeof f === 'object' && f !== null, 'a file entry is not an object');
    check(typeof f.name === 'string' && f.name.length > 0, 'a file has no name');
    check(!names.has(f.name), `file name ${JSON.stringify(f.name)} appears twice`);
    check(typeof f.sha256 === 'string' && SHA256_HEX.test(f.sha256), `file ${f.name} has no valid sha256`);
    check(isCount(f.size), `file ${f.name} has no valid size`);
    names.add(f.name);
    total += f.size;
  }
  check(total === m.size, `size ${m.size} is not the sum of the file sizes (${total})`);
  check('extra' in m, 'extra is missing');
  return m as unknown as CheckpointManifest;
}
