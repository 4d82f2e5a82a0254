/**
 * A byte range of an open file, hashed and sent as a request body through a `ChunkPool`'s
 * buffers (see chunk-pool.ts for why): nothing is allocated per read, and a transfer holds one
 * chunk at a time whatever the range's size.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ChunkPool } from './chunk-pool.js';
import type { ChunkedBody } from './s3-client.js';

export interface FileRange {
  handle: FileHandle;
  /** Byte offset of the range in the file. */
  offset: number;
  /** Bytes in the range. */
  length: number;
  chunks: ChunkPool;
}

/** The file ended inside a range it was expected to hold: it is shorter than its stated size. */
export class FileEndedError extends Error {
  /** File offset at which it ended. */
  readonly position: number;

  constructor(position: number) {
    super(`The file ended at byte ${position}`);
    this.name = 'FileEndedError';
    this.position = position;
  }
}

/** Fills `buffer[0, length)` from `position`; throws `FileEndedError` if the file ends first. */
async function readFully(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<void> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new FileEndedError(position + filled);
    filled += bytesRead;
  }
}

/**
 * Calls `consume` with each chunk of `range`, in order, each valid only until the promise
 * `consume` returns settles; the chunk's buffer is reused after that. A rejected `consume`
 * ends the walk with its error, and its buffer is dropped rather than reused: a failed socket
 * write may still refer to it.
 */
async function forEachChunk(
  range: FileRange,
  consume: (chunk: Buffer) => Promise<void> | void,
): Promise<void> {
  const { handle, offset, length, chunks } = range;
  for (let done = 0; done < length; ) {
    const buffer = chunks.take();
    const n = Math.min(buffer.length, length - done);
    await readFully(handle, buffer, n, offset + done);
    await consume(buffer.subarray(0, n));
    chunks.give(buffer);
    done += n;
  }
}

/** Feeds the bytes of `range` to every hash in `hashes`; throws `FileEndedError` on a short file. */
export function hashRange(range: FileRange, hashes: readonly Hash[]): Promise<void> {
  return forEachChunk(range, (chunk) => {
    for (const hash of hashes) hash.update(chunk);
  });
}

/** `range` as a request body; each `writeTo` reads it again, so a retried request resends it. */
export function rangeBody(range: FileRange): ChunkedBody {
  return { length: range.length, writeTo: (write) => forEachChunk(range, write) };
}
