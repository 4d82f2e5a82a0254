/**
 * An ordered collection with O(log n) search and cheap insert/remove: a list of sorted chunks
 * of bounded size (the SortedContainers layout). It backs MIN/MAX and top-k state, which need
 * the first elements in order after deletions without rescanning everything.
 * Elements are unique under the comparator.
 */
export class SortedList<T> {
  private chunks: T[][] = [];
  private count = 0;

  constructor(
    private readonly cmp: (a: T, b: T) => number,
    private readonly chunkSize = 512,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Index of the first chunk whose last element is >= x (chunks.length if none). */
  private chunkFor(x: T): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = this.chunks[mid]!;
      if (this.cmp(c[c.length - 1]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static position<T>(chunk: T[], x: T, cmp: (a: T, b: T) => number): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(chunk[mid]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(x: T): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([x]);
      return;
    }
    const ci = Math.min(this.chunkFor(x), this.chunks.length - 1);
    const chunk = this.chunks[ci]!;
    chunk.splice(SortedList.position(chunk, x, this.cmp), 0, x);
    if (chunk.length > 2 * this.chunkSize) this.chunks.splice(ci + 1, 0, chunk.splice(this.chunkSize));
  }

  /** Removes the element equal to `x`; returns false if there is none. */
  remove(x: T): boolean {
    const ci = this.chunkFor(x);
    const chunk = this.chunks[ci];
    if (!chunk) return false;
    const i = SortedList.position(chunk, x, this.cmp);
    if (i >= chunk.length || this.cmp(chunk[i]!, x) !== 0) return false;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(ci, 1);
    this.count--;
    return true;
  }

  first(): T | undefined {
    return this.chunks[0]?.[0];
  }

  last(): T | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c?.[c.length - 1];
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const c of this.chunks) yield* c;
  }
}
