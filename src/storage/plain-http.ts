/**
 * GETs of object bodies over plain HTTP/1.1 sockets, read into one reused buffer: the data path
 * of a pull from an `http://` endpoint.
 *
 * Why not Node's HTTP client for this: it allocates a fresh buffer for every socket read and its
 * parser copies every body chunk into another fresh one. In a one-shot pull every such
 * allocation touches new memory; measured downloading 103 MiB over loopback and hashing it
 * (bench/README.md, "Sync, sixth pass"), the first pass of a fresh process cost 0.53–0.69 s of
 * CPU through `node:http`, 1.07 s through `undici` (compiling its WebAssembly parser) and
 * 0.17–0.19 s reading sockets into one buffer, as here. Object bodies are the one thing a sync
 * moves in bulk; everything else (and every `https://` endpoint: TLS hands out fresh buffers
 * anyway) stays on `node:http`.
 *
 * - Reads: every socket reads into one buffer shared by all of them (`net` `onread`). That is
 *   safe because a read's bytes are consumed inside its callback (the sink hashes them and
 *   writes them) before any other read can start: all run on this thread.
 *   Bytes that arrive after a response's head but before its body has a sink are copied aside,
 *   into one of a few spare buffers the getter reuses (fresh memory for every answer cost more
 *   than the copy: bench/README.md, "Sync, eighth pass").
 * - Scope: only a simple answer is read here: a 2xx with one `Content-Length` and no
 *   `Transfer-Encoding`. Anything else (an error status, a chunked or unsized body, a head
 *   larger than 64 KiB) is handed back as `null` after closing the connection, and the caller
 *   sends the same (idempotent) GET through `node:http`, which parses the store's error
 *   document; so error mapping stays in one place.
 * - Connections: kept alive and reused, at most `maxIdle` idle ones; a response with
 *   `Connection: close` is not reused. A reused connection the store closed while it was idle
 *   (it fails before the answer's first byte) is replaced by a fresh one, once, as Node's agent
 *   users expect from a keep-alive pool.
 * - Backpressure: a sink that returns a promise stops the socket's reads until it settles.
 * - Failures are Node-style errors (`code` ECONNREFUSED, ECONNRESET, ...), and `TimeoutError`s
 *   for a connection not made within the connect timeout or a socket silent for the idle
 *   timeout, the shapes errors.ts and retry.ts classify; a body cut short is ECONNRESET.
 */
import { connect, type Socket } from 'node:net';

/** Receives a body chunk that is valid only during the call; a returned promise pauses reading. */
export type ChunkSink = (chunk: Uint8Array) => Promise<void> | undefined;

/** A response body, read by exactly one `pipeTo` (or dropped with `destroy`). */
export interface BodySource {
  /** Feeds every byte of the body to `sink`, in order; resolves once the last one was taken. */
  pipeTo(sink: ChunkSink): Promise<void>;
  destroy(): void;
}

export interface PlainResponse {
  status: number;
  /** Lower-case names; the last value of a repeated header. */
  headers: Record<string, string>;
  body: BodySource;
}

export interface PlainHttpOptions {
  host: string;
  port: number;
  maxIdle: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
}

const READ_BUFFER_BYTES = 256 * 1024;
/** Spare buffers a getter keeps for the body bytes that arrive with a head (`READ_BUFFER_BYTES` each). */
const MAX_SPARES = 16;
const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

let sharedReadBuffer: Buffer | undefined;

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function timeoutError(message: string): Error {
  const err = new Error(message);
  err.name = 'TimeoutError';
  return err;
}

/** Keep-alive GETs to one host and port. */
export class PlainHttpGetter {
  readonly #options: PlainHttpOptions;
  readonly #idle: Connection[] = [];
  readonly #spares: Buffer[] = [];
  #destroyed = false;

  constructor(options: PlainHttpOptions) {
    this.#options = options;
  }

