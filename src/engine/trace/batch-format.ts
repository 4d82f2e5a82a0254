/**
 * The batch file: an immutable, sorted, consolidated run of a trace's entries.
 *
 *   [data block]…  [index block]  [bloom block]  [footer, 68 bytes]
 *
 * - A data block holds consecutive entries in key order, about 16 KiB of them:
 *   `u32 count`, then per entry `u8 flags` (1: tombstone, 2: key stored as UTF-16LE instead of
 *   Latin-1), `u32 key bytes`, the key, `u32 prefix length` (in code units: the part of the key
 *   the bloom filter hashed), and unless a tombstone `u32 value bytes` and the value. Values are opaque
 *   here: the trace's codec wrote them (src/engine/state-codec.ts), so new value types need no
 *   change to this format.
 * - The index: `u32 block count`, then per block `f64 offset`, `u32 length`, `u32 CRC-32`,
 *   `u32 count`, and its first key (flags, length, bytes). It is read once per batch, kept in
 *   memory as these bytes (`BatchIndex`), and searched to find the one block that can hold a key.
 * - The bloom block is the filter over entry prefixes (bloom.ts).
 * - The footer: magic `SLUICEB1`, format version, entry and tombstone counts, offset, length
 *   and CRC-32 of the index and of the bloom block, and its own CRC-32.
 * Every part is checked against its CRC-32 when it is first read, so a damaged file is found
 * at the block it damages (the file's SHA-256, its name, is checked in the background on resume
 * and on every pull). Little-endian throughout. Keys are compared as JS strings (UTF-16 code
 * units); they are stored as Latin-1 when every code unit fits in a byte, which also keeps
 * lone surrogates intact where UTF-8 would not.
 *
 * `BatchBuilder` writes the format in one pass to a sink (a file, or memory for small batches);
 * `BatchReader` (batch-reader.ts) reads it.
 */
import { crc32 } from 'node:zlib';
import { StateWriter } from '../state-codec.js';
import { Bloom } from './bloom.js';

export const BATCH_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('SLUICEB1', 'latin1');
export const FOOTER_BYTES = 68;
/** Data blocks are closed once they reach this many bytes. */
export const TARGET_BLOCK_BYTES = 16 * 1024;

export const FLAG_TOMBSTONE = 1;
export const FLAG_WIDE = 2;

/** The state codec's growing buffer, plus batch keys and taking a finished block. */
export class ByteBuffer extends StateWriter {
  /**
   * Writes `key` with its flags and length; `extraFlags` are or-ed in. The key is copied as
   * Latin-1 in one pass and rewritten as UTF-16LE only if a code unit does not fit a byte (a
   * regular-expression test plus `Buffer.write` cost more than the copy for keys of a row).
   */
  key(key: string, extraFlags: number): void {
    const n = key.length;
    this.ensure(5 + n);
    const buf = this.buf;
    const at = this.pos;
    const start = at + 5;
    let i = 0;
    for (; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c > 0xff) break;
      buf[start + i] = c;
    }
    if (i === n) {
      buf[at] = extraFlags;
      buf.writeUInt32LE(n, at + 1);
      this.pos = start + n;
      return;
    }
    this.ensure(5 + 2 * n);
    this.buf[at] = extraFlags | FLAG_WIDE;
    this.buf.writeUInt32LE(2 * n, at + 1);
    this.buf.write(key, start, 2 * n, 'utf16le');
    this.pos = start + 2 * n;
  }

  /** The bytes written so far, copied out; the buffer is then empty and reused. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  /**
   * The bytes written so far, not copied: valid only until the next write. The buffer is then
   * empty and reused.
   */
  takeView(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }
}

/** What a finished batch holds. */
export interface BatchSummary {
  entries: number;
  tombstones: number;
  bytes: number;
}

/**
 * Writes a batch in one pass. Keys must be added in strictly ascending order; blocks go to
 * `sink` as they fill, and `finish` writes the index, bloom filter and footer.
 */
export class BatchBuilder {
  private readonly block = new ByteBuffer();
  private readonly index = new ByteBuffer();
  private readonly bloom: Bloom;
  private blockCount = 0;
  private blockEntries = 0;
  private blockFirst: string | null = null;
  private last: string | null = null;
  private offset = 0;
  private entries = 0;
  private tombstones = 0;

