/**
 * A small typed client of the Sluice (Feldera v0) REST API, used by the CLI. Errors from the
 * server are rethrown as `ApiError` with the server's code and message.
 */
import { ApiError, isErrorBody } from '../types/errors.js';

export interface ClientOptions {
  url: string;
  apiKey?: string;
}

/** REST client for one Sluice manager. */
export class SluiceClient {
  constructor(private readonly options: ClientOptions) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.options.apiKey) h.authorization = `Bearer ${this.options.apiKey}`;
    return h;
  }

  /** Sends a request and returns the raw response, throwing the server's error on 4xx/5xx. */
  async raw(method: string, path: string, body?: string | object, contentType?: string): Promise<Response> {
    const init: RequestInit = { method, headers: this.headers() };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] =
        contentType ?? (typeof body === 'string' ? 'text/plain' : 'application/json');
    }
    let res: Response;
    try {
      res = await fetch(`${this.options.url}${path}`, init);
    } catch (err) {
      throw new Error(`cannot reach Sluice at ${this.options.url}: ${(err as Error).message}`);
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
