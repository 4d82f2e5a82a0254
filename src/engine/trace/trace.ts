/**
 * A trace: an operator's integrated, indexed state, as a spine of layers (newest first):
 *
 *   head      the mutable layer: JS objects in Maps, changed in place by steps (with undo);
 *   frozen    heads sealed at a step boundary, immutable, waiting to become batches;
 *   batches   immutable, sorted, consolidated runs of entries (batch-format.ts), in memory
 *             or in files read through the shared block cache, merged in the background.
 *
 * A key's value is the one in the newest layer that has the key; a deleted key is a tombstone
 * in the newer layer until a merge that includes the oldest batch drops it. A trace that is not
 * attached to storage (the engine's unit tests, ad-hoc queries, pipelines without storage) never
 * seals, so it is its head: Maps, as fast as before state went to disk.
 *
 * Keys are strings compared as JS strings. A grouped trace (join indexes) addresses entries by
 * (prefix, suffix): the head keeps one Map per prefix, so `group(prefix)` lists the rows of one
 * join key without a scan, and batches store the key prefix + suffix with the prefix's length,
 * which their bloom filters hash. An ordered trace (top-k) keeps its head keys sorted, so
 * `ordered()` walks the first entries in key order cheaply.
 *
 * Values are read-only outside the head: `get` may return an object of a frozen layer or one
 * decoded from a batch, which must not be changed. `getMut` returns the head's object for the
 * key, first copying the value into the head if it lives in an older layer, and that object may
 * be changed in place (with the caller recording how to undo the change).
 *
 * A step that reads many keys first calls `prefetch` with them: the keys are looked up below the
 * head together, in one key-ordered pass per batch (a block fetched once per step, not once per
 * key), and what was found is a memo that `get` and `getMut` read after the head, valid until
 * the layers below the head change content (a seal).
 *
 * Sealing (`freeze`) is O(1): the head becomes a frozen layer and an empty head takes its place.
 * Turning a frozen layer into a batch encodes its values (main thread; in slices between steps
 * in background mode), then sorts and writes them (worker thread), and happens in the order the
 * layers were frozen, so batch order is age order. A merge replaces a contiguous run of batches
 * of the same size tier by one batch with the same contents.
 */
import { SortedList } from '../sorted-list.js';
import { StateReader, StateWriter } from '../state-codec.js';
import type { UndoLog } from '../undo-log.js';
import type { BuildTarget } from './batch-build.js';
import { ByteBuffer, FLAG_TOMBSTONE } from './batch-format.js';
import type { BatchCursor, SortedLookup } from './batch-reader.js';
import { bloomHashes } from './bloom.js';
import type { Job } from './jobs.js';
import type { BatchLayer, TraceStorage } from './storage.js';

/** Encodes and decodes a trace's values (with the engine's state codec). */
export interface ValueCodec<V> {
  write(w: StateWriter, v: V): void;
  read(r: StateReader): V;
}

export interface TraceOptions<V> {
  codec: ValueCodec<V>;
  /** Entries are addressed by (prefix, suffix) and listed by prefix (`group`). */
  grouped?: boolean;
  /** The head keeps its keys sorted, for traces read in key order at most steps. */
  ordered?: boolean;
}

/** Description of one batch file of a trace, as a checkpoint records it. */
export interface BatchFileRef {
  sha256: string;
  size: number;
  entries: number;
}

const TOMBSTONE: unique symbol = Symbol('tombstone');
const noop = () => undefined;
type Slot<V> = V | typeof TOMBSTONE;

/** Batches merge once this many of one size tier are adjacent. */
const MERGE_FANOUT = 8;
/** Size tiers: a batch of up to 64 KiB is tier 0, ×8 per tier above. */
const TIER_UNIT_BYTES = 64 * 1024;
/** Beyond this many batches, the newest half is merged whatever their tiers. */
const MAX_BATCHES = 32;
/** Values encoded between two yields to the event loop when sealing in the background. */
const ENCODE_SLICE = 2048;

