/**
 * Bounded parallelism for transfers: a weighted semaphore (parallel requests, or bytes of a
 * memory budget) and a bounded parallel loop that stops starting work after the first failure.
 */

/** A FIFO semaphore whose permits can be weighted; a weight above capacity takes all of it. */
export class Semaphore {
  readonly capacity: number;
  #available: number;
  readonly #waiters: Array<{ weight: number; grant: (release: () => void) => void }> = [];

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.#available = this.capacity;
  }

  /** Resolves, in request order, with the function that gives the permits back. */
  acquire(weight = 1): Promise<() => void> {
    const w = Math.min(Math.max(1, weight), this.capacity);
    if (this.#waiters.length === 0 && this.#available >= w) {
      this.#available -= w;
      return Promise.resolve(this.#releaser(w));
    }
    return new Promise((grant) => this.#waiters.push({ weight: w, grant }));
  }

  #releaser(weight: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#available += weight;
      while (this.#waiters.length > 0 && this.#available >= this.#waiters[0]!.weight) {
        const next = this.#waiters.shift()!;
        this.#available -= next.weight;
        next.grant(this.#releaser(next.weight));
      }
    };
  }
}

/**
 * Calls `fn` on every item with at most `limit` calls in flight. After the first failure no new
 * call starts; the calls in flight are awaited, then the first error is thrown.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
