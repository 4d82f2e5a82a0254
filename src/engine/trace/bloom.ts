/**
 * Bloom filters over key prefixes, one per batch: a lookup skips every batch whose filter says
 * its prefix is absent, so a point lookup or a prefix scan costs one block read per batch that
 * may hold the key, not one per batch. Ten bits and seven probes per entry give about 1% false
 * positives. The hashes are FNV-1a over UTF-16 code units (two offsets), combined by double
 * hashing.
 */

export const BITS_PER_ENTRY = 10;
export const PROBES = 7;

/**
 * The two base hashes of the first `length` code units of `key`. They do not depend on the
 * filter's size, so a lookup of one key in several batches hashes it once (`mayContainHashed`).
 */
export function bloomHashes(key: string, length: number): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/** A filter being filled (builder side) or read (reader side) over `bits`. */
export class Bloom {
  readonly numBits: number;

  constructor(readonly bits: Uint8Array) {
    this.numBits = bits.length * 8;
  }

  /** An empty filter sized for `entries` entries. */
  static forEntries(entries: number): Bloom {
    const bytes = Math.max(8, Math.ceil((Math.max(1, entries) * BITS_PER_ENTRY) / 8));
    return new Bloom(new Uint8Array(bytes));
  }

  add(key: string, prefixLength: number): void {
    const [h1, h2] = bloomHashes(key, prefixLength);
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % this.numBits;
      this.bits[bit >>> 3]! |= 1 << (bit & 7);
    }
  }

  /** False only if no key with this prefix was added. */
  mayContain(key: string, prefixLength: number): boolean {
    const [h1, h2] = bloomHashes(key, prefixLength);
    return this.mayContainHashed(h1, h2);
  }

  /** `mayContain` for a key whose `bloomHashes` are `h1`, `h2`. */
  mayContainHashed(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % this.numBits;
      if ((this.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }
}
