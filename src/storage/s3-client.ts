/**
 * A lean S3 client for a `SyncSettings`: one signed HTTP request at a time, nothing else.
 *
 * Why not `@aws-sdk/client-s3`: a one-shot `sluice` process (a CLI push or pull, a pipeline's
 * first pull) spent 0.3–0.45 s of CPU loading the SDK's code and more warming it up on its
 * first requests, as much as the whole transfer of 110 MiB (bench/README.md, fifth pass). The
 * sync needs nine operations whose requests are a URL, a few headers and small XML documents;
 * this file builds, signs and sends them, s3-xml.ts reads and writes their XML.
 *
 * - Signing: AWS Signature V4 by the `aws4` library. The payload hash is given by the caller:
 *   the SHA-256 a push already computed for single PUTs (S3 verifies it), `UNSIGNED-PAYLOAD`
 *   for parts (their Content-MD5 is checked through the ETag), the hash of the few bytes of an
 *   XML body. Nothing here hashes a data body.
 * - Addressing: virtual-hosted (bucket.host) for provider AWS, path style for everyone else,
 *   and path style for a bucket name that cannot be a host name label (as the AWS SDK does).
 * - Credentials: the configured key pair, or else the AWS SDK's standard chain (environment
 *   variables, shared profile, container and instance roles, IRSA web identity), loaded with a
 *   dynamic import only in that case, resolved before each request (the chain caches and
 *   refreshes them).
 * - No retries here: retry.ts is the single retry policy.
 * - No `Expect: 100-continue`: it only saves sending a body the store would refuse, which a
 *   sync's uploads almost never are, and costs a round trip per file and part (rclone does not
 *   send it either).
 * - Object bodies (`download`) from an `http://` endpoint are read by plain-http.ts, which reads
 *   sockets into one reused buffer instead of Node's HTTP client (a fresh buffer per read and a
 *   copy of every body chunk): what a pull spent most of its CPU on. Any answer it does not
 *   read itself (an error, a chunked body) is asked for again here, through `node:http`.
 * - Keep-alive agents sized to the sync's parallelism; a connect timeout, and an idle-socket
 *   timeout rather than a total one, so that a hung store fails fast while a slow
 *   multi-gigabyte transfer does not. Both fail with a `TimeoutError`.
 * - Errors: a non-2xx answer becomes an `S3ServiceError` named by the store's error code (the
 *   `Code` of its error document; for a body-less answer such as HEAD's, the HTTP status text:
 *   `NotFound`, `Forbidden`), with the HTTP status in `$metadata.httpStatusCode`, the shape
 *   errors.ts and retry.ts classify. Only the code and the store's message are kept: an error
 *   document may carry the access key id or the string to sign. Network failures are Node's
 *   own errors (`ECONNREFUSED`, ...).
 */
