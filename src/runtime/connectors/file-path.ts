/**
 * The checks a local-file connector's path gets when the pipeline starts (its shape was
 * checked at compile time: connectors/file/settings.ts): the file must not be inside Sluice's
 * data directory (a connector must not read or overwrite checkpoints, journals or the
 * metadata database), must not be a symbolic link (a link planted in a shared directory such
 * as /tmp would redirect the write), and must be a regular file if it exists (not a device,
 * FIFO or directory). The directory it is in must exist: as Feldera, no directory is created.
 * The parent directory is resolved through its links, so a link to the data directory is
 * caught; the file itself is then opened with `O_NOFOLLOW`, so a link created after the check
 * fails the open instead of being followed.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** Sluice's data directory, from a pipeline's directory (`<data>/pipelines/<id>`). */
export function dataDirOf(pipelineDir: string): string {
  return resolve(pipelineDir, '..', '..');
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(e.message ?? err);
}

/**
 * Checks `path` for a connector; returns null when it may be used, else why not. `mustExist`:
 * an input file (an output file is created when missing).
 */
export function pathProblem(path: string, dataDir: string, mustExist: boolean): string | null {
  let parent: string;
  try {
    parent = realpathSync(dirname(path));
  } catch (err) {
    return `the directory '${dirname(path)}' cannot be used (${reason(err)})`;
  }
  let root: string;
  try {
    root = realpathSync(dataDir);
  } catch {
    root = resolve(dataDir);
  }
  const real = join(parent, basename(path));
  if (real === root || real.startsWith(root + sep))
    return `'${path}' is inside Sluice's data directory, which connectors may not read or write`;
  let stat: ReturnType<typeof lstatSync> | undefined;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return reason(err);
  }
  if (!stat) return mustExist ? `'${path}' does not exist` : null;
  if (stat.isSymbolicLink()) return `'${path}' is a symbolic link; give the path of the file itself`;
  if (!stat.isFile()) return `'${path}' is not a regular file`;
  return null;
}
