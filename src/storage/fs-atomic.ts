/**
 * Durable file operations: the building blocks of crash safety.
 *
 * rename(2) replaces a name atomically within one directory, but neither the data of the renamed
 * file nor the rename itself survives a power loss until fsync: the data needs an fsync of the
 * file before the rename, the new name an fsync of the directory after it. Every file Sluice
 * persists is therefore written under a temporary name (prefix `.tmp-`), fsynced, renamed into
 * place, and its directory fsynced. A crash at any instant leaves the old name, the new name
 * with complete contents, or a stray temporary file, which `removeTempFiles` deletes when the
 * store is opened again.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const TEMP_PREFIX = '.tmp-';

/** A fresh temporary path in `dir`; same directory as the final name, so rename is atomic. */
export function tempPathIn(dir: string): string {
  return join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'));
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the data of the file at `path`, written and closed earlier, durable. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `path` (created or truncated) and fsyncs it. */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes `dir/name` hold exactly `data`, atomically and durably. `beforeRename` runs once the
 * temporary file is durable and before it takes the final name (tests crash there).
 */
export async function writeFileAtomic(
  dir: string,
  name: string,
  data: Uint8Array | string,
  beforeRename?: () => void,
): Promise<void> {
  const temp = tempPathIn(dir);
  try {
    await writeFileSynced(temp, data);
    beforeRename?.();
    await rename(temp, join(dir, name));
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Deletes the temporary files a crash left in `dir`; returns how many. */
export async function removeTempFiles(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    await unlink(join(dir, name)).catch(ignoreMissing);
    removed++;
  }
  return removed;
}

/** The size of the file at `path`, or null when there is none. */
export async function fileSizeOrNull(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

export function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

export function ignoreMissing(err: unknown): void {
  if (!isMissing(err)) throw err;
}
