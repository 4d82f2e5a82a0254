/**
 * The bounded cache of decoded batch blocks (`runtime_config.storage.cache_mib`), shared by
 * every trace of a circuit. Least recently used blocks are evicted once the estimated bytes of
 * the cached blocks exceed the budget; a block read while it is evicted is simply read and
 * decoded again. Hits and misses are counted for `/stats`-style reporting and for tests that
 * check that lookups really go through the cache.
 *
 * The budget also covers what open batches keep resident beside their blocks, their index and
 * bloom filter (about 2% of the state's bytes): readers `reserve` those bytes while open, and
 * the blocks get what is left. Without that, a 2 GiB state under `memory_mb_max` = 512 would keep
 * some 40 MiB outside every bound.
 */
import type { BlockView } from './batch-format.js';

export class BlockCache {
  private readonly blocks = new Map<number, BlockView>();
  private used = 0;
  private reserved = 0;
  hits = 0;
  misses = 0;

  constructor(private budgetBytes: number) {}

  get budget(): number {
    return this.budgetBytes;
  }

  /** Estimated bytes of cached blocks now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Bytes open batches keep resident outside the cache (indexes, bloom filters). */
  get reservedBytes(): number {
    return this.reserved;
  }

  /** Counts `bytes` of an opened batch's resident metadata against the budget. */
  reserve(bytes: number): void {
    this.reserved += bytes;
    this.evict();
  }

  /** Gives back what `reserve` counted, when the batch is closed. */
  unreserve(bytes: number): void {
    this.reserved -= bytes;
  }

  setBudget(bytes: number): void {
    this.budgetBytes = bytes;
    this.evict();
  }

  /** The block cached under `id`, made most recently used; counts a hit or a miss. */
  get(id: number): BlockView | undefined {
    const block = this.blocks.get(id);
    if (block === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.blocks.delete(id);
    this.blocks.set(id, block);
    return block;
  }

  put(id: number, block: BlockView): void {
    const old = this.blocks.get(id);
    if (old) this.used -= old.bytes;
    this.blocks.delete(id);
    this.blocks.set(id, block);
    this.used += block.bytes;
    this.evict();
  }

  private evict(): void {
    for (const [id, block] of this.blocks) {
      if (this.used + this.reserved <= this.budgetBytes) return;
      this.blocks.delete(id);
      this.used -= block.bytes;
    }
  }
}
