/**
 * A write to the pipeline's storage that failed for want of space (a full disk, `ENOSPC`, or
 * an exhausted quota, `EDQUOT`), said plainly to the client whose request it stopped.
 */
import { ApiError } from '../types/errors.js';

/** Whether `err` is a failed write for want of space. */
export function isStorageFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * The error for an ingress request into `table` whose journal append failed with `err`:
 * `InternalError` (500, the status and code it had before) saying that the
 * pipeline's storage is full and that nothing of the request was accepted (the journal cuts
 * back a failed append, and the request's rows were not queued); `err` itself when it is
 * another failure.
 */
export function ingressWriteError(err: unknown, table: string): unknown {
  if (!isStorageFull(err)) return err;
  return new ApiError(
    'InternalError',
    `The pipeline's storage is full (${(err as NodeJS.ErrnoException).code}: no space left to journal the input): nothing of this request to table '${table}' was accepted; free space in the pipeline's storage and send it again`,
    { table, reason: 'storage full' },
  );
}
