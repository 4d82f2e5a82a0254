/**
 * The bounded cache of decoded batch blocks (`runtime_config.storage.cache_mib`), shared by
 * every trace of a circuit. Least recently used blocks are evicted once the estimated bytes of
 * the cached blocks exceed the budget; a block read while it is evicted is simply read and
 * decoded again. Hits and misses are counted for `/stats`-style reporting and for tests that
 * check that lookups really go through the cache.
 */
import type { BlockView } from './batch-format.js';

export class BlockCache {
  private readonly blocks = new Map<number, BlockView>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(private budgetBytes: number) {}

  get budget(): number {
    return this.budgetBytes;
  }

  /** Estimated bytes held now. */
  get usedBytes(): number {
    return this.used;
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
      if (this.used <= this.budgetBytes) return;
      this.blocks.delete(id);
      this.used -= block.bytes;
    }
  }
}