  /**
   * Sends `GET path` with `headers` (which must include Host); resolves with a simple 2xx
   * answer (see the module header) or null for anything else, or rejects on a network failure.
   */
  async get(path: string, headers: Record<string, string>): Promise<PlainResponse | null> {
    let head = `GET ${path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`Header ${name} holds a line break`);
      head += `${name}: ${value}\r\n`;
    }
    const request = Buffer.from(`${head}\r\n`, 'latin1');
    const reused = this.#idle.pop();
    if (reused) {
      try {
        return await reused.exchange(request);
      } catch (err) {
        if (!(err instanceof StaleConnection)) throw err;
      }
    }
    return new Connection(this).exchange(request);
  }

  /** Closes the idle connections; those in use close when their body is read. */
  destroy(): void {
    this.#destroyed = true;
    for (const connection of this.#idle.splice(0)) connection.close();
  }

  get options(): PlainHttpOptions {
    return this.#options;
  }

  /** A connection whose last answer was read whole and may carry another. */
  release(connection: Connection): void {
    if (this.#destroyed || this.#idle.length >= this.#options.maxIdle) connection.close();
    else this.#idle.push(connection);
  }

  /** A buffer of `READ_BUFFER_BYTES` for the body bytes read with a head, until its sink took them. */
  takeSpare(): Buffer {
    return this.#spares.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  }

  giveSpare(buffer: Buffer): void {
    if (this.#spares.length < MAX_SPARES) this.#spares.push(buffer);
  }

  forget(connection: Connection): void {
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
  }
}

/** A reused connection that had been closed by the store: the request was not answered. */
class StaleConnection extends Error {}

interface Waiting {
  resolve: (response: PlainResponse | null) => void;
  reject: (err: Error) => void;
}

/** One socket and the one exchange it carries at a time. */
class Connection {
  readonly #owner: PlainHttpGetter;
  readonly #socket: Socket;
  #state: 'idle' | 'head' | 'body' | 'closed' = 'idle';
  #used = false;
  /** Bytes of the answer received so far in this exchange (head and body). */
  #received = 0;
  #headPart: Buffer | null = null;
  #waiting: Waiting | null = null;
  #remaining = 0;
  #keepAlive = true;
  /** Body bytes that arrived before `pipeTo`: the start of `#earlyBuffer`, a spare of the getter. */
  #early: Buffer | null = null;
  #earlyBuffer: Buffer | null = null;
  #sink: ChunkSink | null = null;
  #piped: { resolve: () => void; reject: (err: Error) => void } | null = null;

  constructor(owner: PlainHttpGetter) {
    this.#owner = owner;
    const { host, port, connectTimeoutMs, idleTimeoutMs } = owner.options;
    sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const readBuffer = sharedReadBuffer;
    this.#socket = connect({
      host,
      port,
      noDelay: true,
      onread: { buffer: readBuffer, callback: (n) => this.#onRead(readBuffer.subarray(0, n)) },
    });
    const timer = setTimeout(
      () => this.#fail(timeoutError(`No connection to the store within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    this.#socket.once('connect', () => clearTimeout(timer));
    this.#socket.once('close', () => clearTimeout(timer));
    this.#socket.setTimeout(idleTimeoutMs, () =>
      this.#fail(timeoutError(`The store sent nothing for ${idleTimeoutMs} ms`)),
    );
    this.#socket.on('error', (err) => this.#fail(err));
    this.#socket.on('end', () => this.#closedByPeer());
    this.#socket.on('close', () => this.#closedByPeer());
  }

