/**
 * Reading one batch (batch-format.ts), from a file or from memory.
 *
 * Nothing is read when a reader is created: a resumed pipeline opens its batches as the first
 * lookups reach them. The first access reads the footer and the index, the first lookup the
 * bloom filter (each checked against its CRC-32), and both stay in memory while the batch is
 * open; a merge's inputs, read by cursors only, never load their filters. Data blocks are read
 * with positioned, synchronous reads (steps are synchronous, and a block of a hot batch usually
 * comes from the page cache in microseconds) and decoded into the shared block cache.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  type BatchFooter,
  type BatchIndex,
  type BlockView,
  CorruptBatchError,
  decodeBlock,
  FOOTER_BYTES,
  parseBloom,
  parseFooter,
  parseIndex,
  TARGET_BLOCK_BYTES,
} from './batch-format.js';
import type { BlockCache } from './block-cache.js';
import type { Bloom } from './bloom.js';

/** Where a batch's bytes are: a file (by path) or a buffer holding the whole file image. */
export type BatchSource = { path: string } | { image: Buffer };

let nextReaderId = 1;

/**
 * Open batch files, least recently used first. A process may hold thousands of batches (many
 * traces, many circuits in tests); at most this many have a descriptor open at once, and a
 * batch whose descriptor was closed reopens it at its next read.
 */
const MAX_OPEN_FILES = 256;
const openFiles = new Map<string, number>();

function fdFor(path: string): number {
  let fd = openFiles.get(path);
  if (fd !== undefined) {
    openFiles.delete(path);
    openFiles.set(path, fd);
    return fd;
  }
  for (const [oldest, oldFd] of openFiles) {
    if (openFiles.size < MAX_OPEN_FILES) break;
    openFiles.delete(oldest);
    closeSync(oldFd);
  }
  fd = openSync(path, 'r');
  openFiles.set(path, fd);
  return fd;
}

function closeFile(path: string): void {
  const fd = openFiles.get(path);
  if (fd === undefined) return;
  openFiles.delete(path);
  closeSync(fd);
}
/** A key of a sorted multi-key lookup (`findSorted`): the key and its prefix's bloom hashes. */
export interface SortedLookup {
  readonly key: string;
  readonly h1: number;
  readonly h2: number;
}

/** Block ids in the cache are `reader id × BLOCK_ID_SPAN + block number`. */
const BLOCK_ID_SPAN = 2 ** 24;

interface Loaded {
  footer: BatchFooter;
  index: BatchIndex;
  /** Read at the first lookup that needs it. */
  bloom: Bloom | null;
  /** What index and filter keep resident, as reserved in the block cache. */
  residentBytes: number;
}

/** How `read` places the bytes it reads. */
type ReadInto = 'fresh' | 'reused' | 'owned';

export class BatchReader {
  private readonly id = nextReaderId++;
  private loaded: Loaded | null = null;
  /** The buffer blocks are read into, with `reuseBlockBuffer`. */
  private scratch: Buffer | null = null;

  constructor(
    readonly source: BatchSource,
    /** Size of the batch in bytes. */
    readonly size: number,
    /** How errors name the batch (its file name, or "in memory"). */
    readonly label: string,
    private readonly cache: BlockCache | null,
    /**
     * With `reuseBlockBuffer` (a merge's inputs: no cache, one cursor read forward once) every
     * block of a file is read into the same buffer, so a block returned by `block` is valid
     * only until the next one is read. Otherwise each block gets a buffer of its own: a merge
     * of N bytes of files left N bytes of garbage buffers in the worker's isolate.
     */
    private readonly options: { reuseBlockBuffer?: boolean } = {},
  ) {}

