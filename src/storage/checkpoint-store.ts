/**
 * The local checkpoint store: crash-safe, content-addressed checkpoints in a storage directory.
 *
 *   state/<sha256>            immutable state files, named by their content, shared by checkpoints
 *   checkpoints/<uuid>.json   one manifest per checkpoint (manifest.ts)
 *
 * Writing a checkpoint, in this order:
 *  1. every state file not already present is written under a temporary name, fsynced, and
 *     renamed to `state/<sha256>`. Files already present (same hash, same size) are not written
 *     again, so a checkpoint costs what changed since the previous one;
 *  2. the state directory is fsynced, which makes those renames durable;
 *  3. the manifest is written the same way (temporary name, fsync, rename, fsync directory).
 *     That rename is the commit point: a checkpoint exists once its manifest is durable, and
 *     its manifest only ever names files made durable in steps 1-2.
 * No existing file is ever modified, so a crash (SIGKILL, power loss) at any instant leaves
 * every earlier checkpoint intact, plus at most unreferenced state files and temporaries.
 *
 * Collecting old checkpoints keeps the invariant in reverse: the manifests beyond `keep` are
 * deleted first and the directory fsynced; only then are the state files that no remaining
 * manifest references deleted. A crash in between leaves unreferenced files, which the next
 * collection deletes (one runs whenever the store is opened, after removing temporaries). If a
 * manifest cannot be parsed, no state file is deleted: it may belong to a newer format.
 *
 * Reading verifies each file's size and SHA-256 and reports a mismatch naming the checkpoint
 * and the file; `loadLatestValid` falls back to older checkpoints. A state file that fails
 * verification is deleted, so that the next checkpoint writes a good copy rather than sharing
 * the bad one.
 *
 * One process owns a storage directory. Within it, writes, installs and collections run one at
 * a time, because each decides which files exist and then acts on that. Readers, uploads and
 * the engine (which adds trace batch files to `state/` while the pipeline runs) work outside
 * that lock and pin their files (`pin`, `retainBlobs`), which collection respects.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../types/errors.js';
import { forEachLimit } from './concurrency.js';
import {
  fileSizeOrNull,
  fsyncDir,
  ignoreMissing,
  isMissing,
  removeTempFiles,
  tempPathIn,
  writeFileAtomic,
  writeFileSynced,
} from './fs-atomic.js';
import { hashFile, SHA256_HEX, sha256OfBuffer } from './hash.js';
import {
  byAge,
  type CheckpointManifest,
  type CheckpointMetadata,
  distinctBlobs,
  MANIFEST_FORMAT,
  type ManifestFile,
  manifestFileName,
  parseManifest,
  serializeManifest,
  toCheckpointMetadata,
  uuidOfManifestFileName,
} from './manifest.js';
import { isUuid, uuidv7 } from './uuid.js';

/**
 * A state file handed to `write`: in memory, a file to stream from, or a file already stored in
 * `state/` under its hash (a trace's batch, written there by the engine and pinned by it).
 */
export type CheckpointFileInput =
  | { name: string; data: Uint8Array }
  | { name: string; path: string }
  | { name: string; sha256: string; size: number };

/** Everything the runtime persists at a step boundary. */
export interface NewCheckpoint {
  fingerprint: number;
  steps: number;
  processedRecords: number;
  identifier?: string | null;
  /** Opaque JSON the runtime needs to resume (input positions, output sequence numbers...). */
  extra?: unknown;
  files: readonly CheckpointFileInput[];
}

/** The durable steps of a write, in order; `onStage` observes them (tests crash there). */
export type WriteStage =
  | 'state-file-temp-written'
  | 'state-file-renamed'
  | 'state-durable'
  | 'manifest-temp-written'
  | 'committed'
  | 'old-manifests-deleted'
  | 'collected';

export interface CheckpointStoreOptions {
  /** How many checkpoints to keep (default 5, at least 1). */
  keep?: number;
  onStage?: (stage: WriteStage) => void;
}