  exchange(request: Buffer): Promise<PlainResponse | null> {
    const stale = this.#used;
    this.#used = true;
    this.#state = 'head';
    this.#received = 0;
    this.#headPart = null;
    this.#early = null;
    this.#earlyBuffer = null;
    this.#sink = null;
    return new Promise((resolve, reject) => {
      this.#waiting = {
        resolve,
        // Only a reset or a close says the store dropped the kept connection; a timeout is
        // not retried here (retry.ts decides).
        reject: (err) => {
          const dropped = ['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? '');
          reject(stale && this.#received === 0 && dropped ? new StaleConnection() : err);
        },
      };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#state = 'closed';
    this.#owner.forget(this);
    this.#socket.destroy();
  }

  /** Returns false to stop reading until resumed. */
  #onRead(bytes: Buffer): boolean {
    this.#received += bytes.length;
    if (this.#state === 'head') return this.#onHeadBytes(bytes);
    if (this.#state === 'body') return this.#onBody(bytes);
    // Bytes while idle: the store sent something unasked for; the connection is unusable.
    this.close();
    return false;
  }

  #onHeadBytes(bytes: Buffer): boolean {
    const seen = this.#headPart ? Buffer.concat([this.#headPart, bytes]) : bytes;
    const end = seen.indexOf(HEAD_END);
    if (end < 0) {
      if (seen.length > MAX_HEAD_BYTES) return this.#answer(null);
      this.#headPart = Buffer.from(seen);
      return true;
    }
    if (end > MAX_HEAD_BYTES) return this.#answer(null);
    const lines = seen.toString('latin1', 0, end).split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    const headers: Record<string, string> = {};
    let lengths = 0;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) return this.#answer(null);
      const name = line.slice(0, colon).trim().toLowerCase();
      headers[name] = line.slice(colon + 1).trim();
      if (name === 'content-length') lengths++;
    }
    const length = Number(headers['content-length']);
    const code = status ? Number(status[2]) : 0;
    if (
      code < 200 ||
      code > 299 ||
      lengths !== 1 ||
      !/^\d+$/.test(headers['content-length'] ?? '') ||
      !Number.isSafeInteger(length) ||
      headers['transfer-encoding'] !== undefined
    ) {
      return this.#answer(null);
    }
    // HTTP/1.0 closes after each answer unless told otherwise; Sluice never asks it to keep alive.
    this.#keepAlive = status?.[1] === '1' && (headers.connection ?? '').toLowerCase() !== 'close';
    this.#state = 'body';
    this.#remaining = length;
    this.#headPart = null;
    const rest = seen.subarray(end + HEAD_END.length);
    if (rest.length > length) return this.#answer(null);
    if (rest.length > 0) {
      this.#earlyBuffer = this.#owner.takeSpare();
      this.#early = this.#earlyBuffer.subarray(0, rest.copy(this.#earlyBuffer));
    }
    this.#remaining -= rest.length;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.resolve({ status: code, headers, body: this.#bodySource() });
    if (this.#remaining === 0 && this.#early === null) this.#finishIfPiped();
    // Nothing more is read until the body has a sink.
    return false;
  }

  /** Ends the exchange with `response` (null: not a simple answer, the connection is closed). */
  #answer(response: null): boolean {
    const waiting = this.#waiting;
    this.#waiting = null;
    this.close();
    waiting?.resolve(response);
    return false;
  }

  #bodySource(): BodySource {
    return {
      pipeTo: (sink) =>
        new Promise<void>((resolve, reject) => {
          if (this.#sink || this.#state !== 'body') {
            reject(new Error('The body was already read or dropped'));
            return;
          }
          this.#sink = sink;
          this.#piped = { resolve, reject };
          void this.#drainEarly();
        }),
      destroy: () => {
        if (this.#state === 'body') this.#fail(new Error('The body was dropped before its end'));
      },
    };
  }

  async #drainEarly(): Promise<void> {
    try {
      const early = this.#early;
      this.#early = null;
      if (early) await this.#sink?.(early);
    } catch (err) {
      this.#fail(err as Error);
      return;
    } finally {
      // The sink copied the bytes (they are valid only during its call).
      if (this.#earlyBuffer) this.#owner.giveSpare(this.#earlyBuffer);
      this.#earlyBuffer = null;
    }
    if (this.#state !== 'body') return;
    if (this.#remaining === 0) this.#finishIfPiped();
    else this.#socket.resume();
  }

  #onBody(bytes: Buffer): boolean {
    if (bytes.length > this.#remaining) {
      this.#fail(networkError('ECONNRESET', 'The store sent more bytes than its Content-Length'));
      return false;
    }
    this.#remaining -= bytes.length;
    let wait: Promise<void> | undefined;
    try {
      wait = this.#sink?.(bytes);
    } catch (err) {
      this.#fail(err as Error);
      return false;
    }
    if (this.#remaining === 0) {
      if (wait) {
        wait.then(
          () => this.#finishIfPiped(),
          (err: Error) => this.#fail(err),
        );
        return false;
      }
      this.#finishIfPiped();
      // A kept connection goes on reading (to see the store close it); returning false here
      // would stop the reads `finishIfPiped` just started.
      return this.#state === 'idle';
    }
    if (!wait) return true;
    wait.then(
      () => {
        if (this.#state === 'body') this.#socket.resume();
      },
      (err: Error) => this.#fail(err),
    );
    return false;
  }

  #finishIfPiped(): void {
    const piped = this.#piped;
    if (!piped || this.#state !== 'body') return;
    this.#piped = null;
    this.#sink = null;
    this.#state = 'idle';
    if (this.#keepAlive) {
      this.#socket.resume();
      this.#owner.release(this);
    } else this.close();
    piped.resolve();
  }

  #closedByPeer(): void {
    if (this.#state === 'closed') return;
    const state = this.#state;
    this.#fail(
      networkError(
        'ECONNRESET',
        state === 'body'
          ? 'The store closed the connection before the whole body'
          : 'The store closed the connection',
      ),
    );
  }

  #fail(err: Error): void {
    if (this.#state === 'closed') return;
    const waiting = this.#waiting;
    const piped = this.#piped;
    this.#waiting = null;
    this.#piped = null;
    this.close();
    waiting?.reject(err);
    piped?.reject(err);
  }
}
