/**
 * An HTTP proxy in front of the test S3 server that can hold uploads: while closed, every PUT
 * of a checkpoint file (a key under `blobs/`) waits at the gate until `open()`, so a test can look at a sync while it is under way for as
 * long as it needs, whatever the machine's load. Requests are forwarded unchanged (Host
 * included), so signatures still verify.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

export interface UploadGate {
  endpoint: string;
  /**
   * Blob uploads from now on wait at the gate; the ownership claim and the manifest do not, so
   * a held push is always in its transferring phase, with its totals known.
   */
  close(): void;
  /** Lets waiting and later uploads through (and ends `fail`). */
  open(): void;
  /**
   * Answers waiting and later blob uploads 403 AccessDenied (an error the S3 client does not
   * retry), so the push under way fails part-way, as when the store goes away mid-push.
   */
  fail(): void;
  /** How many uploads wait at the gate. */
  readonly waiting: number;
  stop(): Promise<void>;
}

export async function startUploadGate(target: string): Promise<UploadGate> {
  const upstream = new URL(target);
  let closed = false;
  let failing = false;
  const held: Array<() => void> = [];
  const deny = (res: ServerResponse) => {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
    );
  };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server = createServer((req, res) => {
    const blobUpload = req.method === 'PUT' && req.url?.includes('/blobs/');
    if (failing && blobUpload) {
      req.resume();
      deny(res);
    } else if (closed && blobUpload) {
      req.pause();
      held.push(() => {
        if (!failing) return forward(req, res);
        req.resume();
        deny(res);
      });
    } else {
      forward(req, res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closed = true;
    },
    open() {
      closed = false;
      failing = false;
      for (const release of held.splice(0)) release();
    },
    fail() {
      failing = true;
      closed = false;
      for (const release of held.splice(0)) release();
    },
    get waiting() {
      return held.length;
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
