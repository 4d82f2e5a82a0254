/**
 * Hashing of checkpoint files without stalling the event loop.
 *
 * A checkpoint file can be hundreds of megabytes, and the process that hashes it also serves
 * HTTP. Hashing a large buffer in one `update` call would freeze that server for the whole
 * time, so buffers are fed to the hash in 4 MiB slices with a turn of the event loop between
 * slices, and files are hashed as they are read, each read yielding on its own.
 */
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

export type HashAlgorithm = 'sha256' | 'md5';

/** A lowercase hex SHA-256: the name of every state file and remote blob. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

const SLICE_BYTES = 4 * 1024 * 1024;
const FILE_READ_BYTES = 1024 * 1024;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Feeds `data` to every hash in `hashes`, yielding to the event loop between slices. */
export async function updateHashes(hashes: readonly Hash[], data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length; offset += SLICE_BYTES) {
    if (offset > 0) await yieldToEventLoop();
    const slice = data.subarray(offset, offset + SLICE_BYTES);
    for (const hash of hashes) hash.update(slice);
  }
}

/** The hex digests of `data` under each algorithm, computed in one pass. */
export async function digestBuffer<A extends HashAlgorithm>(
  data: Uint8Array,
  algorithms: readonly A[],
): Promise<Record<A, string>> {
  const hashes = algorithms.map((algorithm) => createHash(algorithm));
  await updateHashes(hashes, data);
  const out = {} as Record<A, string>;
  algorithms.forEach((algorithm, i) => {
    out[algorithm] = hashes[i]!.digest('hex');
  });
  return out;
}

export async function sha256OfBuffer(data: Uint8Array): Promise<string> {
  return (await digestBuffer(data, ['sha256'])).sha256;
}

/** SHA-256 and byte count of a file, read once. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const { sha256, size } = await digestFile(path, ['sha256']);
  return { sha256, size };
}

/**
 * The hex digests of a file under each algorithm, read once, and its size. The file is read
 * into one reused buffer rather than through a read stream, which allocates a fresh buffer per
 * read (each a megabyte of new pages for the kernel to fault in, then garbage) and copies the
 * last, short one; each read still yields to the event loop.
 */
async function digestFile<A extends HashAlgorithm>(
  path: string,
  algorithms: readonly A[],
): Promise<Record<A, string> & { size: number }> {
  const hashes = algorithms.map((algorithm) => createHash(algorithm));
  const buffer = Buffer.allocUnsafe(FILE_READ_BYTES);
  let size = 0;
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, FILE_READ_BYTES, size);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      for (const hash of hashes) hash.update(chunk);
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const out = { size } as Record<A, string> & { size: number };
  algorithms.forEach((algorithm, i) => {
    (out as Record<A, string>)[algorithm] = hashes[i]!.digest('hex');
  });
  return out;
}

/** Converts a hex digest to the base64 form HTTP headers such as Content-MD5 carry. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
