/**
 * `GUNZIP(binary)` as Feldera runs it (flate2's `GzDecoder`, then `read_to_string`): only the
 * first gzip member is decompressed and whatever follows it is ignored; the header (magic,
 * method, flags, optional fields and header CRC) and the trailer (CRC-32 and length of the
 * data) are checked; the data must be UTF-8. Any failure fails the step, as Feldera's
 * runtime panics. Node's `gunzipSync` is not used because it decompresses every member and
 * rejects trailing bytes.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { SqlRuntimeError } from '../errors.js';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

function bad(why: string): never {
  throw new SqlRuntimeError(`GUNZIP: failed to decompress gzipped data: ${why}`);
}

/** Offset of the first byte after a gzip member's header. */
function skipHeader(b: Buffer): number {
  if (b.length < 10 || b[0] !== 0x1f || b[1] !== 0x8b) bad('invalid gzip header');
  if (b[2] !== 8) bad('unsupported compression method');
  const flags = b[3]!;
  let i = 10;
  if (flags & FEXTRA) {
    if (i + 2 > b.length) bad('truncated header');
    i += 2 + b.readUInt16LE(i);
  }
  for (const flag of [FNAME, FCOMMENT])
    if (flags & flag) {
      const zero = b.indexOf(0, i);
      if (zero < 0) bad('truncated header');
      i = zero + 1;
    }
  if (flags & FHCRC) {
    if (i + 2 > b.length) bad('truncated header');
    if ((crc32(b.subarray(0, i)) & 0xffff) !== b.readUInt16LE(i)) bad('header checksum mismatch');
    i += 2;
  }
  if (i > b.length) bad('truncated header');
  return i;
}

/** The text of the first gzip member of `bytes`. */
export function gunzip(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = skipHeader(b);
  let data: Buffer;
  let used: number;
  try {
    const { buffer, engine } = inflateRawSync(b.subarray(start), { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    data = buffer;
    used = engine.bytesWritten;
  } catch (err) {
    return bad((err as Error).message);
  }
  const trailer = start + used;
  if (trailer + 8 > b.length) bad('truncated gzip trailer');
  if (crc32(data) !== b.readUInt32LE(trailer)) bad('checksum mismatch');
  if (data.length % 2 ** 32 !== b.readUInt32LE(trailer + 4)) bad('length mismatch');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
  } catch {
    return bad('the data is not valid UTF-8');
  }
}
