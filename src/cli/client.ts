/**
 * A small typed client of the Sluice (Feldera v0) REST API, used by the CLI. Errors from the
 * server are rethrown as `ApiError` with the server's code and message.
 */
import { ApiError, isErrorBody } from '../types/errors.js';

export interface ClientOptions {
  url: string;
  apiKey?: string;
}

export interface RequestBody {
  data: string | Buffer;
  contentType: string;
  /** Called with the bytes handed to the connection so far, as an upload proceeds. */
  onUpload?: (bytesSent: number) => void;
}

const UPLOAD_CHUNK = 256 * 1024;

/** The body as a stream of chunks, reporting each chunk as it is taken. */
function countingStream(data: Buffer, onUpload: (bytesSent: number) => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) {
        controller.close();
        return;
      }
      const chunk = data.subarray(offset, offset + UPLOAD_CHUNK);
      offset += chunk.length;
      controller.enqueue(chunk);
      onUpload(offset);
    },
  });
}

/** REST client for one Sluice manager. */
export class SluiceClient {
  constructor(private readonly options: ClientOptions) {}

  /**
   * Sends a request and returns the raw response, throwing the server's error on 4xx/5xx.
   * An object body is sent as JSON; a request without a body has no content type.
   */
  raw(method: string, path: string, body?: object): Promise<Response> {
    return this.send(
      method,
      path,
      body === undefined ? undefined : { data: JSON.stringify(body), contentType: 'application/json' },
    );
  }

  /** Like `raw`, with the body's bytes and content type given, and upload progress if asked. */
  async send(method: string, path: string, body?: RequestBody): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (body) {
      headers['content-type'] = body.contentType;
      if (body.onUpload) {
        init.body = countingStream(Buffer.from(body.data), body.onUpload);
        init.duplex = 'half';
      } else {
        init.body = body.data;
      }
    }
    let res: Response;
    try {
      res = await fetch(`${this.options.url}${path}`, init);
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new Error(
        `cannot reach Sluice at ${this.options.url}: ${cause ?? (err as Error).message} (is the manager running? --url or SLUICE_URL names it)`,
      );
    }
    if (res.status >= 400) {
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      if (isErrorBody(parsed)) throw ApiError.fromBody(res.status, parsed);
      throw new Error(`HTTP ${res.status}: ${text.slice(0, 500)}`);
    }
    return res;
  }

  async json<T = unknown>(method: string, path: string, body?: object): Promise<T> {
    const res = await this.raw(method, path, body);
    const text = await res.text();
    return (text.length > 0 ? JSON.parse(text) : undefined) as T;
  }
}
