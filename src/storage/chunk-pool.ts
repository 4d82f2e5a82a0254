/**
 * Fixed-size buffers taken and given back so that the same memory carries every chunk of every
 * file of a transfer: a push reads its files through them, a pull reads back through them the
 * ranges it hashes from disk (download.ts).
 *
 * Why: fresh memory is expensive here, not the copies. A buffer allocated per read (as a read
 * stream does) or per part is new pages that the kernel must fault in and zero as the read
 * fills them; on the benchmark's virtual machine that cost about 12 µs per 4 KiB page, 0.3 s
 * of CPU per 100 MiB, a quarter of a one-shot push, while a read from the page cache into a
 * buffer already touched cost 0.1 s per GiB (bench/README.md, "Sync, seventh pass"). So a
 * file is read twice through pooled chunks (hashed, then sent) rather than once into new
 * memory. A pull writes what it receives straight from the socket's read buffer, which is
 * cheaper still (download.ts; "Sync, ninth pass").
 */

/** A free list of `chunkBytes` buffers; a buffer given back beyond `maxRetained` is dropped. */
export class ChunkPool {
  readonly chunkBytes: number;
  readonly #maxRetained: number;
  readonly #free: Buffer[] = [];

  constructor(chunkBytes: number, maxRetained: number) {
    this.chunkBytes = chunkBytes;
    this.#maxRetained = maxRetained;
  }

  /** A free buffer, or a new one; its contents are whatever it last held. */
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  /** Takes `buffer` back. It must no longer be in use: the next `take` may overwrite it. */
  give(buffer: Buffer): void {
    if (this.#free.length < this.#maxRetained) this.#free.push(buffer);
  }
}
