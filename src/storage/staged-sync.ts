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
 * Why during the download: the end-of-pull fsyncs of the benchmark's 103 MiB took 98-235 ms,
 * a tenth to a fifth of a pull (bench/README.md, "Sync, eighth pass"), and the largest files
 * finish last, so fsyncing only whole files as they complete left most bytes for the end.
 * While the pull downloads, at most `maxInFlight` fsyncs run at once: each holds one of the
 * thread pool's threads (four by default) for as long as the disk takes, and the downloads need
 * the others to open files and read ranges back; once they are done, `drain` lets more run.
 */
import { fsyncFile } from './fs-atomic.js';

interface StagedFile {
  /** Bytes written since the last fsync of this file was started. */
  unsynced: number;
  /** An fsync of this file is queued and not started: it will cover every byte written so far. */
  queued: boolean;
}

export class StagedSync {
  readonly #syncEveryBytes: number;
  readonly #drainInFlight: number;
  #maxInFlight: number;
  #running = 0;
  readonly #queue: Array<() => Promise<void>> = [];
  readonly #files = new Map<string, StagedFile>();
  readonly #idle: Array<() => void> = [];
  #failure: { error: unknown } | null = null;
  readonly #fsync: (path: string) => Promise<void>;

  /**
   * `maxInFlight` fsyncs at once while downloading, `drainInFlight` once `drain` is called (the
   * downloads no longer need the thread pool); a file is also fsynced during its download each
   * time `syncEveryBytes` more bytes of it were written. `fsync` makes a closed file's data
   * durable (fs-atomic.ts's `fsyncFile`; tests pass one that lets them order fsyncs and writes).
   */
  constructor(
    maxInFlight: number,
    drainInFlight: number,
    syncEveryBytes: number,
    fsync: (path: string) => Promise<void> = fsyncFile,
  ) {
    this.#maxInFlight = Math.max(1, maxInFlight);
    this.#drainInFlight = Math.max(1, drainInFlight);
    this.#syncEveryBytes = syncEveryBytes;
    this.#fsync = fsync;
  }

  /** `bytes` more bytes of the staging file at `path` reached the page cache. */
  written(path: string, bytes: number): void {
    const file = this.#file(path);
    file.unsynced += bytes;
    if (file.unsynced >= this.#syncEveryBytes) this.#request(path, file);
  }

  /** The staging file at `path` is written whole and closed: fsyncs it. */
  complete(path: string): void {
    this.#request(path, this.#file(path));
  }

  /**
   * Waits for every fsync requested so far; throws the first failure (an `Error` from fsync(2) or
   * open(2)), in which case the files must not be installed.
   */
  async drain(): Promise<void> {
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#drainInFlight);
    this.#pump();
    if (this.#running > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    if (this.#failure) throw this.#failure.error;
  }

  #file(path: string): StagedFile {
    let file = this.#files.get(path);
    if (!file) {
      file = { unsynced: 0, queued: false };
      this.#files.set(path, file);
    }
    return file;
  }

  /**
   * Queues an fsync of `path` unless one is queued and not started: that one starts after this
   * call, so it covers every byte written before it. One already running may not, so another is
   * queued behind it.
   */
  #request(path: string, file: StagedFile): void {
    if (file.queued) return;
    file.queued = true;
    this.#queue.push(async () => {
      file.queued = false;
      file.unsynced = 0;
      try {
        if (!this.#failure) await this.#fsync(path);
      } catch (error) {
        this.#failure ??= { error };
      }
    });
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#maxInFlight && this.#queue.length > 0) {
      const sync = this.#queue.shift()!;
      this.#running++;
      void sync().finally(() => {
        this.#running--;
        this.#pump();
        if (this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }
}