  /**
   * `sink` gets each chunk once; with `sinkKeepsChunks` false it must be done with a chunk when
   * it returns (a file sink writes and hashes it), and data blocks are then handed over from
   * one reused buffer instead of a copy each (a merge wrote its whole output as garbage
   * buffers, which the worker's isolate freed only at its next GC).
   */
  constructor(
    expectedEntries: number,
    private readonly sink: (chunk: Buffer) => void,
    private readonly sinkKeepsChunks = true,
  ) {
    this.bloom = Bloom.forEntries(expectedEntries);
    this.block.u32(0);
  }

  add(key: string, prefixLength: number, value: Uint8Array | null): void {
    if (this.last !== null && !(this.last < key))
      throw new Error(`batch keys out of order: ${JSON.stringify(key)} after ${JSON.stringify(this.last)}`);
    this.last = key;
    if (this.blockFirst === null) this.blockFirst = key;
    const b = this.block;
    b.key(key, value === null ? FLAG_TOMBSTONE : 0);
    b.u32(prefixLength);
    if (value === null) this.tombstones++;
    else {
      b.u32(value.length);
      b.bytes(value);
    }
    this.bloom.add(key, prefixLength);
    this.entries++;
    this.blockEntries++;
    if (b.length >= TARGET_BLOCK_BYTES) this.flushBlock();
  }

  private flushBlock(): void {
    if (this.blockEntries === 0) return;
    this.block.patchU32(0, this.blockEntries);
    const data = this.sinkKeepsChunks ? this.block.take() : this.block.takeView();
    const crc = crc32(data);
    this.sink(data);
    this.index.f64(this.offset);
    this.index.u32(data.length);
    this.index.u32(crc);
    this.index.u32(this.blockEntries);
    this.index.key(this.blockFirst!, 0);
    this.offset += data.length;
    this.blockCount++;
    this.blockEntries = 0;
    this.blockFirst = null;
    this.block.u32(0);
  }

  finish(): BatchSummary {
    this.flushBlock();
    // Neither the index nor the filter is copied: the filter alone is 10 bits per entry, and a
    // copy of each for the largest merge's output was a transient of megabytes in the worker.
    const head = u32(this.blockCount);
    // The builder writes nothing after this, so views of its buffers stay valid.
    const entries = this.index.takeView();
    const bits = this.bloom.bits;
    const bloom = Buffer.from(bits.buffer, bits.byteOffset, bits.length);
    const indexCrc = crc32(entries, crc32(head));
    const indexLength = head.length + entries.length;
    const indexOffset = this.offset;
    const bloomOffset = indexOffset + indexLength;
    const footer = Buffer.alloc(FOOTER_BYTES);
    MAGIC.copy(footer, 0);
    footer.writeUInt32LE(BATCH_FORMAT_VERSION, 8);
    footer.writeDoubleLE(this.entries, 16);
    footer.writeDoubleLE(this.tombstones, 24);
    footer.writeDoubleLE(indexOffset, 32);
    footer.writeUInt32LE(indexLength, 40);
    footer.writeUInt32LE(indexCrc, 44);
    footer.writeDoubleLE(bloomOffset, 48);
    footer.writeUInt32LE(bloom.length, 56);
    footer.writeUInt32LE(crc32(bloom), 60);
    footer.writeUInt32LE(crc32(footer.subarray(0, 64)), 64);
    this.sink(head);
    this.sink(entries);
    this.sink(bloom);
    this.sink(footer);
    return {
      entries: this.entries,
      tombstones: this.tombstones,
      bytes: bloomOffset + bloom.length + FOOTER_BYTES,
    };
  }
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A batch file whose bytes do not match their checksums or layout. */
export class CorruptBatchError extends Error {
  override readonly name = 'CorruptBatchError';
}

/** Where each part of a batch lies, from its footer. */
export interface BatchFooter {
  entries: number;
  tombstones: number;
  indexOffset: number;
  indexLength: number;
  indexCrc: number;
  bloomOffset: number;
  bloomLength: number;
  bloomCrc: number;
}

export function parseFooter(footer: Buffer, fileSize: number, what: string): BatchFooter {
  const fail = (reason: string): never => {
    throw new CorruptBatchError(`batch ${what}: ${reason}`);
  };
  if (footer.length !== FOOTER_BYTES) fail(`is shorter than its footer (${fileSize} bytes)`);
  if (!footer.subarray(0, 8).equals(MAGIC)) fail('is not a Sluice batch file (bad magic)');
  if (crc32(footer.subarray(0, 64)) !== footer.readUInt32LE(64)) fail('footer checksum mismatch');
  const version = footer.readUInt32LE(8);
  if (version !== BATCH_FORMAT_VERSION)
    fail(`has batch format version ${version}; this Sluice reads version ${BATCH_FORMAT_VERSION}`);
  const f: BatchFooter = {
    entries: footer.readDoubleLE(16),
    tombstones: footer.readDoubleLE(24),
    indexOffset: footer.readDoubleLE(32),
    indexLength: footer.readUInt32LE(40),
    indexCrc: footer.readUInt32LE(44),
    bloomOffset: footer.readDoubleLE(48),
    bloomLength: footer.readUInt32LE(56),
    bloomCrc: footer.readUInt32LE(60),
  };
  if (
    f.bloomOffset + f.bloomLength + FOOTER_BYTES !== fileSize ||
    f.indexOffset + f.indexLength !== f.bloomOffset
  )
    fail('footer does not describe the file layout');
  return f;
}

/** One data block as the index describes it. */
export interface BlockRef {
  offset: number;
  length: number;
  crc: number;
  count: number;
}

/** Bytes of an index entry before its key: offset (f64), length, CRC-32, count (u32 each). */
const INDEX_ENTRY_HEAD = 20;

/**
 * A batch's index as stored: the index bytes themselves and where each entry starts. Block
 * references are read from the bytes when a block is fetched, and a key is compared with a
 * block's first key in place, without decoding it to a string. The parsed form this replaces
 * (an object and a string per block) took about 2.5× the bytes, and an open batch keeps its
 * index for as long as it is open (docs/design/state.md, Memory).
 */
export class BatchIndex {
  readonly count: number;
  /** Resident bytes: the index bytes and the entry positions. */
  readonly bytes: number;

