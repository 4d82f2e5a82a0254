/**
 * HTTP requests through node:http, for tests that need what `fetch` forbids: an explicit
 * `Host` header, no `Host` at all (HTTP/1.0), or a body streamed in chunks.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON bodies
  body: any;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent whole (with Content-Length), or streamed chunked when a stream. */
  body?: string | Buffer | Readable;
}

/**
 * Sends one request to `baseUrl` and reads the whole answer. A server that answers before
 * reading the whole body and closes the connection is fine: the answer is still returned.
 */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
        res.on('error', reject);
      },
    );
    // A refused upload may be cut by the server; the answer, if it came, has been resolved,
    // and a reset after it (on the socket, once the response is done) is no failure.
    req.on('error', reject);
    req.on('socket', (socket) => socket.on('error', () => undefined));
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** A GET over HTTP/1.0 without a Host header, written by hand on a socket. */
export function http10WithoutHost(baseUrl: string, path: string): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`GET ${path} HTTP/1.0\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}
