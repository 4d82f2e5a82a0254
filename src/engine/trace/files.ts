/**
 * Names of batch files. A batch file that is complete is named by the SHA-256 of its bytes, in
 * the checkpoint store's state directory, so a checkpoint lists it without copying it and the
 * object store uploads it once; while it is being written it has a temporary name that the
 * checkpoint store removes after a crash (src/storage/fs-atomic.ts uses the same prefix).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export function tempBatchPath(dir: string): string {
  return join(dir, `.tmp-batch-${randomBytes(8).toString('hex')}`);
}

export function batchPath(dir: string, sha256: string): string {
  return join(dir, sha256);
}