  constructor(
    private readonly buf: Buffer,
    private readonly at: Uint32Array,
  ) {
    this.count = at.length;
    this.bytes = buf.length + at.byteLength;
  }

  block(i: number): BlockRef {
    const at = this.at[i]!;
    const buf = this.buf;
    return {
      offset: buf.readDoubleLE(at),
      length: buf.readUInt32LE(at + 8),
      crc: buf.readUInt32LE(at + 12),
      count: buf.readUInt32LE(at + 16),
    };
  }

  /** Block `i`'s first key, decoded. */
  firstKey(i: number): string {
    return readKey(this.buf, this.at[i]! + INDEX_ENTRY_HEAD).key;
  }

  /**
   * Negative, zero or positive as block `i`'s first key sorts before, equal to or after `key`,
   * comparing UTF-16 code units as JS strings do.
   */
  compareFirstKey(i: number, key: string): number {
    const buf = this.buf;
    const pos = this.at[i]! + INDEX_ENTRY_HEAD;
    const length = buf.readUInt32LE(pos + 1);
    const start = pos + 5;
    if ((buf[pos]! & FLAG_WIDE) === 0) {
      const n = Math.min(length, key.length);
      for (let j = 0; j < n; j++) {
        const d = buf[start + j]! - key.charCodeAt(j);
        if (d !== 0) return d;
      }
      return length - key.length;
    }
    const units = length >>> 1;
    const n = Math.min(units, key.length);
    for (let j = 0; j < n; j++) {
      const d = buf.readUInt16LE(start + 2 * j) - key.charCodeAt(j);
      if (d !== 0) return d;
    }
    return units - key.length;
  }

