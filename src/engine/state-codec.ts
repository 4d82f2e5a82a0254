/**
 * Binary encoding of operator state for checkpoints. The format is a flat sequence of tagged
 * values and unsigned varint-free fixed fields; writers always emit entries sorted by key so
 * equal state gives byte-identical files, which lets checkpoints share unchanged files.
 * Compound values (arrays and rows, maps, variants) nest: a count, then their parts.
 */
import { Decimal } from './values/decimal.js';
import { type Row, SqlMap, type Value, Variant, type VariantKind } from './values/value.js';

/** One-byte type tags of encoded values. */
const Tag = {
  Null: 0,
  False: 1,
  True: 2,
  Number: 3,
  BigInt: 4,
  String: 5,
  Decimal: 6,
  Binary: 7,
  Array: 8,
  Map: 9,
  Variant: 10,
} as const;
type Tag = (typeof Tag)[keyof typeof Tag];

/** Strings up to this many code units are encoded by a JS loop when they are ASCII. */
const SHORT_STRING = 64;

/** Buffers this large are allocated with an ArrayBuffer of their own, never from the pool. */
const OWN_BUFFER_BYTES = 64 * 1024;

/** Appends encoded fields to a growing buffer. */
export class StateWriter {
  protected buf: Buffer;
  protected pos = 0;
  /** The buffer has an ArrayBuffer of its own (not a slice of Node's shared pool). */
  private owned: boolean;

  /** `capacity`: bytes to allocate up front (the buffer doubles when it fills). */
  constructor(capacity = 1024) {
    this.owned = capacity >= OWN_BUFFER_BYTES;
    this.buf = this.owned ? Buffer.allocUnsafeSlow(capacity) : Buffer.allocUnsafe(Math.max(16, capacity));
  }

  protected ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, this.pos + n);
    this.owned = size >= OWN_BUFFER_BYTES;
    const next = this.owned ? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(n: number): void {
    this.ensure(1);
    this.buf[this.pos++] = n;
  }

  u32(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Overwrites the u32 at byte `at` (a length reserved earlier). */
  patchU32(at: number, n: number): void {
    this.buf.writeUInt32LE(n, at);
  }

  f64(n: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const n = s.length;
    // Short ASCII strings (most SQL text) are copied byte by byte: Buffer's write and
    // byteLength cost more per call than the copy itself (bench/README.md, bulk load).
    if (n <= SHORT_STRING) {
      this.ensure(4 + n);
      const buf = this.buf;
      const start = this.pos + 4;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf.writeUInt32LE(n, this.pos);
        this.pos = start + n;
        return;
      }
    }
    const len = Buffer.byteLength(s);
    this.u32(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  private tag(t: Tag): void {
    this.ensure(1);
    this.buf[this.pos++] = t;
  }

  value(v: Value): void {
    switch (typeof v) {
      case 'number':
        this.tag(Tag.Number);
        this.f64(v);
        return;
      case 'string':
        this.tag(Tag.String);
        this.string(v);
        return;
      case 'boolean':
        this.tag(v ? Tag.True : Tag.False);
        return;
      case 'bigint':
        this.tag(Tag.BigInt);
        this.string(v.toString());
        return;
      default:
        if (v === null) this.tag(Tag.Null);
        else if (v instanceof Decimal) {
          this.tag(Tag.Decimal);
          this.string(v.unscaled.toString());
          this.u32(v.scale);
        } else if (v instanceof Uint8Array) {
          this.tag(Tag.Binary);
          this.u32(v.length);
          this.ensure(v.length);
          this.buf.set(v, this.pos);
          this.pos += v.length;
        } else if (Array.isArray(v)) {
          this.tag(Tag.Array);
          this.row(v);
        } else if (v instanceof SqlMap) {
          this.tag(Tag.Map);
          this.u32(v.size);
          for (const [k, e] of v.entries) {
            this.value(k);
            this.value(e);
          }
        } else {
          this.tag(Tag.Variant);
          this.string(v.kind);
          this.value(v.value);
        }
    }
  }

  row(r: readonly Value[]): void {
    this.u32(r.length);
    for (const v of r) this.value(v);
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /**
   * The bytes written, viewing an ArrayBuffer that nothing else uses, so that it can be
   * transferred to a worker thread; the writer must not be used afterwards. The writer's own
   * buffer is handed over when at least half of it is used (no copy); otherwise the bytes are
   * copied into one of their exact size.
   */
  finishOwned(): Buffer {
    if (this.owned && this.pos * 2 >= this.buf.length) return this.buf.subarray(0, this.pos);
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** The bytes written, in an ArrayBuffer of their own (never Node's shared pool), to transfer to a worker. */
  transferable(): ArrayBuffer {
    const out = new ArrayBuffer(this.pos);
    new Uint8Array(out).set(this.buf.subarray(0, this.pos));
    return out;
  }
}

/** Reads fields in the order a `StateWriter` wrote them. */
export class StateReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  u32(): number {
    const n = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return n;
  }

  f64(): number {
    const n = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return n;
  }

  /** The next `n` bytes (a view of the buffer being read). */
  bytes(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    const len = this.u32();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  value(): Value {
    const tag = this.buf[this.pos++] as Tag;
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Number:
        return this.f64();
      case Tag.BigInt:
        return BigInt(this.string());
      case Tag.String:
        return this.string();
      case Tag.Decimal: {
        const unscaled = BigInt(this.string());
        return new Decimal(unscaled, this.u32());
      }
      case Tag.Binary: {
        const n = this.u32();
        const bytes = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return bytes;
      }
      case Tag.Array:
        return this.row();
      case Tag.Map: {
        const n = this.u32();
        const entries: [Value, Value][] = [];
        for (let i = 0; i < n; i++) entries.push([this.value(), this.value()]);
        return new SqlMap(entries);
      }
      case Tag.Variant: {
        const kind = this.string() as VariantKind;
        const inner = this.value();
        return kind === 'VARIANT' && inner === null ? Variant.NULL : new Variant(kind, inner);
      }
      default:
        throw new Error(`corrupt state: unknown value tag ${tag}`);
    }
  }

  row(): Row {
    const n = this.u32();
    const r: Row = new Array(n);
    for (let i = 0; i < n; i++) r[i] = this.value();
    return r;
  }

  /** True when every byte has been read. */
  done(): boolean {
    return this.pos === this.buf.length;
  }
}

/** Entries of a map sorted by key, for deterministic output. */
export function sortedEntries<V>(map: Map<string, V>): [string, V][] {
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
