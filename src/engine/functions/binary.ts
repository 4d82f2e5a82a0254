/**
 * Binary-string functions (Feldera's reference, "Binary (Byte Array) Operations"), on
 * `Uint8Array` values. Positions and lengths count bytes. The rules follow Feldera's runtime
 * (sqllib's binary.rs), which differ from the string functions in places:
 * - `SUBSTRING(b FROM s FOR n)` takes n bytes from max(s, 1), without shortening n when s < 1
 *   (`SUBSTRING(x'123456' FROM 0 FOR 2)` is x'1234'); a negative n gives the empty value;
 * - `POSITION` of an empty needle fails the step (Rust's `windows(0)` panics);
 * - `TO_INT` reads at most the first 4 bytes, big-endian, into a 32-bit two's complement INT.
 * A string passed where a binary is expected arrives as its UTF-8 bytes (`utf8_bytes`).
 */
import { createHash } from 'node:crypto';
import { SqlRuntimeError } from '../errors.js';
import { toHex } from '../values/binary.js';
import type { Value } from '../values/value.js';
import { gunzip } from './gunzip.js';
import { type KernelFamily, strict } from './kernel.js';

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Bytes from 1-based position `start` (at least 1), `count` of them when given. */
export function binarySubstring(b: Uint8Array, start: number, count: number | null): Uint8Array {
  if (count !== null && count < 0) return EMPTY;
  const from = Math.max(start, 1) - 1;
  return b.slice(from, count === null ? b.length : from + count);
}

function binaryRight(b: Uint8Array, n: number): Uint8Array {
  return n <= 0 ? EMPTY : b.slice(Math.max(0, b.length - n));
}

/** 1-based position of `needle` in `hay`, 0 when absent. */
function binaryPosition(needle: Uint8Array, hay: Uint8Array): number {
  if (needle.length === 0)
    throw new SqlRuntimeError('POSITION: the binary string searched for is empty (Feldera fails here too)');
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle) + 1;
}

/** OVERLAY(b PLACING r FROM pos [FOR remove]) on bytes; `remove` defaults to r's length. */
function binaryOverlay(b: Uint8Array, r: Uint8Array, pos: number, remove: number): Uint8Array {
  if (pos <= 0) return b;
  if (pos > b.length) return concat(b, r);
  return concat(
    concat(b.subarray(0, pos - 1), r),
    b.subarray(Math.min(b.length, pos - 1 + Math.max(remove, 0))),
  );
}

function toInt(b: Uint8Array): number {
  let r = 0;
  for (let i = 0; i < Math.min(4, b.length); i++) r = (r << 8) | b[i]!;
  return r;
}

export const BINARY_KERNELS: KernelFamily = {
  utf8_bytes: strict(([s]) => encoder.encode(s as string)),
  binary_concat: strict(([a, b]) => concat(a as Uint8Array, b as Uint8Array)),
  binary_substring: strict(([b, start, count]) =>
    binarySubstring(b as Uint8Array, start as number, (count as number | undefined) ?? null),
  ),
  binary_left: strict(([b, n]) => binarySubstring(b as Uint8Array, 1, n as number)),
  binary_right: strict(([b, n]) => binaryRight(b as Uint8Array, n as number)),
  binary_position: strict(([needle, hay]) => binaryPosition(needle as Uint8Array, hay as Uint8Array)),
  binary_overlay: strict(([b, r, pos, remove]) =>
    binaryOverlay(
      b as Uint8Array,
      r as Uint8Array,
      pos as number,
      (remove as number | undefined) ?? (r as Uint8Array).length,
    ),
  ),
  octet_length: strict(([b]) => (b as Uint8Array).length),
  to_hex: strict(([b]) => toHex(b as Uint8Array)),
  to_int: strict(([b]) => toInt(b as Uint8Array)),
  md5: strict(([b]) =>
    createHash('md5')
      .update(b as Uint8Array)
      .digest('hex'),
  ),
  gunzip: strict(([b]) => gunzip(b as Uint8Array)),
  /** BIN2UTF8: NULL when the bytes are not UTF-8. */
  bin2utf8: strict(([b]): Value => {
    try {
      return strictUtf8.decode(b as Uint8Array);
    } catch {
      return null;
    }
  }),
};