  /** The first block whose first key is >= `key` (`count` if none). */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareFirstKey(mid, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function readKey(buf: Buffer, pos: number): { key: string; flags: number; next: number } {
  const flags = buf[pos]!;
  const length = buf.readUInt32LE(pos + 1);
  const start = pos + 5;
  const key = buf.toString(flags & FLAG_WIDE ? 'utf16le' : 'latin1', start, start + length);
  return { key, flags, next: start + length };
}

/**
 * Checks an index's CRC-32 and finds its entries. `buf` is kept as the index's storage, so it
 * must not be a slice of a pooled or reused buffer.
 */
export function parseIndex(buf: Buffer, crc: number, what: string): BatchIndex {
  if (crc32(buf) !== crc) throw new CorruptBatchError(`batch ${what}: index checksum mismatch`);
  const n = buf.readUInt32LE(0);
  const at = new Uint32Array(n);
  let pos = 4;
  for (let i = 0; i < n; i++) {
    at[i] = pos;
    const keyAt = pos + INDEX_ENTRY_HEAD;
    if (keyAt + 5 > buf.length) throw new CorruptBatchError(`batch ${what}: index is malformed`);
    pos = keyAt + 5 + buf.readUInt32LE(keyAt + 1);
  }
  if (pos !== buf.length) throw new CorruptBatchError(`batch ${what}: index is malformed`);
  return new BatchIndex(buf, at);
}

export function parseBloom(buf: Buffer, crc: number, what: string): Bloom {
  if (crc32(buf) !== crc) throw new CorruptBatchError(`batch ${what}: bloom filter checksum mismatch`);
  return new Bloom(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
}

/**
 * A data block (or a record buffer) opened for lookups: one pass finds where each entry starts;
 * keys are decoded to strings only when a search or a cursor reaches them, and values stay
 * slices of the block's bytes.
 */
/** Heap bytes of a decoded key string beyond its characters (V8's header, rounded). */
const STRING_HEADER_BYTES = 16;

export class BlockView {
  readonly count: number;
  /** Estimated heap and buffer bytes it occupies, for the cache's budget. */
  readonly bytes: number;
  private readonly offsets: Uint32Array;
  private readonly keys: Array<string | undefined>;

  constructor(
    private readonly buf: Buffer,
    what: string,
  ) {
    const n = buf.readUInt32LE(0);
    const offsets = new Uint32Array(n);
    let pos = 4;
    let keyBytes = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = pos;
      const flags = buf[pos]!;
      const keyLength = buf.readUInt32LE(pos + 1);
      keyBytes += keyLength;
      pos += 5 + keyLength + 4;
      if (!(flags & FLAG_TOMBSTONE)) pos += 4 + buf.readUInt32LE(pos);
    }
    if (pos !== buf.length) throw new CorruptBatchError(`batch ${what} is malformed`);
    this.count = n;
    this.offsets = offsets;
    this.keys = new Array(n);
    // As if every key were decoded (a cursor walk does that): its string (a V8 string header
    // of about 16 bytes plus its characters, 1 or 2 bytes each as stored), its slot in `keys`,
    // its offset. Counting only the buffer let a cache of walked blocks take ~2× its budget.
    this.bytes = buf.length + keyBytes + n * (STRING_HEADER_BYTES + 4 + 8);
  }

  key(i: number): string {
    let key = this.keys[i];
    if (key === undefined) {
      const at = this.offsets[i]!;
      const length = this.buf.readUInt32LE(at + 1);
      key = this.buf.toString(this.buf[at]! & FLAG_WIDE ? 'utf16le' : 'latin1', at + 5, at + 5 + length);
      this.keys[i] = key;
    }
    return key;
  }

  private afterKey(i: number): number {
    const at = this.offsets[i]!;
    return at + 5 + this.buf.readUInt32LE(at + 1);
  }

  prefixLength(i: number): number {
    return this.buf.readUInt32LE(this.afterKey(i));
  }

  /** The value bytes, or null for a tombstone. */
  value(i: number): Buffer | null {
    if (this.buf[this.offsets[i]!]! & FLAG_TOMBSTONE) return null;
    const at = this.afterKey(i) + 4;
    return this.buf.subarray(at + 4, at + 4 + this.buf.readUInt32LE(at));
  }

  /** The first entry at or after `from` whose key is >= `key` (`count` if none). */
  lowerBound(key: string, from = 0): number {
    let lo = from;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.key(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function decodeBlock(buf: Buffer, ref: BlockRef, what: string): BlockView {
  if (buf.length !== ref.length || crc32(buf) !== ref.crc)
    throw new CorruptBatchError(`batch ${what}: block at byte ${ref.offset} checksum mismatch`);
  return new BlockView(buf, `${what} (block at byte ${ref.offset})`);
}
