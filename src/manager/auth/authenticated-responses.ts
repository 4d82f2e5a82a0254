/**
 * Responses still open under a credential, cut when the credential stops being valid.
 *
 * Authentication happens once, when a request arrives; an egress stream, a followed log or a
 * long proxied answer can then run for hours. So every authenticated response is tracked
 * under its credential until it closes:
 * - an API key: `revokeApiKey` (called when the key is deleted) destroys every open response
 *   authenticated with it. Keys are deleted only through this manager's API (the data
 *   directory has one manager; `--create-api-key` only adds keys), so that call sees every
 *   deletion;
 * - a JWT: the response is destroyed when the token's `exp` passes (a token accepted within
 *   the verifier's clock leeway after its `exp` keeps its response until the leeway ends:
 *   jwt.ts).
 *
 * Destroying the connection, rather than ending the response, is deliberate: a stream that
 * ends cleanly looks complete to the client; a cut one is reported as an error.
 */
import type { ServerResponse } from 'node:http';

/** The credential a request was authenticated with. */
export type Credential =
  | { kind: 'apiKey'; id: string }
  /** `expiresAt`: epoch milliseconds at which its responses are cut. */
  | { kind: 'jwt'; expiresAt: number };

/** Longest delay `setTimeout` accepts (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tracks authenticated responses so that they can be cut when their credential goes. */
export class AuthenticatedResponses {
  private readonly byApiKey = new Map<string, Set<ServerResponse>>();

  /** Tracks `response` under `credential` until it closes. */
  track(credential: Credential, response: ServerResponse): void {
    if (credential.kind === 'jwt') {
      this.cutAt(credential.expiresAt, response);
      return;
    }
    let open = this.byApiKey.get(credential.id);
    if (!open) {
      open = new Set();
      this.byApiKey.set(credential.id, open);
    }
    const set = open;
    set.add(response);
    response.once('close', () => {
      set.delete(response);
      if (set.size === 0 && this.byApiKey.get(credential.id) === set) this.byApiKey.delete(credential.id);
    });
  }

  /**
   * Destroys every open response authenticated with API key `id` but `except` (the answer to
   * the request that deletes the key, which may use the key itself); returns how many.
   */
  revokeApiKey(id: string, except?: ServerResponse): number {
    const open = this.byApiKey.get(id);
    if (!open) return 0;
    this.byApiKey.delete(id);
    let cut = 0;
    for (const response of open) {
      if (response === except) continue;
      response.destroy();
      cut++;
    }
    return cut;
  }

  private cutAt(expiresAt: number, response: ServerResponse): void {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const left = expiresAt - Date.now();
      if (left <= 0) {
        response.destroy();
        return;
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      timer.unref();
    };
    arm();
    response.once('close', () => clearTimeout(timer));
  }
}