export interface WriteResult {
  manifest: CheckpointManifest;
  filesWritten: number;
  bytesWritten: number;
  filesReused: number;
  /** Checkpoints deleted by the collection that followed the write. */
  removed: string[];
}

export interface LoadedCheckpoint {
  manifest: CheckpointManifest;
  /** File contents by logical name, each verified against its size and SHA-256. */
  files: Map<string, Buffer>;
}

export interface SkippedCheckpoint {
  uuid: string;
  reason: string;
}

/** A checkpoint opened for a resume: sizes checked, small files read and verified, files pinned. */
export interface OpenedCheckpoint {
  manifest: CheckpointManifest;
  /** Contents of the files `open` was asked to read, by logical name, verified by SHA-256. */
  files: Map<string, Buffer>;
  /** Unpins the checkpoint's files. */
  release: () => void;
}

export interface LatestValid<T> {
  /** The newest checkpoint that verified, or null. */
  checkpoint: T | null;
  /** Newer checkpoints that did not verify, newest first, with the reason. */
  skipped: SkippedCheckpoint[];
}

export const DEFAULT_KEEP = 5;
/** Files read or written at once, so that hashing one overlaps the I/O of the others. */
const FILE_CONCURRENCY = 4;

/** Crash-safe, content-addressed checkpoints in one storage directory (see module header). */
export class CheckpointStore {
  readonly dir: string;
  readonly keep: number;
  readonly #stateDir: string;
  readonly #checkpointsDir: string;
  readonly #onStage: (stage: WriteStage) => void;
  readonly #retained = new Map<string, number>();
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, keep: number, onStage: (stage: WriteStage) => void) {
    this.dir = dir;
    this.keep = keep;
    this.#stateDir = join(dir, 'state');
    this.#checkpointsDir = join(dir, 'checkpoints');
    this.#onStage = onStage;
  }

  /** Opens (creating if needed) the store in `dir`, removing what an earlier crash left behind. */
  static async open(dir: string, options: CheckpointStoreOptions = {}): Promise<CheckpointStore> {
    const keep = options.keep ?? DEFAULT_KEEP;
    if (!Number.isSafeInteger(keep) || keep < 1) {
      throw new ApiError(
        'InvalidRuntimeConfig',
        `checkpoint keep count must be an integer >= 1, got ${keep}`,
      );
    }
    const store = new CheckpointStore(dir, keep, options.onStage ?? (() => undefined));
    await mkdir(store.#stateDir, { recursive: true });
    await mkdir(store.#checkpointsDir, { recursive: true });
    await fsyncDir(dir);
    await store.#exclusive(async () => {
      await removeTempFiles(store.#stateDir);
      await removeTempFiles(store.#checkpointsDir);
      await store.#collect();
    });
    return store;
  }

  /** Whole checkpoints, oldest first. */
  async list(): Promise<CheckpointManifest[]> {
    return (await this.#scan()).manifests;
  }

  /** `list()` in the shape of Feldera's `CheckpointMetadata`. */
  async listMetadata(): Promise<CheckpointMetadata[]> {
    return (await this.list()).map(toCheckpointMetadata);
  }

  async latest(): Promise<CheckpointManifest | null> {
    return (await this.list()).at(-1) ?? null;
  }

  /** The manifest of checkpoint `uuid`, or null if there is no such checkpoint. */
  async manifest(uuid: string): Promise<CheckpointManifest | null> {
    if (!isUuid(uuid)) return null;
    let text: Buffer;
    try {
      text = await readFile(join(this.#checkpointsDir, manifestFileName(uuid)));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    try {
      return parseManifest(text, uuid);
    } catch (err) {
      throw corruptCheckpoint(uuid, null, `its manifest is invalid: ${(err as Error).message}`);
    }
  }

  /** Writes a checkpoint (only the files not already stored), then collects old ones. */
  async write(input: NewCheckpoint): Promise<WriteResult> {
    validateNewCheckpoint(input);
    return this.#exclusive(async () => {
      try {
        return await this.#write(input);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError('CheckpointFailed', `Writing a checkpoint failed: ${(err as Error).message}`, {
          reason: (err as Error).message,
        });
      }
    });
  }

  /** Reads checkpoint `uuid` into memory, verifying every file. */
  async load(uuid: string): Promise<LoadedCheckpoint> {
    const { manifest, release } = await this.pin(uuid);
    try {
      const byHash = new Map<string, Buffer>();
      await forEachLimit(distinctBlobs(manifest), FILE_CONCURRENCY, async (file) => {
        byHash.set(file.sha256, await this.#readVerified(uuid, file));
      });
      const files = new Map<string, Buffer>();
      for (const file of manifest.files) files.set(file.name, byHash.get(file.sha256)!);
      return { manifest, files };
    } finally {
      release();
    }
  }

  /** Verifies every file of checkpoint `uuid` by streaming it; throws `CheckpointCorrupt`. */
  async verify(uuid: string): Promise<CheckpointManifest> {
    const { manifest, release } = await this.pin(uuid);
    try {
      await forEachLimit(distinctBlobs(manifest), FILE_CONCURRENCY, (file) => this.#verifyFile(uuid, file));
      return manifest;
    } finally {
      release();
    }
  }

  /**
   * The manifest of checkpoint `uuid`, with its files protected from collection until
   * `release` is called (a push reads them meanwhile). Throws `NoCheckpoint` if there is no
   * such checkpoint, also when a collection deletes it while it is being pinned.
   */
  async pin(uuid: string): Promise<{ manifest: CheckpointManifest; release: () => void }> {
    const manifest = await this.manifest(uuid);
    const release = manifest ? this.retainBlobs(manifest.files.map((f) => f.sha256)) : () => undefined;
    // Collection deletes a manifest before it decides which files are referenced: if the
    // manifest is still here once the files are retained, no collection can delete them.
    if (!manifest || (await fileSizeOrNull(join(this.#checkpointsDir, manifestFileName(uuid)))) === null) {
      release();
      throw new ApiError('NoCheckpoint', `No local checkpoint ${uuid}`, { uuid });
    }
    return { manifest, release };
  }

  /** Loads the newest checkpoint that verifies, reporting the newer ones that did not. */
  loadLatestValid(): Promise<LatestValid<LoadedCheckpoint>> {
    return this.#latestValid((uuid) => this.load(uuid));
  }

  /**
   * Opens checkpoint `uuid` for a resume without reading all of it: every file must exist with
   * its size; the files `read` selects are read and verified by SHA-256 (throws
   * `CheckpointCorrupt`). The files stay pinned until `release`; verify the rest with `verify`.
   */
  async open(uuid: string, read: (name: string) => boolean): Promise<OpenedCheckpoint> {
    const { manifest, release } = await this.pin(uuid);
    try {
      await forEachLimit(distinctBlobs(manifest), FILE_CONCURRENCY, async (file) => {
        const size = await fileSizeOrNull(this.blobPath(file.sha256));
        if (size === null) throw corruptCheckpoint(uuid, file, 'is missing');
        await this.#rejectMismatch(uuid, file, size, file.sha256);
      });
      const files = new Map<string, Buffer>();
      for (const file of manifest.files)
        if (read(file.name)) files.set(file.name, await this.#readVerified(uuid, file));
      return { manifest, files, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** The newest checkpoint that `open` accepts, reporting the newer ones it did not. */
  openLatestValid(read: (name: string) => boolean): Promise<LatestValid<OpenedCheckpoint>> {
    return this.#latestValid((uuid) => this.open(uuid, read));
  }

  /** Path of the directory of state files (the engine writes trace batches there). */
  get stateDir(): string {
    return this.#stateDir;
  }

  /**
   * Deletes the state files that no kept checkpoint names and nothing pins (batches a merge
   * replaced), as collection after a write does.
   */
  collectGarbage(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#collect();
    });
  }

  /** Like `loadLatestValid`, but only verifies (streaming) and returns the manifest. */
  findLatestValid(): Promise<LatestValid<CheckpointManifest>> {
    return this.#latestValid((uuid) => this.verify(uuid));
  }

  /** Path of the state file with this hash (it may not exist). */
  blobPath(sha256: string): string {
    return join(this.#stateDir, sha256);
  }

  /** True if the state file with this hash is present with this size. */
  async hasBlob(sha256: string, size: number): Promise<boolean> {
    return (await fileSizeOrNull(this.blobPath(sha256))) === size;
  }

  /** Protects these state files from collection until the returned function is called. */
  retainBlobs(sha256s: Iterable<string>): () => void {
    const held = [...new Set(sha256s)];
    for (const sha of held) this.#retained.set(sha, (this.#retained.get(sha) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const sha of held) {
        const count = this.#retained.get(sha)! - 1;
        if (count === 0) this.#retained.delete(sha);
        else this.#retained.set(sha, count);
      }
    };
  }

  /** A temporary path next to the state files, for a download that `install` will rename. */
  stagingPath(): string {
    return tempPathIn(this.#stateDir);
  }

  /**
   * Installs a checkpoint received from elsewhere (a pull): renames the staged, already fsynced
   * and verified files into `state/`, then writes the manifest last, as `write` does. Every
   * file of the manifest must be staged or present (and retained by the caller). Returns false,
   * discarding the staged files, if the checkpoint was already here.
   */
  async install(manifest: CheckpointManifest, staged: ReadonlyMap<string, string>): Promise<boolean> {
    return this.#exclusive(async () => {
      if (await this.manifest(manifest.uuid)) {
        for (const temp of staged.values()) await unlink(temp).catch(ignoreMissing);
        return false;
      }
      // The renames are independent; only their order against the manifest matters.
      await forEachLimit(distinctBlobs(manifest), FILE_CONCURRENCY, async (file) => {
        const temp = staged.get(file.sha256);
        const present = await this.hasBlob(file.sha256, file.size);
        if (temp && present) await unlink(temp).catch(ignoreMissing);
        else if (temp) await rename(temp, this.blobPath(file.sha256));
        else if (!present) {
          throw new ApiError(
            'CheckpointFailed',
            `Cannot install checkpoint ${manifest.uuid}: state file ${file.sha256} is neither staged nor present`,
            { uuid: manifest.uuid, sha256: file.sha256 },
          );
        }
      });
      await fsyncDir(this.#stateDir);
      await writeFileAtomic(
        this.#checkpointsDir,
        manifestFileName(manifest.uuid),
        serializeManifest(manifest),
      );
      await this.#collect();
      return true;
    });
  }

  async #write(input: NewCheckpoint): Promise<WriteResult> {
    const files: ManifestFile[] = [];
    const distinct = new Map<string, { file: ManifestFile; source: CheckpointFileInput }>();
    let stored = 0;
    for (const source of input.files) {
      const { sha256, size } =
        'data' in source
          ? { sha256: await sha256OfBuffer(source.data), size: source.data.length }
          : 'path' in source
            ? await hashFile(source.path)
            : source;
      const file = { name: source.name, sha256, size };
      files.push(file);
      if ('sha256' in source) stored++;
      if (!distinct.has(sha256)) distinct.set(sha256, { file, source });
    }
    let filesWritten = 0;
    let bytesWritten = 0;
    await forEachLimit([...distinct.values()], FILE_CONCURRENCY, async ({ file, source }) => {
      if (await this.hasBlob(file.sha256, file.size)) return;
      if ('sha256' in source)
        throw new ApiError(
          'CheckpointFailed',
          `State file '${file.name}' (state/${file.sha256}, ${file.size} bytes) is not in the store`,
          { file: file.name, sha256: file.sha256 },
        );
      await this.#writeStateFile(file, source);
      filesWritten++;
      bytesWritten += file.size;
    });
    // Files stored by the engine were renamed into state/ without a directory fsync.
    if (filesWritten > 0 || stored > 0) {
      await fsyncDir(this.#stateDir);
      this.#onStage('state-durable');
    }
    const previous = await this.list();
    const manifest: CheckpointManifest = {
      format: MANIFEST_FORMAT,
      uuid: uuidv7(),
      sequence: Math.max(0, ...previous.map((m) => m.sequence)) + 1,
      identifier: input.identifier ?? null,
      fingerprint: input.fingerprint,
      steps: input.steps,
      processed_records: input.processedRecords,
      size: files.reduce((sum, f) => sum + f.size, 0),
      created_at: new Date().toISOString(),
      files,
      extra: input.extra ?? null,
    };
    await writeFileAtomic(
      this.#checkpointsDir,
      manifestFileName(manifest.uuid),
      serializeManifest(manifest),
      () => this.#onStage('manifest-temp-written'),
    );
    this.#onStage('committed');
    const removed = await this.#collect();
    return { manifest, filesWritten, bytesWritten, filesReused: distinct.size - filesWritten, removed };
  }

  async #writeStateFile(file: ManifestFile, source: CheckpointFileInput): Promise<void> {
    const temp = tempPathIn(this.#stateDir);
    try {
      if ('data' in source) await writeFileSynced(temp, source.data);
      else if ('path' in source) await copyVerified(source.path, temp, file);
      this.#onStage('state-file-temp-written');
      await rename(temp, this.blobPath(file.sha256));
      this.#onStage('state-file-renamed');
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  /** Deletes manifests beyond `keep`, then the state files no remaining manifest references. */
  async #collect(): Promise<string[]> {
    const { manifests, invalid } = await this.#scan();
    const excess = manifests.slice(0, Math.max(0, manifests.length - this.keep));
    for (const manifest of excess) {
      await unlink(join(this.#checkpointsDir, manifestFileName(manifest.uuid))).catch(ignoreMissing);
    }
    if (excess.length > 0) {
      await fsyncDir(this.#checkpointsDir);
      this.#onStage('old-manifests-deleted');
    }
    if (invalid.length > 0) return excess.map((m) => m.uuid);
    const referenced = new Set<string>();
    for (const manifest of manifests.slice(excess.length)) {
      for (const file of manifest.files) referenced.add(file.sha256);
    }
    // Pins are read as each file is considered, not before listing: the engine adds batch files
    // outside this lock, pinning each before it takes its name, so a file in the listing that a
    // live trace holds is already pinned when it is looked at here.
    for (const name of await readdir(this.#stateDir)) {
      if (SHA256_HEX.test(name) && !referenced.has(name) && !this.#retained.has(name))
        await unlink(this.blobPath(name)).catch(ignoreMissing);
    }
    this.#onStage('collected');
    return excess.map((m) => m.uuid);
  }

  async #scan(): Promise<{ manifests: CheckpointManifest[]; invalid: SkippedCheckpoint[] }> {
    const manifests: CheckpointManifest[] = [];
    const invalid: SkippedCheckpoint[] = [];
    for (const name of await readdir(this.#checkpointsDir)) {
      const uuid = uuidOfManifestFileName(name);
      if (!uuid) continue;
      try {
        const manifest = await this.manifest(uuid);
        if (manifest) manifests.push(manifest);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        invalid.push({ uuid, reason: err.message });
      }
    }
    return { manifests: manifests.sort(byAge), invalid: invalid.sort(byAge) };
  }

  async #latestValid<T>(attempt: (uuid: string) => Promise<T>): Promise<LatestValid<T>> {
    const { manifests, invalid } = await this.#scan();
    const candidates = [...manifests, ...invalid].sort(byAge).reverse();
    const skipped: SkippedCheckpoint[] = [];
    for (const { uuid } of candidates) {
      try {
        return { checkpoint: await attempt(uuid), skipped };
      } catch (err) {
        if (!(err instanceof ApiError && err.errorCode === 'CheckpointCorrupt')) throw err;
        skipped.push({ uuid, reason: err.message });
      }
    }
    return { checkpoint: null, skipped };
  }

  async #readVerified(uuid: string, file: ManifestFile): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.blobPath(file.sha256));
    } catch (err) {
      if (isMissing(err)) throw corruptCheckpoint(uuid, file, 'is missing');
      throw err;
    }
    const actual = data.length === file.size ? await sha256OfBuffer(data) : null;
    await this.#rejectMismatch(uuid, file, data.length, actual);
    return data;
  }

  async #verifyFile(uuid: string, file: ManifestFile): Promise<void> {
    let actual: { sha256: string; size: number };
    try {
      actual = await hashFile(this.blobPath(file.sha256));
    } catch (err) {
      if (isMissing(err)) throw corruptCheckpoint(uuid, file, 'is missing');
      throw err;
    }
    await this.#rejectMismatch(uuid, file, actual.size, actual.sha256);
  }

  /** Throws `CheckpointCorrupt` (after deleting the bad state file) unless size and hash match. */
  async #rejectMismatch(
    uuid: string,
    file: ManifestFile,
    size: number,
    sha256: string | null,
  ): Promise<void> {
    let reason: string | null = null;
    if (size !== file.size) reason = `has ${size} bytes instead of ${file.size}`;
    else if (sha256 !== file.sha256) reason = `has SHA-256 ${sha256} instead of ${file.sha256}`;
    if (reason === null) return;
    await this.#exclusive(() => unlink(this.blobPath(file.sha256)).catch(ignoreMissing));
    throw corruptCheckpoint(uuid, file, reason);
  }

  /** Runs `fn` after every earlier exclusive operation has settled. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }
}

/** The error for a local checkpoint whose manifest or file does not verify. */
export function corruptCheckpoint(uuid: string, file: ManifestFile | null, reason: string): ApiError {
  const what = file ? `file '${file.name}' (state/${file.sha256}) ${reason}` : reason;
  return new ApiError('CheckpointCorrupt', `Checkpoint ${uuid} is corrupt: ${what}`, {
    uuid,
    file: file?.name ?? null,
    sha256: file?.sha256 ?? null,
    reason,
  });
}

/** Copies `from` to `to` (fsynced), failing if the bytes are not the ones hashed earlier. */
async function copyVerified(from: string, to: string, expected: ManifestFile): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await open(to, 'w');
  try {
    for await (const chunk of createReadStream(from, { highWaterMark: 1024 * 1024 })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      await handle.write(chunk as Buffer);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (size !== expected.size || hash.digest('hex') !== expected.sha256) {
    throw new ApiError(
      'CheckpointFailed',
      `State file '${expected.name}' (${from}) changed while it was written`,
      {
        file: expected.name,
      },
    );
  }
}

function validateNewCheckpoint(input: NewCheckpoint): void {
  const fail = (message: string): never => {
    throw new ApiError('CheckpointFailed', `Invalid checkpoint: ${message}`, { reason: message });
  };
  for (const field of ['fingerprint', 'steps', 'processedRecords'] as const) {
    const value = input[field];
    if (!Number.isSafeInteger(value) || value < 0)
      fail(`${field} must be a non-negative integer, got ${value}`);
  }
  const names = new Set<string>();
  for (const file of input.files) {
    if (typeof file.name !== 'string' || file.name.length === 0) fail('a file has an empty name');
    if (names.has(file.name)) fail(`file name '${file.name}' appears twice`);
    names.add(file.name);
  }
  try {
    JSON.stringify(input.extra ?? null);
  } catch (err) {
    fail(`extra is not JSON-serializable: ${(err as Error).message}`);
  }
}