  /**
   * Reads `length` bytes at `offset`: into a new buffer (`fresh`), into the reader's scratch
   * buffer (`reused`), or into a buffer of their own that is never a slice of Node's shared
   * pool (`owned`, for what stays resident: a small slice would pin a whole pool slab).
   */
  private read(offset: number, length: number, into: ReadInto = 'fresh'): Buffer {
    if ('image' in this.source) return this.source.image.subarray(offset, offset + length);
    const fd = fdFor(this.source.path);
    let out: Buffer;
    if (into === 'reused') {
      if (this.scratch === null || this.scratch.length < length)
        this.scratch = Buffer.allocUnsafeSlow(Math.max(length, 2 * TARGET_BLOCK_BYTES));
      out = this.scratch.subarray(0, length);
    } else if (into === 'owned') out = Buffer.allocUnsafeSlow(length);
    else out = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(fd, out, filled, length - filled, offset + filled);
      if (n === 0) throw new CorruptBatchError(`batch ${this.label}: ends at byte ${offset + filled}`);
      filled += n;
    }
    return out;
  }

  private load(): Loaded {
    if (this.loaded) return this.loaded;
    if (this.size < FOOTER_BYTES)
      throw new CorruptBatchError(`batch ${this.label}: too short (${this.size} bytes)`);
    const footer = parseFooter(this.read(this.size - FOOTER_BYTES, FOOTER_BYTES), this.size, this.label);
    const index = parseIndex(
      this.read(footer.indexOffset, footer.indexLength, 'owned'),
      footer.indexCrc,
      this.label,
    );
    // An image's index and filter are views of the image, which is counted as a batch in memory.
    const residentBytes = 'path' in this.source ? index.bytes : 0;
    this.cache?.reserve(residentBytes);
    this.loaded = { footer, index, bloom: null, residentBytes };
    return this.loaded;
  }

  /** The bloom filter, read (and reserved in the cache) at its first use. */
  private bloom(): Bloom {
    const loaded = this.load();
    if (loaded.bloom) return loaded.bloom;
    const { footer } = loaded;
    loaded.bloom = parseBloom(
      this.read(footer.bloomOffset, footer.bloomLength, 'owned'),
      footer.bloomCrc,
      this.label,
    );
    if ('path' in this.source) {
      loaded.residentBytes += footer.bloomLength;
      this.cache?.reserve(footer.bloomLength);
    }
    return loaded.bloom;
  }

  /** Reads the footer, index and bloom filter now (verifying them), if not yet read. */
  open(): void {
    this.bloom();
  }

  get entries(): number {
    return this.load().footer.entries;
  }

  get tombstones(): number {
    return this.load().footer.tombstones;
  }

  get blockCount(): number {
    return this.load().index.count;
  }

  mayContain(key: string, prefixLength: number): boolean {
    return this.bloom().mayContain(key, prefixLength);
  }

  block(n: number): BlockView {
    const cacheId = this.id * BLOCK_ID_SPAN + n;
    const cached = this.cache?.get(cacheId);
    if (cached) return cached;
    const ref = this.load().index.block(n);
    const bytes = this.read(
      ref.offset,
      ref.length,
      this.options.reuseBlockBuffer === true ? 'reused' : 'fresh',
    );
    const block = decodeBlock(bytes, ref, this.label);
    this.cache?.put(cacheId, block);
    return block;
  }

  /** The last block whose first key is <= `key` (0 if none: the key sorts before every entry). */
  blockFor(key: string): number {
    const index = this.load().index;
    const i = index.lowerBound(key);
    if (i < index.count && index.compareFirstKey(i, key) === 0) return i;
    return Math.max(0, i - 1);
  }

  /** The value bytes stored for `key`, null for a tombstone, undefined when absent. */
  find(key: string, prefixLength: number): Buffer | null | undefined {
    if (this.load().index.count === 0 || !this.bloom().mayContain(key, prefixLength)) return undefined;
    const block = this.block(this.blockFor(key));
    const i = block.lowerBound(key);
    return i < block.count && block.key(i) === key ? block.value(i) : undefined;
  }

  /**
   * Looks up many keys in one forward pass: `keys` must be sorted ascending (by `key`). Each
   * block is fetched once however many of the keys it holds, and the search within a block
   * starts where the previous key's ended; the bloom filter is checked with each key's
   * precomputed hashes. Calls `found(k, bytes)` for every key the batch holds (bytes null for
   * a tombstone).
   */
  findSorted<K extends SortedLookup>(keys: readonly K[], found: (k: K, value: Buffer | null) => void): void {
    const index = this.load().index;
    const blocks = index.count;
    if (blocks === 0) return;
    const bloom = this.bloom();
    let blockNo = -1;
    let block: BlockView | null = null;
    let from = 0;
    for (const k of keys) {
      if (!bloom.mayContainHashed(k.h1, k.h2)) continue;
      const key = k.key;
      // The block can only move forward: advance past blocks whose successor starts at or
      // before the key (a binary search when the key is far ahead).
      let b = blockNo < 0 ? this.blockFor(key) : blockNo;
      if (b + 1 < blocks && index.compareFirstKey(b + 1, key) <= 0)
        b = b + 2 < blocks && index.compareFirstKey(b + 2, key) <= 0 ? this.blockFor(key) : b + 1;
      if (b !== blockNo) {
        block = this.block(b);
        blockNo = b;
        from = 0;
      }
      const i = block!.lowerBound(key, from);
      from = i;
      if (i < block!.count && block!.key(i) === key) found(k, block!.value(i));
    }
  }

  /** A cursor at the first entry whose key is >= `from`. */
  cursor(from: string): BatchCursor {
    return new BatchCursor(this, from);
  }

  /**
   * Drops the index and filter (and their reservation in the cache) and closes the file's
   * descriptor. A later read opens it all again; another reader of the same file reopens the
   * descriptor if it reads.
   */
  close(): void {
    if (this.loaded) {
      this.cache?.unreserve(this.loaded.residentBytes);
      this.loaded = null;
    }
    if ('path' in this.source) closeFile(this.source.path);
  }
}

/** Walks a batch's entries in key order. */
export class BatchCursor {
  private blockNo: number;
  private block: BlockView | null = null;
  private i = 0;

  constructor(
    private readonly reader: BatchReader,
    from: string,
  ) {
    const count = reader.blockCount;
    this.blockNo = count === 0 ? 0 : reader.blockFor(from);
    if (count === 0) return;
    this.block = reader.block(this.blockNo);
    this.i = this.block.lowerBound(from);
    this.settle();
  }

  /** Moves past exhausted blocks. */
  private settle(): void {
    while (this.block && this.i >= this.block.count) {
      this.blockNo++;
      this.i = 0;
      this.block = this.blockNo < this.reader.blockCount ? this.reader.block(this.blockNo) : null;
    }
  }

  get valid(): boolean {
    return this.block !== null;
  }

  get key(): string {
    return this.block!.key(this.i);
  }

  get prefixLength(): number {
    return this.block!.prefixLength(this.i);
  }

  /** Value bytes, or null for a tombstone. */
  get value(): Buffer | null {
    return this.block!.value(this.i);
  }

  next(): void {
    this.i++;
    this.settle();
  }
}
