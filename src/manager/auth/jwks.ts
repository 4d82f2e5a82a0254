/**
 * The JSON Web Key Set that JWT signatures are checked against.
 *
 * A file path is read and checked once, when the manager starts, so that a missing or
 * broken file stops start-up with a clear message instead of refusing every token later.
 * An http(s) URL is handed to jose's remote key set, which fetches it on first use, caches
 * it and refetches when a token names a key it does not hold; a failed fetch is the
 * server's problem, not the client's, so it answers 503 `AuthProviderUnreachable` rather
 * than 401.
 */
import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { ApiError } from '../../types/errors.js';

// jose codes that mean the key set could not be obtained; any other jose error is about the token.
const FETCH_FAILURE_CODES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/** The key lookup for `jwtVerify`, from a JWKS file path or an http(s) URL; throws if it cannot be used. */
export async function loadJwks(source: string): Promise<JWTVerifyGetKey> {
  return /^https?:\/\//i.test(source) ? remoteJwks(source) : localJwks(source);
}

function isJwks(value: unknown): value is JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  return (
    Array.isArray(keys) &&
    keys.length > 0 &&
    keys.every((k) => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string')
  );
}

async function localJwks(path: string): Promise<JWTVerifyGetKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the JWKS file '${path}': ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The JWKS file '${path}' is not valid JSON`);
  }
  if (!isJwks(parsed)) {
    throw new Error(
      `The JWKS file '${path}' is not a JSON Web Key Set: expected {"keys": [...]} with at least one key, each with a "kty"`,
    );
  }
  return createLocalJWKSet(parsed);
}

function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
}

function remoteJwks(source: string): JWTVerifyGetKey {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new Error(`The JWKS URL '${source}' is not a valid URL`);
  }
  // Shown without query or user info, which could hold credentials for the key server.
  const shown = `${url.origin}${url.pathname}`;
  const keySet = createRemoteJWKSet(url);
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (err) {
      if (err instanceof errors.JOSEError && !FETCH_FAILURE_CODES.has(err.code)) throw err;
      const message = `Could not fetch the JWKS from ${shown}: ${describeFailure(err)}`;
      throw new ApiError('AuthProviderUnreachable', message, { jwks_url: shown });
    }
  };
}