import {
  Agent as HttpAgent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  STATUS_CODES,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import { type BodySource, PlainHttpGetter } from './plain-http.js';
import { parseErrorDocument } from './s3-xml.js';
import type { SyncSettings } from './sync-config.js';

const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_SOCKET_TIMEOUT_MS = 60_000;
const MAX_SOCKETS_CAP = 256;
/** Error documents are small; more than this is not one. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** SHA-256 of no bytes: the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** A bucket name that can be the first label of a host name (no dots: TLS wildcards). */
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Request {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  bucket: string;
  /** Full object key, not encoded; absent for bucket-level operations (listing, batch delete). */
  key?: string;
  /** Query parameters, not encoded (`{uploads: ''}` for a bare `?uploads`). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | ChunkedBody;
  /** Hex SHA-256 of `body` or `UNSIGNED-PAYLOAD`; the hash of no bytes without a body. */
  payloadHash?: string;
}

/**
 * A request body written chunk by chunk (file-body.ts): `writeTo` calls `write` with each chunk
 * in order and waits for it before reusing the chunk's memory; `write` resolves once the
 * socket has taken the chunk. `length` bytes in all; sent with that Content-Length.
 */
export interface ChunkedBody {
  length: number;
  writeTo(write: (chunk: Buffer) => Promise<void>): Promise<void>;
}

/** A 2xx answer; `body` must be consumed or destroyed (`readBody`, `discardBody`). */
export interface S3Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** A 2xx answer to a GET, its body read with `pipeTo`. */
export interface S3Download {
  status: number;
  body: BodySource;
}

/** A store's refusal: `name` is its error code, `$metadata.httpStatusCode` the HTTP status. */
export class S3ServiceError extends Error {
  readonly $metadata: { httpStatusCode: number };

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

function timeoutError(message: string): Error {
  const err = new Error(message);
  err.name = 'TimeoutError';
  return err;
}

/** Reads a whole (small) response body. */
export async function readBody(body: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** Drains a body that carries nothing of interest, so that the connection can be reused. */
export async function discardBody(body: IncomingMessage): Promise<void> {
  for await (const _ of body) {
    // The chunks themselves are not needed.
  }
}

/** S3's encoding of a key in a path: every byte but the unreserved characters and `/`. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/** Signed requests to one endpoint with one set of credentials (call `destroy` when done). */
export class S3Client {
  readonly #endpoint: URL;
  readonly #region: string;
  readonly #pathStyle: boolean;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #credentials: () => Promise<Credentials>;
  readonly #maxSockets: number;
  /** Plain-HTTP readers of object bodies by host name; none for an `https://` endpoint. */
  readonly #plain: Map<string, PlainHttpGetter> | null;

  /**
   * `plainHttpReads: false` sends downloads through `node:http` too (for tests of that path and
   * for comparisons; `https://` endpoints always do).
   */
  constructor(settings: SyncSettings, options: { plainHttpReads?: boolean } = {}) {
    this.#endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
    this.#region = settings.region;
    this.#pathStyle = settings.forcePathStyle;
    const parallelRequests = Math.max(
      settings.checkers,
      settings.transfers * Math.max(settings.uploadConcurrency, settings.multiThreadStreams),
    );
    this.#maxSockets = Math.min(MAX_SOCKETS_CAP, parallelRequests);
    const agentOptions = { keepAlive: true, maxSockets: this.#maxSockets };
    this.#agent =
      this.#endpoint.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    const configured = settings.credentials;
    this.#credentials = configured ? () => Promise.resolve(configured) : credentialChain();
    this.#plain = this.#endpoint.protocol === 'http:' && options.plainHttpReads !== false ? new Map() : null;
  }

  /** Sends one request; resolves on a 2xx answer, rejects with `S3ServiceError` or Node's error. */
  async send(req: S3Request): Promise<S3Response> {
    const signed = await this.#sign(req);
    const response = await this.#exchange(signed, req.body);
    if (response.status >= 200 && response.status < 300) return response;
    throw await serviceError(response);
  }

  /**
   * Sends a GET (no body) and resolves on a 2xx answer; rejects as `send` does. A GET is
   * idempotent, so one the plain-HTTP reader does not take (module header) is sent again.
   */
  async download(req: Omit<S3Request, 'method' | 'body'>): Promise<S3Download> {
    const signed = await this.#sign({ ...req, method: 'GET' });
    if (this.#plain) {
      const plain = await this.#plainGetter(signed.hostname ?? this.#endpoint.hostname).get(
        signed.path ?? '/',
        signed.headers as Record<string, string>,
      );
      if (plain) return plain;
    }
    const response = await this.#exchange(signed, undefined);
    if (response.status >= 200 && response.status < 300) {
      return { status: response.status, body: messageSource(response.body) };
    }
    throw await serviceError(response);
  }

  async #sign(req: S3Request): Promise<aws4.Request> {
    const credentials = await this.#credentials();
    const virtual = !this.#pathStyle && DNS_BUCKET.test(req.bucket);
    const base = this.#endpoint.pathname.replace(/\/$/, '');
    const objectPath = req.key !== undefined ? `/${encodeKey(req.key)}` : '/';
    const path = virtual
      ? `${base}${objectPath}`
      : `${base}/${encodeURIComponent(req.bucket)}${req.key !== undefined ? objectPath : ''}`;
    const query = req.query ? new URLSearchParams(req.query).toString() : '';
    return aws4.sign(
      {
        service: 's3',
        region: this.#region,
        method: req.method,
        hostname: virtual ? `${req.bucket}.${this.#endpoint.hostname}` : this.#endpoint.hostname,
        ...(this.#endpoint.port ? { port: Number(this.#endpoint.port) } : {}),
        path: query ? `${path}?${query}` : path,
        headers: { ...req.headers, 'x-amz-content-sha256': req.payloadHash ?? EMPTY_SHA256 },
      },
      credentials,
    );
  }

  #plainGetter(hostname: string): PlainHttpGetter {
    let getter = this.#plain?.get(hostname);
    if (!getter) {
      getter = new PlainHttpGetter({
        // An IPv6 literal is bracketed in a URL, not in a socket address.
        host: hostname.replace(/^\[(.*)\]$/, '$1'),
        port: Number(this.#endpoint.port || 80),
        maxIdle: this.#maxSockets,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        idleTimeoutMs: IDLE_SOCKET_TIMEOUT_MS,
      });
      this.#plain?.set(hostname, getter);
    }
    return getter;
  }

  /** Closes the idle keep-alive connections. */
  destroy(): void {
    this.#agent.destroy();
    for (const getter of this.#plain?.values() ?? []) getter.destroy();
  }

  #exchange(signed: aws4.Request, body: Buffer | ChunkedBody | undefined): Promise<S3Response> {
    return new Promise((resolve, reject) => {
      const send = this.#endpoint.protocol === 'https:' ? httpsRequest : request;
      const req = send({
        protocol: this.#endpoint.protocol,
        hostname: signed.hostname,
        port: signed.port,
        method: signed.method,
        path: signed.path,
        headers: signed.headers as Record<string, string>,
        agent: this.#agent,
      });
      let response: IncomingMessage | undefined;
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => req.destroy(timeoutError(`No connection to the store within ${CONNECT_TIMEOUT_MS} ms`)),
          CONNECT_TIMEOUT_MS,
        );
        socket.once('connect', () => clearTimeout(timer));
        req.once('close', () => clearTimeout(timer));
      });
      req.setTimeout(IDLE_SOCKET_TIMEOUT_MS, () => {
        const err = timeoutError(`The store sent nothing for ${IDLE_SOCKET_TIMEOUT_MS} ms`);
        response?.destroy(err);
        req.destroy(err);
      });
      req.once('error', reject);
      req.once('response', (res) => {
        response = res;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        const write = (chunk: Buffer) =>
          new Promise<void>((resolveWrite, rejectWrite) => {
            req.write(chunk, (err) => (err ? rejectWrite(err) : resolveWrite()));
          });
        body.writeTo(write).then(
          () => req.end(),
          (err: Error) => req.destroy(err),
        );
      }
    });
  }
}

/** A `node:http` body as a `BodySource`. */
function messageSource(message: IncomingMessage): BodySource {
  return {
    async pipeTo(sink) {
      for await (const chunk of message as AsyncIterable<Buffer>) {
        const wait = sink(chunk);
        if (wait) await wait;
      }
    },
    destroy: () => message.destroy(),
  };
}

/**
 * The error of a non-2xx answer, from its error document or else its HTTP status (also when the
 * XML library cannot be loaded: the status still decides retries and "absent").
 */
async function serviceError(response: S3Response): Promise<S3ServiceError> {
  const text = (await readBody(response.body, MAX_ERROR_BODY_BYTES)).toString('utf8');
  const doc = text ? await parseErrorDocument(text).catch(() => null) : null;
  const statusName = (STATUS_CODES[response.status] ?? 'UnknownError').replace(/[^A-Za-z]/g, '');
  return new S3ServiceError(doc?.code ?? statusName, doc?.message ?? '', response.status);
}

/** The AWS SDK's default credential chain, imported on first use only. */
function credentialChain(): () => Promise<Credentials> {
  let provider: Promise<() => Promise<Credentials>> | undefined;
  return async () => {
    provider ??= import('@aws-sdk/credential-provider-node').then((m) => m.defaultProvider());
    return (await provider)();
  };
}
