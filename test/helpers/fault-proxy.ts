/**
 * An HTTP proxy in front of a real S3 server that breaks chosen requests, for retry and
 * integrity tests: answer 503 SlowDown or 500 InternalError, drop the connection, flip a
 * byte of an upload on its way to the store (which then stores, and computes the ETag of,
 * the damaged bytes), cut an answer's body after `CUT_DOWNLOAD_AT` bytes (then close the
 * connection, so the client reads those bytes and then the end), or flip the body's byte at
 * `FLIP_DOWNLOAD_AT`. Everything else is forwarded
 * unchanged, Host header included, so signatures still verify.
 */
import { createServer, request } from 'node:http';

export type Fault =
  | 'slowdown'
  | 'internal-error'
  | 'reset'
  | 'corrupt-upload'
  | 'cut-download'
  | 'corrupt-download';

/** Bytes of an answer's body that 'cut-download' lets through (not a multiple of any read size). */
export const CUT_DOWNLOAD_AT = 100_003;
/** The byte of an answer's body that 'corrupt-download' flips (inside what a cut lets through). */
export const FLIP_DOWNLOAD_AT = 50_001;

export interface FaultProxy {
  endpoint: string;
  /** Applies `fault` to the next `count` requests that `match` (default: every request). */
  inject(fault: Fault, count?: number, match?: (method: string, url: string) => boolean): void;
  /** Requests seen so far, as "METHOD url". */
  requests: string[];
  close(): Promise<void>;
}

const ERROR_XML = {
  slowdown: [503, 'SlowDown', 'Please reduce your request rate.'],
  'internal-error': [500, 'InternalError', 'We encountered an internal error. Please try again.'],
} as const;

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults: Array<{ fault: Fault; left: number; match: (method: string, url: string) => boolean }> = [];
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    requests.push(`${method} ${url}`);
    const armed = faults.find((f) => f.left > 0 && f.match(method, url));
    if (armed) armed.left--;
    const fault = armed?.fault;
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slowdown' || fault === 'internal-error') {
      const [status, code, message] = ERROR_XML[fault];
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        );
      });
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method, path: url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (fault !== 'cut-download' && fault !== 'corrupt-download') {
          answer.pipe(res);
          return;
        }
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= CUT_DOWNLOAD_AT && fault === 'cut-download') return;
          if (
            fault === 'corrupt-download' &&
            sent <= FLIP_DOWNLOAD_AT &&
            FLIP_DOWNLOAD_AT < sent + chunk.length
          )
            chunk[FLIP_DOWNLOAD_AT - sent] = chunk[FLIP_DOWNLOAD_AT - sent]! ^ 0xff;
          if (fault === 'cut-download' && sent + chunk.length >= CUT_DOWNLOAD_AT) {
            res.write(chunk.subarray(0, CUT_DOWNLOAD_AT - sent), () => res.socket?.end());
            sent = CUT_DOWNLOAD_AT;
            answer.destroy();
            return;
          }
          sent += chunk.length;
          res.write(chunk);
        });
        answer.on('end', () => res.end());
      },
    );
    forward.on('error', () => res.destroy());
    let first = true;
    req.on('data', (chunk: Buffer) => {
      if (fault === 'corrupt-upload' && first && chunk.length > 0) chunk[0] = chunk[0]! ^ 0xff;
      first = false;
      forward.write(chunk);
    });
    req.on('end', () => forward.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    inject(fault, count = 1, match = () => true) {
      faults.push({ fault, left: count, match });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
