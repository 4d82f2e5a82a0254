/**
 * Test support for authentication: a manager HTTP app reduced to the parts under test, and
 * the JWT issuer side (key pairs, signed tokens, a JWKS file, a JWKS HTTP server).
 *
 * The app is wired like src/manager/app.ts (same Fastify options, error handling, OpenAPI
 * document, root `onRequest` auth hook) with the health, config and API key routes and a
 * real SQLite store in a temporary directory, listening on a loopback port, so requests go
 * through real HTTP. Starting it does not need the compiler or the runner.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { clientErrorHandler, installErrorHandling } from '../../../src/http/errors.js';
import { createAuthHook } from '../../../src/manager/auth/authenticate.js';
import { AuthenticatedResponses } from '../../../src/manager/auth/authenticated-responses.js';
import { SECURITY_SCHEME } from '../../../src/manager/auth/schemas.js';
import { type AuthSettings, defaultManagerConfig } from '../../../src/manager/config.js';
import { apiKeyRoutes } from '../../../src/manager/routes/api-keys.js';
import { configRoutes } from '../../../src/manager/routes/config.js';
import { SqliteStore } from '../../../src/manager/store/sqlite.js';
import { assertError } from '../../helpers/reference.js';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON bodies
  body: any;
}

export interface AuthTestApp {
  url: string;
  app: FastifyInstance;
  store: SqliteStore;
  dir: string;
  dbPath: string;
  /** Sends a request; `token` becomes `Authorization: Bearer <token>`. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<HttpResult>;
  close(): Promise<void>;
}

/** Starts the reduced manager app with `auth` over the defaults (auth off); `logStream` receives its log. */
export async function startAuthTestApp(
  auth: Partial<AuthSettings> = {},
  logStream?: Writable,
): Promise<AuthTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-auth-'));
  const dbPath = join(dir, 'metadata.sqlite');
  const store = new SqliteStore(dbPath);
  const config = defaultManagerConfig({ dataDir: dir, auth: { ...defaultManagerConfig().auth, ...auth } });
  const app = Fastify({
    logger: logStream ? { level: 'trace', stream: logStream } : false,
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 1024 },
    clientErrorHandler,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
    },
  });
  try {
    installErrorHandling(app);
    await app.register(swagger, {
      openapi: {
        info: { title: 'Sluice API (auth test)', version: '0' },
        components: {
          securitySchemes: { [SECURITY_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
    });
    app.get('/v0/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    const responses = new AuthenticatedResponses();
    app.addHook('onRequest', await createAuthHook(config.auth, store, responses));
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'healthy' }));
    await app.register(configRoutes, { config });
    await app.register(apiKeyRoutes, { store, responses });
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    store,
    dir,
    dbPath,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      const init: RequestInit = { method, headers };
      if (options.body !== undefined) {
        init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${path}`, init);
      const text = await res.text();
      let body: unknown;
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: res.status, headers: res.headers, text, body };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Asserts a 401 `Unauthorized` in the reference error shape, with `reason`, a Bearer
 * challenge, and no trace of `secret` anywhere in the response.
 */
export function assertUnauthorized(res: HttpResult, reason: string, secret?: string): void {
  assertError(res, 401, 'Unauthorized');
  assert.equal(res.body.details.reason, reason, res.text);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="sluice"/);
  if (secret !== undefined) {
    assert.ok(!res.text.includes(secret), 'the response echoes the credential');
    assert.ok(![...res.headers.values()].some((v) => v.includes(secret)), 'a header echoes the credential');
  }
}

export const ISSUER = 'https://idp.example.test/realms/sluice';
export const AUDIENCE = 'sluice-manager';

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now; null leaves out the `exp` claim. */
  expiresIn?: number | null;
  /** Seconds from now for `nbf`. */
  notBefore?: number;
  /** Overrides the `kid` header. */
  kid?: string;
}

/** A signing key pair of an identity provider under test. */
export interface TestSigningKey {
  /** The public key as it appears in a JWKS. */
  jwk: JWK;
  sign(claims?: JWTPayload, options?: TokenOptions): Promise<string>;
}

/** Generates a key pair for `alg`, published under `kid`. */
export async function makeSigningKey(alg: 'RS256' | 'ES256', kid: string): Promise<TestSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    jwk,
    async sign(claims = { sub: 'alice' }, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg, kid: options.kid ?? kid })
        .setIssuedAt(now)
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE);
      const expiresIn = options.expiresIn === undefined ? 600 : options.expiresIn;
      if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
      if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
      return jwt.sign(privateKey);
    },
  };
}

/** Writes a JWKS holding `keys` to a new temporary file; returns its path. */
export function writeJwksFile(keys: JWK[]): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-jwks-'));
  const path = join(dir, 'jwks.json');
  writeFileSync(path, JSON.stringify({ keys }));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface JwksServer {
  url: string;
  /** How many times the JWKS was fetched. */
  hits(): number;
  close(): Promise<void>;
}

/** Serves `{keys}` on a loopback HTTP server at `/jwks.json`, or answers `status` with no JWKS. */
export async function serveJwks(keys: JWK[], status = 200): Promise<JwksServer> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? JSON.stringify({ keys }) : '{"error":"unavailable"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback URL on which nothing listens. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/jwks.json`;
}
