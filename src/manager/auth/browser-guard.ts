/**
 * What a web browser may do with the manager's API: a root `onRequest` hook that runs before
 * authentication.
 *
 * A browser visiting any web site can send requests to the manager on the user's machine.
 * Two attacks follow, and this hook stops both:
 *
 * - DNS rebinding. A page on `evil.example` points its own name at 127.0.0.1 and reads the
 *   API as "same-origin". Its requests still say `Host: evil.example`. So when authentication
 *   is off, a request whose `Host` names anything but a loopback name (`localhost`,
 *   127.0.0.0/8, `::1`), the configured `--host`, or an `--allowed-host` is refused
 *   (403 `HostNotAllowed`), whatever its port. With authentication on, a rebinding page has no
 *   credential (Sluice's are bearer tokens, which browsers never attach by themselves), so any
 *   `Host` is accepted. `GET /healthz` is exempt: it changes nothing and says only "healthy",
 *   and probes address it by IP.
 * - Cross-site requests. A page can send "simple" requests to any origin without asking
 *   (form posts, `text/plain` bodies): `POST /stop` or an ingress from `evil.example` would
 *   work against an unauthenticated manager. A request is cross-origin when it carries
 *   `Sec-Fetch-Site: cross-site` or `same-site` (set by browsers, not by scripts), or an
 *   `Origin` whose host and port differ from its `Host` (`Origin: null` included). The scheme
 *   is not compared: behind a proxy that terminates TLS the page is `https:` while the manager
 *   sees plain HTTP, and no page of another scheme can be served from the manager's own
 *   host and port. Such a request is refused (403 `CrossOriginRequest`), with or without
 *   authentication, unless it is a GET or HEAD of a route in `CROSS_ORIGIN_READABLE`. Those
 *   only read, and the page
 *   cannot read their answer: Sluice sends no CORS headers. The ad-hoc query endpoint is not
 *   among them: `GET /query` runs `INSERT` statements. A route added later is refused until
 *   it is listed here, so the default is safe.
 *
 * Clients that are not browsers (curl, SDKs, the CLI) send no `Origin` and no
 * `Sec-Fetch-Site`, and are only subject to the `Host` check.
 */
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../types/errors.js';

/** GET routes that only read, so a cross-origin GET or HEAD of them is harmless. */
export const CROSS_ORIGIN_READABLE = new Set([
  '/healthz',
  '/config/authentication',
  '/v0/openapi.json',
  '/v0/config',
  '/v0/config/session',
  '/v0/metrics',
  '/v0/api_keys',
  '/v0/api_keys/:api_key_name',
  '/v0/pipelines',
  '/v0/pipelines/:pipeline_name',
  '/v0/pipelines/:pipeline_name/logs',
  '/v0/pipelines/:pipeline_name/stats',
  '/v0/pipelines/:pipeline_name/metrics',
  '/v0/pipelines/:pipeline_name/completion_status',
  '/v0/pipelines/:pipeline_name/tables/:table_name/connectors/:connector_name/completion_token',
  '/v0/pipelines/:pipeline_name/checkpoint_status',
  '/v0/pipelines/:pipeline_name/checkpoints',
  '/v0/pipelines/:pipeline_name/checkpoint/sync_status',
  '/v0/pipelines/:pipeline_name/checkpoints/remote',
]);

export interface BrowserGuardSettings {
  authEnabled: boolean;
  /** The address the manager binds (`--host`). */
  host: string;
  /** `--allowed-host` names, normalized by config.ts. */
  allowedHosts: string[];
}

/** Lower case, without IPv6 brackets and without a trailing dot. */
function normalizeHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

/** Host name and port of a `Host` header value (`name`, `name:port`, `[v6]:port`), or null if malformed. */
function parseHostHeader(value: string | undefined): { hostname: string; port: string } | null {
  if (value === undefined || value === '' || /[\s@/?#\\]/.test(value)) return null;
  try {
    const url = new URL(`http://${value}`);
    return { hostname: normalizeHostname(url.hostname), port: url.port };
  } catch {
    return null;
  }
}

function isLoopbackName(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '::1') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/** Whether the request comes from a page of another origin (or another site). */
function isCrossOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  const host = parseHostHeader(request.headers.host);
  if (host === null) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return true; // `null` (sandboxed frames, file: pages) or garbage: not our origin
  }
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return (
    normalizeHostname(url.hostname) !== host.hostname ||
    (url.port || defaultPort) !== (host.port || defaultPort)
  );
}

/** The `onRequest` hook enforcing the rules above. */
export function createBrowserGuard(
  settings: BrowserGuardSettings,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const allowed = new Set([normalizeHostname(settings.host), ...settings.allowedHosts]);
  return async (request) => {
    const route = request.routeOptions.url ?? '';
    const readOnly = request.method === 'GET' || request.method === 'HEAD';
    if (!settings.authEnabled && !(readOnly && route === '/healthz')) {
      const host = parseHostHeader(request.headers.host);
      if (host === null || !(isLoopbackName(host.hostname) || allowed.has(host.hostname))) {
        const shown = (request.headers.host ?? '').slice(0, 100);
        throw new ApiError(
          'HostNotAllowed',
          `Host '${shown}' is not allowed: without --auth the manager answers only requests for localhost, 127.0.0.0/8, [::1], its --host or an --allowed-host (this guards against DNS rebinding)`,
          { host: shown },
        );
      }
    }
    if (isCrossOrigin(request) && !(readOnly && CROSS_ORIGIN_READABLE.has(route))) {
      throw new ApiError(
        'CrossOriginRequest',
        `Cross-origin ${request.method} refused: requests from web pages of another origin may only read (Origin ${JSON.stringify((request.headers.origin ?? '').slice(0, 100))}, Sec-Fetch-Site ${JSON.stringify(request.headers['sec-fetch-site'] ?? '')})`,
        {
          origin: (request.headers.origin ?? '').slice(0, 100) || null,
          sec_fetch_site: request.headers['sec-fetch-site'] ?? null,
        },
      );
    }
  };
}
