/**
 * The fsyncs of a pull's staging files, run while the pull still downloads instead of all after
 * it: a file is fsynced as soon as its download is complete, and a large file also every
 * `syncEveryBytes` written while it downloads, so that by the time the last byte arrives most of
 * the checkpoint is already on disk and the pull waits only for the tail.
 *
 * Durability is the same as fsyncing every file after the downloads: each file gets a final
 * fsync that starts after its last byte was written and its handle closed, and `drain` (awaited
 * before the install) returns only once every one of them succeeded. The syncs during a
 * download are extra; they only leave less for the final one to write back. A failed fsync of
 * either kind fails `drain`: after a failed fsync Linux may report the error only once (to the
 * first caller), so a later fsync of the same file succeeding says nothing.
 *
 * Why during the download: the end-of-pull fsyncs of the benchmark's 103 MiB took 100-235 ms,
 * a tenth to a fifth of a pull (bench/README.md, "Sync, eighth pass"), and the largest files
 * finish last, so fsyncing only whole files as they complete left most bytes for the end.
 * At most `maxInFlight` fsyncs run at once: each holds one of the thread pool's threads (four by
 * default) for as long as the disk takes, and the downloads' writes need the others.
 */
import { Semaphore } from './concurrency.js';
import { fsyncFile } from './fs-atomic.js';

interface StagedFile {
  /** Bytes written since the last fsync of this file was started. */
  unsynced: number;
  /** An fsync of this file is queued or running. */
  syncing: boolean;
  /** The fsyncs of this file, in order. */
  chain: Promise<void>;
}

export class StagedSync {
  readonly #slots: Semaphore;
  readonly #syncEveryBytes: number;
  readonly #files = new Map<string, StagedFile>();
  #failure: { error: unknown } | null = null;

  /**
   * `maxInFlight` fsyncs at once (at least 1); a file is fsynced during its download each time
   * `syncEveryBytes` more bytes of it were written.
   */
  constructor(maxInFlight: number, syncEveryBytes: number) {
    this.#slots = new Semaphore(maxInFlight);
    this.#syncEveryBytes = syncEveryBytes;
  }

  /** `bytes` more bytes of the staging file at `path` reached the page cache. */
  written(path: string, bytes: number): void {
    const file = this.#file(path);
    file.unsynced += bytes;
    if (file.unsynced >= this.#syncEveryBytes && !file.syncing) this.#sync(path, file);
  }

  /** The staging file at `path` is written whole and closed: fsyncs it (after any fsync of it already queued). */
  complete(path: string): void {
    this.#sync(path, this.#file(path));
  }

  /**
   * Waits for every fsync started so far; throws the first failure (an `Error` from fsync(2) or
   * open(2)), in which case the files must not be installed.
   */
  async drain(): Promise<void> {
    await Promise.all([...this.#files.values()].map((f) => f.chain));
    if (this.#failure) throw this.#failure.error;
  }

  #file(path: string): StagedFile {
    let file = this.#files.get(path);
    if (!file) {
      file = { unsynced: 0, syncing: false, chain: Promise.resolve() };
      this.#files.set(path, file);
    }
    return file;
  }

  #sync(path: string, file: StagedFile): void {
    file.syncing = true;
    file.chain = file.chain.then(async () => {
      const release = await this.#slots.acquire();
      // Bytes written from here on are not covered by this fsync.
      file.unsynced = 0;
      try {
        if (!this.#failure) await fsyncFile(path);
      } catch (error) {
        this.#failure ??= { error };
      } finally {
        release();
        file.syncing = false;
      }
    });
  }
}
