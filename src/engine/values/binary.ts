/**
 * BINARY / VARBINARY values (`Uint8Array`, never mutated once built) and UUIDs (canonical
 * lower-case text): their text forms and the length rules casts apply, as Feldera's reference
 * states them ("Casts and Data Type Conversions", "UUID Operations").
 */
import { ValueError } from './errors.js';
import type { ColumnType } from './types.js';

const HEX_TEXT = /^[0-9a-fA-F]*$/;
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Lower-case hexadecimal digits of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of an even-length hexadecimal string; undefined if it is not one. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !HEX_TEXT.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/**
 * Applies a binary type's length: `BINARY(n)` is exactly n bytes (cut or zero-padded on the
 * right), `VARBINARY(n)` at most n (cut on the right); `VARBINARY` keeps everything.
 */
export function fitBinary(bytes: Uint8Array, to: ColumnType): Uint8Array {
  const n = to.precision ?? -1;
  if (to.type === 'BINARY') {
    const len = n < 0 ? 1 : n;
    if (bytes.length === len) return bytes;
    const out = new Uint8Array(len);
    out.set(bytes.subarray(0, len));
    return out;
  }
  return n >= 0 && bytes.length > n ? bytes.slice(0, n) : bytes;
}

/**
 * Big-endian bytes of an integer in `width` bytes (two's complement), as a cast of an integer
 * to a binary type produces them before the target's length is applied on the left.
 */
export function integerBytes(v: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let x = BigInt.asUintN(width * 8, v);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** Canonical form of a UUID literal (`8-4-4-4-12` hex digits); throws `ValueError` otherwise. */
export function parseUuid(text: string): string {
  const t = text.trim();
  if (!UUID_TEXT.test(t)) throw new ValueError(`'${text}' is not a valid UUID`);
  return t.toLowerCase();
}

/** The 16 bytes of a UUID. */
export function uuidToBytes(uuid: string): Uint8Array {
  return fromHex(uuid.replace(/-/g, ''))!;
}

/** The UUID of exactly 16 bytes; throws `ValueError` for any other length. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new ValueError(`a UUID needs 16 bytes, got ${bytes.length}`);
  const h = toHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The UUID of the first 16 bytes of a binary value, as CAST(binary AS UUID) reads it (Feldera's
 * sqllib `cast_to_Uuid_bytes`: longer values are cut); fewer than 16 bytes is a `ValueError`.
 */
export function uuidFromLeadingBytes(bytes: Uint8Array): string {
  if (bytes.length < 16)
    throw new ValueError(`Need at least 16 bytes in BINARY value to create an UUID, got ${bytes.length}`);
  return uuidFromBytes(bytes.length === 16 ? bytes : bytes.subarray(0, 16));
}
