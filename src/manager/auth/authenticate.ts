/**
 * The manager's authentication hook: one `onRequest` hook on the root instance, so that it
 * runs before every route, unknown routes included.
 *
 * With authentication off it lets everything through (config.ts refuses that on a
 * non-loopback address). With it on, every request except the public ones below must carry
 * `Authorization: Bearer <token>`: a token starting with `apikey:` is looked up as an API
 * key, anything else is verified as a JWT against the configured JWKS. Public routes are
 * recognised by their route pattern, not the raw URL, so query strings or odd spellings of
 * the path cannot make a protected route look public. A refused request gets 401 with a
 * `WWW-Authenticate` challenge; the reason is logged, the token never is. An accepted
 * request's response is tracked under its credential (authenticated-responses.ts), so a
 * stream is cut when its API key is deleted or its JWT expires.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthSettings } from '../config.js';
import type { MetadataStore } from '../store/types.js';
import { API_KEY_PREFIX } from './api-key-secret.js';
import { authenticateApiKey } from './api-keys.js';
import type { AuthenticatedResponses, Credential } from './authenticated-responses.js';
import { AuthenticationError } from './authentication-error.js';
import { bearerTokenOf } from './bearer.js';
import { createJwtVerifier, type JwtVerifier } from './jwt.js';

/** Routes that answer without a credential (the health probe, the login bootstrap, the API document). */
const PUBLIC_ROUTES = new Set(['/healthz', '/config/authentication', '/v0/openapi.json']);

/** The hook's signature: an async Fastify `onRequest` hook. */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

function isPublic(request: FastifyRequest): boolean {
  const readOnly = request.method === 'GET' || request.method === 'HEAD';
  return readOnly && PUBLIC_ROUTES.has(request.routeOptions.url ?? '');
}

async function authenticate(
  token: string,
  store: MetadataStore,
  verifyJwt: JwtVerifier | null,
): Promise<Credential> {
  if (token.startsWith(API_KEY_PREFIX)) {
    return { kind: 'apiKey', id: (await authenticateApiKey(store, token)).id };
  }
  if (verifyJwt) return { kind: 'jwt', expiresAt: (await verifyJwt(token)).expiresAt };
  throw new AuthenticationError(
    'JwtNotAccepted',
    "Bearer token is not an API key ('apikey:...'), and JWTs are not accepted because no JWKS is configured",
  );
}

/**
 * Builds the `onRequest` hook for `settings`. Loads a JWKS file now, so a bad file fails
 * start-up; rejects with a readable message in that case.
 */
export async function createAuthHook(
  settings: AuthSettings,
  store: MetadataStore,
  responses: AuthenticatedResponses,
): Promise<AuthHook> {
  if (!settings.enabled) return async () => {};
  const verifyJwt = await createJwtVerifier(settings);
  return async (request, reply) => {
    if (isPublic(request)) return;
    try {
      const credential = await authenticate(bearerTokenOf(request.headers.authorization), store, verifyJwt);
      responses.track(credential, reply.raw);
    } catch (err) {
      if (err instanceof AuthenticationError) {
        reply.header('WWW-Authenticate', err.challenge);
        request.log.info({ reason: err.reason }, 'authentication failed');
      }
      throw err;
    }
  };
}
