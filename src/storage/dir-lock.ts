/**
 * Exclusive locks on directories, held for the life of a process and released by the OS
 * when it dies.
 *
 * A lock is a small SQLite database file in the directory, opened with
 * `locking_mode=EXCLUSIVE` and a `BEGIN EXCLUSIVE` transaction: SQLite then keeps its POSIX
 * (fcntl) write lock on the file until the connection closes. The kernel drops fcntl locks
 * when the process exits however it exits (SIGKILL included), so there is no stale lock to
 * guess about and no pid to check. SQLite also tracks its locks per file inside a process,
 * so a second lock on the same file in the same process is refused too (plain fcntl locks
 * would let it through), which matters for managers embedded in tests.
 *
 * Caveat of fcntl locks: closing *any* descriptor of the file releases the process's locks on
 * it, so nothing but this module may open a lock file (chmod and stat are fine).
 */
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Thrown when another process (or another lock in this one) holds the lock. */
export class LockHeldError extends Error {
  constructor(readonly path: string) {
    super(`${path} is locked by another process`);
  }
}

/** A held lock; `release` drops it (idempotent). */
export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the exclusive lock on the file `path` (created with `mode` if missing), waiting up to
 * `waitMs` for a holder to let go. Throws `LockHeldError` if it stays held.
 */
export function lockFile(path: string, options: { waitMs?: number; mode?: number } = {}): DirectoryLock {
  let db: Database.Database | null = new Database(path, { timeout: options.waitMs ?? 0 });
  try {
    // Only the lock is wanted: no journal file, no data.
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new LockHeldError(path);
    throw err;
  }
  if (options.mode !== undefined) chmodSync(path, options.mode);
  return {
    path,
    release() {
      db?.close();
      db = null;
    },
  };
}