function tier(size: number): number {
  return Math.floor(Math.log(Math.max(1, size / TIER_UNIT_BYTES)) / Math.log(MERGE_FANOUT));
}

/** A mutable (head) or sealed (frozen) layer of JS objects. */
class Head<V> {
  readonly flat = new Map<string, Slot<V>>();
  readonly groups = new Map<string, Map<string, Slot<V>>>();
  readonly sorted: SortedList<string> | null;
  size = 0;

  constructor(
    readonly grouped: boolean,
    ordered: boolean,
  ) {
    this.sorted = ordered ? new SortedList<string>((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : null;
  }

  get(prefix: string, suffix: string): Slot<V> | undefined {
    return this.grouped ? this.groups.get(prefix)?.get(suffix) : this.flat.get(prefix);
  }

  set(prefix: string, suffix: string, slot: Slot<V>): void {
    if (!this.grouped) {
      if (!this.flat.has(prefix)) {
        this.size++;
        this.sorted?.insert(prefix);
      }
      this.flat.set(prefix, slot);
      return;
    }
    let group = this.groups.get(prefix);
    if (!group) {
      group = new Map();
      this.groups.set(prefix, group);
    }
    if (!group.has(suffix)) this.size++;
    group.set(suffix, slot);
  }

  remove(prefix: string, suffix: string): void {
    if (!this.grouped) {
      if (this.flat.delete(prefix)) {
        this.size--;
        this.sorted?.remove(prefix);
      }
      return;
    }
    const group = this.groups.get(prefix);
    if (group?.delete(suffix)) {
      this.size--;
      if (group.size === 0) this.groups.delete(prefix);
    }
  }

  /** Every entry as (prefix, suffix, slot), in no particular order. */
  *entries(): Generator<[string, string, Slot<V>]> {
    if (!this.grouped) {
      for (const [key, slot] of this.flat) yield [key, '', slot];
      return;
    }
    for (const [prefix, group] of this.groups)
      for (const [suffix, slot] of group) yield [prefix, suffix, slot];
  }

  /** Every entry as (full key, prefix length, slot), sorted by key. */
  sortedEntries(): Array<[string, number, Slot<V>]> {
    if (this.sorted) return [...this.sorted].map((k) => [k, k.length, this.flat.get(k)!]);
    const out: Array<[string, number, Slot<V>]> = [];
    for (const [prefix, suffix, slot] of this.entries()) out.push([prefix + suffix, prefix.length, slot]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
}

/**
 * A key `prefetch` looked up below the head, and what it found: the value (undefined: absent
 * or a tombstone), and whether it is shared (a frozen layer's object, or one `get` handed out),
 * so that `getMut` copies it before the head takes it.
 */
interface Prefetched<V> extends SortedLookup {
  prefix: string;
  suffix: string;
  found: boolean;
  value: V | undefined;
  shared: boolean;
}

/** Undo actions of the head (module functions: recording them allocates no closure). */
function removeFrom<V>(head: Head<V>, prefix: string, suffix: string): void {
  head.remove(prefix, suffix);
}
function setIn<V>(head: Head<V>, prefix: string, suffix: string, slot: Slot<V>): void {
  head.set(prefix, suffix, slot);
}

/** A sealed head on its way to becoming a batch. */
export class FrozenLayer<V> {
  layer: BatchLayer | null = null;

  constructor(readonly head: Head<V>) {}
}

/**
 * The layers of a trace at a checkpoint's step boundary, oldest first. The cut holds each of
 * its batches (and each batch its frozen layers become), so that a merge that replaces one
 * meanwhile cannot let its file be collected before the checkpoint's manifest names it.
 */
export class Cut<V> {
  readonly holds: Array<() => void> = [];

  constructor(readonly layers: ReadonlyArray<BatchLayer | FrozenLayer<V>>) {
    for (const l of layers) if (!(l instanceof FrozenLayer)) this.holds.push(l.hold());
  }

  release(): void {
    for (const h of this.holds) h();
  }
}

/** One source of the merged, ordered walk over all layers. */
interface WalkSource<V> {
  valid(): boolean;
  key(): string;
  /** The value, or undefined for a tombstone. */
  value(): V | undefined;
  next(): void;
}

export class Trace<V> {
  private head: Head<V>;
  private readonly frozen: FrozenLayer<V>[] = [];
  /** Oldest first. */
  private batches: BatchLayer[] = [];
  private storage: TraceStorage | null = null;
  private pumping: Promise<void> | null = null;
  private merging = false;
  /** The background merge under way, settled (never rejected) when it ends. */
  private mergeRunning: Promise<unknown> | null = null;
  /** Cuts whose checkpoints are being written. */
  private readonly cuts = new Set<Cut<V>>();
  /** Encoded bytes per entry seen at the last seal; estimates the head's size. */
  private bytesPerEntry = 128;
  private readonly codec: ValueCodec<V>;
  private readonly grouped: boolean;
  private readonly keepSorted: boolean;
  /**
   * What the last `prefetch` found below the head, by full key; null when none. It stays valid
   * until the layers below the head change content, which only a seal does (a conversion to a
   * batch or a merge keeps the content): a seal and a restore clear it. Head writes need no
   * invalidation, since every lookup reads the head first.
   */
  private prefetched: Map<string, Prefetched<V>> | null = null;

  constructor(options: TraceOptions<V>) {
    this.codec = options.codec;
    this.grouped = options.grouped ?? false;
    this.keepSorted = options.ordered ?? false;
    if (this.grouped && this.keepSorted) throw new Error('a trace cannot be both grouped and ordered');
    this.head = new Head(this.grouped, this.keepSorted);
  }

  /** Gives the trace storage: from now on it can seal, and its batches live there. */
  attach(storage: TraceStorage): void {
    this.storage = storage;
  }

  private get layered(): boolean {
    return this.frozen.length > 0 || this.batches.length > 0;
  }

  /** The value of a key, read-only (it may belong to an older layer). */
  get(prefix: string, suffix = ''): V | undefined {
    const slot = this.head.get(prefix, suffix);
    if (slot !== undefined) return slot === TOMBSTONE ? undefined : slot;
    return this.layered ? this.below(prefix, suffix, false)?.value : undefined;
  }

  /** The head's object for a key, which the caller may change in place; undefined if absent. */
  getMut(prefix: string, suffix: string, undo: UndoLog): V | undefined {
    const slot = this.head.get(prefix, suffix);
    if (slot !== undefined) return slot === TOMBSTONE ? undefined : slot;
    if (!this.layered) return undefined;
    const found = this.below(prefix, suffix, true);
    if (!found) return undefined;
    const value = found.shared ? this.clone(found.value) : found.value;
    this.head.set(prefix, suffix, value);
    undo.call(removeFrom, this.head, prefix, suffix);
    return value;
  }

  set(prefix: string, suffix: string, value: V, undo: UndoLog): void {
    this.put(prefix, suffix, value, undo);
  }

  delete(prefix: string, suffix: string, undo: UndoLog): void {
    if (this.layered) {
      this.put(prefix, suffix, TOMBSTONE, undo);
      return;
    }
    const previous = this.head.get(prefix, suffix);
    if (previous === undefined) return;
    this.head.remove(prefix, suffix);
    undo.call(setIn, this.head, prefix, suffix, previous);
  }

  private put(prefix: string, suffix: string, slot: Slot<V>, undo: UndoLog): void {
    const head = this.head;
    const previous = head.get(prefix, suffix);
    head.set(prefix, suffix, slot);
    if (previous === undefined) undo.call(removeFrom, head, prefix, suffix);
    else undo.call(setIn, head, prefix, suffix, previous);
  }

  /**
   * Looks up below the head, in one pass per layer, the keys a step is about to read
   * (`prefixes[i]`, with `suffixes[i]` in a grouped trace), and keeps what it finds for `get`
   * and `getMut` until the next `prefetch` (or seal). Per-key lookups cost a bloom check, an
   * index search and a block fetch per batch and key; here the keys are sorted once and each
   * batch is walked in key order, so a block is fetched once per step however many of the
   * step's keys it holds (bench/README.md, "Bulk load lookups below the head"). Keys already in
   * the head and keys given twice are looked up once or not at all. It does nothing without
   * batches (no storage, or nothing sealed yet) and while the storage's batches fit in its
   * block cache (`TraceStorage.batchesOutgrowCache`), where per-key lookups cost less. Returns nothing: the results are
   * only a memo, and a key not prefetched is looked up as before.
   */
  prefetch(prefixes: readonly string[], suffixes?: readonly string[]): void {
    this.prefetched = null;
    if (this.batches.length === 0 || prefixes.length === 0 || !this.storage?.batchesOutgrowCache) return;
    const memo = new Map<string, Prefetched<V>>();
    let open: Prefetched<V>[] = [];
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i]!;
      const suffix = this.grouped ? suffixes![i]! : '';
      if (this.head.get(prefix, suffix) !== undefined) continue;
      const key = this.grouped ? prefix + suffix : prefix;
      if (memo.has(key)) continue;
      const [h1, h2] = bloomHashes(prefix, prefix.length);
      const p: Prefetched<V> = { key, h1, h2, prefix, suffix, found: false, value: undefined, shared: false };
      open.push(p);
      memo.set(key, p);
    }
    for (let i = this.frozen.length - 1; i >= 0 && open.length > 0; i--) {
      const layer = this.frozen[i]!.head;
      for (const p of open) {
        const slot = layer.get(p.prefix, p.suffix);
        if (slot === undefined) continue;
        p.found = true;
        if (slot !== TOMBSTONE) {
          p.value = slot;
          p.shared = true;
        }
      }
      open = open.filter((p) => !p.found);
    }
    if (this.batches.length > 0 && open.length > 0) {
      open.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const found = (p: Prefetched<V>, bytes: Buffer | null) => {
        p.found = true;
        if (bytes !== null) p.value = this.decode(bytes);
      };
      for (let i = this.batches.length - 1; i >= 0 && open.length > 0; i--) {
        this.batches[i]!.reader.findSorted(open, found);
        open = open.filter((p) => !p.found);
      }
    }
    this.prefetched = memo;
  }

  /**
   * Looks a key up below the head: `shared` values belong to a frozen layer (or were handed out
   * before). `forMut`: the head is about to take the value, so a prefetched one leaves the memo
   * (a later lookup, after an undo, decodes it afresh); otherwise a prefetched value is marked
   * shared, so that a later `getMut` copies it rather than change what `get` returned.
   */
  private below(prefix: string, suffix: string, forMut: boolean): { value: V; shared: boolean } | undefined {
    const memo = this.prefetched;
    if (memo !== null) {
      const key = this.grouped ? prefix + suffix : prefix;
      const p = memo.get(key);
      if (p !== undefined && p.prefix.length === prefix.length) {
        if (p.value === undefined) return undefined;
        const found = { value: p.value, shared: p.shared };
        if (forMut) memo.delete(key);
        else p.shared = true;
        return found;
      }
    }
    for (let i = this.frozen.length - 1; i >= 0; i--) {
      const slot = this.frozen[i]!.head.get(prefix, suffix);
      if (slot !== undefined) return slot === TOMBSTONE ? undefined : { value: slot, shared: true };
    }
    if (this.batches.length === 0) return undefined;
    const key = this.grouped ? prefix + suffix : prefix;
    for (let i = this.batches.length - 1; i >= 0; i--) {
      const bytes = this.batches[i]!.reader.find(key, prefix.length);
      if (bytes === null) return undefined;
      if (bytes !== undefined) return { value: this.decode(bytes), shared: false };
    }
    return undefined;
  }

  private decode(bytes: Buffer): V {
    const r = new StateReader(bytes);
    const value = this.codec.read(r);
    if (!r.done()) throw new Error('corrupt trace value: trailing bytes');
    return value;
  }

  private clone(value: V): V {
    const w = new StateWriter();
    this.codec.write(w, value);
    return this.decode(w.finish());
  }

  /** The entries of one prefix (grouped traces), as (suffix, read-only value), in no order. */
  *group(prefix: string): Generator<[string, V]> {
    if (!this.layered) {
      const group = this.head.groups.get(prefix);
      if (group) for (const [suffix, slot] of group) if (slot !== TOMBSTONE) yield [suffix, slot];
      return;
    }
    const merged = new Map<string, Slot<V> | Buffer | null>();
    const length = prefix.length;
    for (const batch of this.batches) {
      if (!batch.reader.mayContain(prefix, length)) continue;
      for (const c = batch.reader.cursor(prefix); c.valid && c.key.startsWith(prefix); c.next())
        if (c.prefixLength === length) merged.set(c.key.slice(length), c.value);
    }
    for (const layer of [...this.frozen.map((f) => f.head), this.head]) {
      const group = layer.groups.get(prefix);
      if (group) for (const [suffix, slot] of group) merged.set(suffix, slot);
    }
    for (const [suffix, slot] of merged) {
      if (slot === null || slot === TOMBSTONE) continue;
      yield [suffix, Buffer.isBuffer(slot) ? this.decode(slot) : (slot as V)];
    }
  }

  /**
   * The entries of one prefix (grouped traces) as head objects the caller may change in place
   * (recording how to undo it), in no order. The caller must not add or delete entries of this
   * prefix while it iterates.
   */
  *groupMut(prefix: string, undo: UndoLog): Generator<[string, V]> {
    if (!this.layered) {
      const group = this.head.groups.get(prefix);
      if (group) for (const [suffix, slot] of group) if (slot !== TOMBSTONE) yield [suffix, slot];
      return;
    }
    const suffixes = [...this.group(prefix)].map(([suffix]) => suffix);
    for (const suffix of suffixes) {
      const value = this.getMut(prefix, suffix, undo);
      if (value !== undefined) yield [suffix, value];
    }
  }

  /** Every entry's read-only value, in no particular order. */
  *values(): Generator<V> {
    if (!this.layered) {
      for (const [, , slot] of this.head.entries()) if (slot !== TOMBSTONE) yield slot;
      return;
    }
    for (const [, value] of this.ordered_()) yield value;
  }

  /** Every entry as (key, read-only value) in key order. */
  *ordered(): Generator<[string, V]> {
    if (!this.layered && this.head.sorted) {
      for (const key of this.head.sorted) {
        const slot = this.head.flat.get(key)!;
        if (slot !== TOMBSTONE) yield [key, slot];
      }
      return;
    }
    yield* this.ordered_();
  }

  /**
   * The merged walk: newest layer wins a key; tombstones are skipped. It holds the batches it
   * reads until it ends (or is returned), because a reader may pull it over several event-loop
   * turns (a chunked snapshot), during which a background merge may replace those batches.
   */
  private *ordered_(): Generator<[string, V]> {
    const sources: WalkSource<V>[] = [this.head, ...[...this.frozen].reverse().map((f) => f.head)].map((h) =>
      headSource(h),
    );
    const batches = [...this.batches];
    const releases = batches.map((b) => b.hold());
    try {
      for (let i = batches.length - 1; i >= 0; i--)
        sources.push(batchSource(batches[i]!.reader.cursor(''), (b) => this.decode(b)));
      yield* this.walk(sources);
    } finally {
      for (const release of releases) release();
    }
  }

  private *walk(sources: WalkSource<V>[]): Generator<[string, V]> {
    for (;;) {
      let min: string | null = null;
      let winner: WalkSource<V> | null = null;
      for (const s of sources) {
        if (!s.valid()) continue;
        const k = s.key();
        // Sources are newest first, so the first holder of the smallest key wins.
        if (min === null || k < min) {
          min = k;
          winner = s;
        }
      }
      if (min === null || winner === null) return;
      const value = winner.value();
      for (const s of sources) if (s.valid() && s.key() === min) s.next();
      if (value !== undefined) yield [min, value];
    }
  }

  /** Estimated bytes of the head. */
  get headBytes(): number {
    return this.head.size * this.bytesPerEntry;
  }

  /** Estimated bytes of frozen layers not yet batches. */
  get frozenBytes(): number {
    return this.frozen.reduce((n, f) => (f.layer ? n : n + f.head.size * this.bytesPerEntry), 0);
  }

  /**
   * Resolves when the frozen layers being turned into batches have made progress (one was
   * installed, or the work failed and stopped); at once when there is no such work.
   */
  progress(): Promise<void> {
    return this.pumping ? this.pumping.then(noop, noop) : Promise.resolve();
  }

  /** True while frozen layers are being turned into batches. */
  get converting(): boolean {
    return this.pumping !== null;
  }

  /**
   * The trace's size, for profiles: entries (tombstones included; an entry in several layers
   * counts once per layer) and bytes (estimated for the in-memory head and frozen layers,
   * encoded size for batches).
   */
  stateSize(): { entries: number; bytes: number; batches: number } {
    let entries = this.head.size;
    for (const f of this.frozen) if (!f.layer) entries += f.head.size;
    let bytes = this.headBytes + this.frozenBytes;
    for (const b of this.batches) {
      entries += b.reader.entries;
      bytes += b.size;
    }
    return { entries, bytes, batches: this.batches.length };
  }

  /** The trace's batches, oldest first (for tests and statistics). */
  get batchCount(): number {
    return this.batches.length;
  }

  /**
   * Seals the head for a checkpoint (call at a step boundary) and returns the cut: the layers
   * that make up the trace now, held until `persist`'s release.
   */
  freeze(): Cut<V> {
    this.seal();
    const cut = new Cut([...this.batches, ...this.frozen]);
    this.cuts.add(cut);
    return cut;
  }

  /** Seals the head (call at a step boundary): it becomes a frozen layer on its way to a batch. */
  seal(): void {
    const storage = this.requireStorage();
    this.prefetched = null;
    if (this.head.size > 0) {
      this.frozen.push(new FrozenLayer(this.head));
      this.head = new Head(this.grouped, this.keepSorted);
      if (storage.inline) this.pumpInline();
      else
        void this.pump().catch((err: Error) =>
          storage.reportBackgroundError(`sealing a trace failed: ${err.message}`),
        );
    }
  }

  /**
   * Resolves once the layers `freeze` returned are batch files: the checkpoint's part of this
   * trace, oldest first. Every file stays pinned until `release` is called.
   */
  async persist(cut: Cut<V>): Promise<{ files: BatchFileRef[]; release: () => void }> {
    const storage = this.requireStorage();
    try {
      if (cut.layers.some((l) => l instanceof FrozenLayer && l.layer === null)) await this.pump();
      const batches = cut.layers.map((l) => (l instanceof FrozenLayer ? l.layer! : l));
      await Promise.all(batches.map((b) => b.persist(storage)));
      return { files: batches.map(fileRef), release: () => this.releaseCut(cut) };
    } catch (err) {
      this.releaseCut(cut);
      throw err;
    }
  }

  private releaseCut(cut: Cut<V>): void {
    this.cuts.delete(cut);
    cut.release();
  }

  /** `persist` for inline storage, where all of its work is synchronous. */
  persistSync(cut: Cut<V>): { files: BatchFileRef[]; release: () => void } {
    const storage = this.requireStorage();
    if (!storage.inline) throw new Error('persistSync needs inline storage');
    const batches = cut.layers.map((l) => (l instanceof FrozenLayer ? l.layer! : l));
    for (const b of batches) storage.writeImageSync(b);
    return { files: batches.map(fileRef), release: () => this.releaseCut(cut) };
  }

  /** Loads the batches of a checkpoint into a fresh trace (read lazily). */
  restore(files: readonly BatchFileRef[]): void {
    const storage = this.requireStorage();
    if (this.layered || this.head.size > 0) throw new Error('state can only be restored into a fresh trace');
    this.prefetched = null;
    this.batches = files.map((f) => storage.fileLayer(f.sha256, f.size, f.entries));
  }

  private requireStorage(): TraceStorage {
    if (!this.storage) throw new Error('this trace has no storage attached');
    return this.storage;
  }

  /** Turns every frozen layer into a batch, oldest first (background mode). */
  private pump(): Promise<void> {
    this.pumping ??= (async () => {
      try {
        while (this.frozen.length > 0) await this.convertOldest();
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  private async convertOldest(): Promise<void> {
    const storage = this.requireStorage();
    const frozen = this.frozen[0]!;
    const encoding = this.encode(frozen.head);
    // Every slice, the first included, runs in a turn of its own: sealing stays O(1).
    let step: IteratorResult<void, Buffer>;
    do {
      await new Promise((resolve) => setImmediate(resolve));
      step = encoding.next();
    } while (!step.done);
    const records = step.value;
    const target = this.targetFor(records.length);
    const built = await storage.run({ kind: 'build', records, target });
    this.install(frozen, storage.adopt(built));
    this.maybeMerge();
  }

  private pumpInline(): void {
    const storage = this.requireStorage();
    while (this.frozen.length > 0) {
      const frozen = this.frozen[0]!;
      const encoding = this.encode(frozen.head);
      let step = encoding.next();
      while (!step.done) step = encoding.next();
      const records = step.value;
      const target = this.targetFor(records.length);
      this.install(frozen, storage.adopt(storage.runSync({ kind: 'build', records, target })));
    }
    this.maybeMerge();
  }

  /** Encodes a sealed head's records, yielding between slices; returns them. */
  private *encode(head: Head<V>): Generator<void, Buffer> {
    // Records of a sealed head: `u32 count` + entries in the block entry format, in a buffer
    // sized from the last seal's bytes per entry, so that it rarely grows (each growth copies).
    const w = new ByteBuffer(Math.ceil(head.size * this.bytesPerEntry * 1.25) + 64);
    w.u32(0);
    let n = 0;
    for (const [prefix, suffix, slot] of head.entries()) {
      w.key(this.grouped ? prefix + suffix : prefix, slot === TOMBSTONE ? FLAG_TOMBSTONE : 0);
      w.u32(prefix.length);
      if (slot !== TOMBSTONE) {
        const at = w.length;
        w.u32(0);
        this.codec.write(w, slot);
        w.patchU32(at, w.length - at - 4);
      }
      if (++n % ENCODE_SLICE === 0) yield;
    }
    w.patchU32(0, n);
    // Transferred to the worker, not copied (jobs.ts).
    const records = w.finishOwned();
    this.bytesPerEntry = Math.max(16, Math.ceil(records.length / Math.max(1, n)));
    return records;
  }

  /** Memory for batches below `min_storage_bytes` while memory allows, a file otherwise. */
  private targetFor(bytes: number): BuildTarget {
    const storage = this.requireStorage();
    return storage.keepsInMemory(bytes) ? 'memory' : { dir: storage.settings.dir };
  }

  /** Replaces the oldest frozen layer by its batch (held by the cuts that include the layer). */
  private install(frozen: FrozenLayer<V>, layer: BatchLayer): void {
    if (this.frozen[0] !== frozen) throw new Error('frozen layers converted out of order');
    this.frozen.shift();
    frozen.layer = layer;
    for (const cut of this.cuts) if (cut.layers.includes(frozen)) cut.holds.push(layer.hold());
    this.batches.push(layer);
  }

  /** The newest run of batches to merge now, or null. */
  private pickRun(): BatchLayer[] | null {
    const b = this.batches;
    if (b.some((x) => x.merging)) return null;
    if (b.length > MAX_BATCHES) return b.slice(Math.floor(b.length / 2));
    let end = b.length;
    while (end > 0) {
      const t = tier(b[end - 1]!.size);
      let start = end - 1;
      while (start > 0 && tier(b[start - 1]!.size) === t) start--;
      if (end - start >= MERGE_FANOUT) return b.slice(start, end);
      end = start;
    }
    return null;
  }

  private maybeMerge(): void {
    const storage = this.storage;
    if (!storage || this.merging) return;
    for (let run = this.pickRun(); run !== null; run = this.pickRun()) {
      const dropTombstones = run[0] === this.batches[0];
      const size = run.reduce((n, l) => n + l.size, 0);
      const target = this.targetFor(size);
      const job = {
        kind: 'merge' as const,
        sources: run.map((l) => ({ source: l.source, size: l.size })),
        dropTombstones,
        target,
      };
      if (storage.inline) {
        this.replaceRun(run, storage.adopt(storage.runSync(job)));
        continue;
      }
      this.mergeInBackground(run, job);
      return;
    }
  }

  /** Runs `job` (the merge of `run`) on the worker; the trace merges nothing else meanwhile. */
  private mergeInBackground(run: BatchLayer[], job: Job): Promise<boolean> {
    const storage = this.requireStorage();
    for (const l of run) l.merging = true;
    this.merging = true;
    const done = storage
      .run(job)
      .then((built) => {
        this.replaceRun(run, storage.adopt(built));
        return true;
      })
      .catch((err: Error) => {
        storage.reportBackgroundError(`merging ${run.length} batches failed: ${err.message}`);
        return false;
      })
      .then((merged) => {
        for (const l of run) l.merging = false;
        this.merging = false;
        this.mergeRunning = null;
        // A failed merge (a full disk, a closed storage) is retried when the next batch
        // arrives: retrying at once would spin on the same failure.
        if (merged) this.maybeMerge();
        return merged;
      });
    this.mergeRunning = done;
    return done;
  }

  /**
   * Merges every batch of the trace into one, dropping tombstones (Feldera's
   * `start_compaction`): first waits for the frozen layers being converted and the merge under
   * way, then merges the batches there are then. Batches sealed meanwhile stay newer than the
   * merged one and are merged by the usual tiering. Resolves with the number of batches merged
   * (0 when there were fewer than two, or without storage); a merge that fails is reported
   * as a background error, like any merge, and resolves 0.
   */
  async compact(): Promise<number> {
    const storage = this.storage;
    if (!storage) return 0;
    while (this.pumping || this.mergeRunning) await (this.pumping ? this.progress() : this.mergeRunning);
    const run = [...this.batches];
    if (run.length < 2 || this.merging) return 0;
    const size = run.reduce((n, l) => n + l.size, 0);
    const job: Job = {
      kind: 'merge',
      sources: run.map((l) => ({ source: l.source, size: l.size })),
      dropTombstones: true,
      target: this.targetFor(size),
    };
    if (storage.inline) {
      this.replaceRun(run, storage.adopt(storage.runSync(job)));
      return run.length;
    }
    return (await this.mergeInBackground(run, job)) ? run.length : 0;
  }

  /** Puts `merged` where the contiguous `run` was; drops the run's batches. */
  private replaceRun(run: BatchLayer[], merged: BatchLayer): void {
    const start = this.batches.indexOf(run[0]!);
    if (start < 0 || this.batches[start + run.length - 1] !== run[run.length - 1])
      throw new Error('merged batches are no longer adjacent');
    const keep = merged.entries > 0 ? [merged] : [];
    this.batches.splice(start, run.length, ...keep);
    if (keep.length === 0) merged.drop();
    for (const l of run) l.drop();
    const storage = this.requireStorage();
    storage.counters.merges++;
    storage.settings.onDiscard?.();
  }
}

function fileRef(b: BatchLayer): BatchFileRef {
  return { sha256: b.sha256!, size: b.size, entries: b.entries };
}

function headSource<V>(head: Head<V>): WalkSource<V> {
  const entries = head.sortedEntries();
  let i = 0;
  return {
    valid: () => i < entries.length,
    key: () => entries[i]![0],
    value: () => {
      const slot = entries[i]![2];
      return slot === TOMBSTONE ? undefined : slot;
    },
    next: () => {
      i++;
    },
  };
}

function batchSource<V>(cursor: BatchCursor, decode: (b: Buffer) => V): WalkSource<V> {
  return {
    valid: () => cursor.valid,
    key: () => cursor.key,
    value: () => {
      const bytes = cursor.value;
      return bytes === null ? undefined : decode(bytes);
    },
    next: () => cursor.next(),
  };
}
