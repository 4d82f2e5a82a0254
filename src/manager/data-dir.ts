/**
 * The manager's data directory: created private, tightened if an older version left it
 * readable, and locked by the one manager that owns it.
 *
 * Private: the directory is 0700 and every file the manager writes 0600, set explicitly
 * rather than through the umask, because `startManager` may be embedded in a process (tests,
 * another program) whose umask it must not change. A directory written by an older Sluice
 * (0755 directories, 0644 files) is tightened at start: every entry with a group or other
 * permission bit gets the private mode. Symbolic links are neither followed nor changed.
 *
 * Locked: a second manager on the same directory would adopt the first one's pipelines and
 * spawn processes into the same storage. The owner holds an exclusive lock on
 * `manager.lock` (storage/dir-lock.ts) until it closes or dies; `manager.json` beside it
 * names the holder (pid, URL) for the message a second manager prints. The lock does not
 * cover the metadata database itself: `--create-api-key` writes to the database while a
 * manager runs, which SQLite's own locking makes safe.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DirectoryLock, LockHeldError, lockFile } from '../storage/dir-lock.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../types/runtime.js';

export const MANAGER_FILES = {
  metadata: 'metadata.sqlite',
  lock: 'manager.lock',
  holder: 'manager.json',
  pipelines: 'pipelines',
} as const;

/** Creates `path` (and missing parents) as private directories; an existing `path` is made 0700. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(path, PRIVATE_DIR_MODE);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Removes group and other permissions from every directory and file under `root` (0700 and
 * 0600). Entries that vanish meanwhile (a running pipeline deleting a temporary file) are
 * skipped.
 */
export function tightenTree(root: string): void {
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      if (isMissing(err)) continue;
      throw err;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const st = lstatSync(path);
        if (st.isDirectory()) {
          if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
          pending.push(path);
        } else if (st.isFile() && (st.mode & 0o077) !== 0) {
          chmodSync(path, PRIVATE_FILE_MODE);
        }
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
  }
}

/** Creates the data directory private (or makes an existing one private) and tightens its contents. */
export function prepareDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir);
  tightenTree(dataDir);
  ensurePrivateDir(join(dataDir, MANAGER_FILES.pipelines));
}

/** Who holds a data directory, as `manager.json` says (advisory: for messages only). */
interface Holder {
  pid: number;
  url: string | null;
}

function readHolder(dataDir: string): Holder | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, MANAGER_FILES.holder), 'utf8')) as Holder;
  } catch {
    return null;
  }
}

/** The lock of a data directory, held by the manager that serves it. */
export interface DataDirLock {
  /** Records where this manager serves, for the message another manager would print. */
  announce(url: string): void;
  release(): void;
}

/**
 * Locks `dataDir` for this manager. Throws an `Error` naming the directory and, when known,
 * the holder's pid and URL if another manager holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  let lock: DirectoryLock;
  try {
    lock = lockFile(join(dataDir, MANAGER_FILES.lock), { mode: PRIVATE_FILE_MODE });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    const holder = readHolder(dataDir);
    const who = holder ? ` (pid ${holder.pid}${holder.url ? `, serving ${holder.url}` : ''})` : '';
    throw new Error(
      `the data directory ${dataDir} is in use by another Sluice manager${who}. ` +
        'Stop that manager first, or give this one its own --data-dir.',
    );
  }
  const writeHolder = (url: string | null) =>
    writeFileSync(join(dataDir, MANAGER_FILES.holder), JSON.stringify({ pid: process.pid, url }), {
      mode: PRIVATE_FILE_MODE,
    });
  writeHolder(null);
  return {
    announce: (url) => writeHolder(url),
    release: () => lock.release(),
  };
}
