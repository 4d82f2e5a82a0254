/**
 * Verification of JWT bearer tokens with jose.
 *
 * A token must carry a valid signature from a key of the configured JWKS, an `exp` claim
 * that has not passed, and the configured issuer and audience when those are set. Clocks
 * may disagree by up to a minute (the leeway of the `jsonwebtoken` crate Feldera uses).
 * Each jose failure is turned into an `AuthenticationError` with a message of our own, so
 * that no part of the token can reach the client or the log.
 */
import { errors, jwtVerify } from 'jose';
import type { AuthSettings } from '../config.js';
import { AuthenticationError } from './authentication-error.js';
import { loadJwks } from './jwks.js';

const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Checks one JWT: if it is accepted, resolves with the instant (epoch ms) at which a stream it
 * opened ends: its `exp`, or, for a token accepted within the clock leeway after its `exp`,
 * the end of that leeway. Rejects with an `ApiError` saying why not.
 */
export type JwtVerifier = (token: string) => Promise<{ expiresAt: number }>;

function claimFailure(err: errors.JWTClaimValidationFailed, settings: AuthSettings): AuthenticationError {
  switch (err.claim) {
    case 'iss':
      return new AuthenticationError(
        'JwtWrongIssuer',
        `JWT issuer is not the configured issuer '${settings.jwtIssuer}'`,
      );
    case 'aud':
      return new AuthenticationError(
        'JwtWrongAudience',
        `JWT audience does not include the configured audience '${settings.jwtAudience}'`,
      );
    case 'nbf':
      return new AuthenticationError(
        'JwtNotYetValid',
        "JWT is not valid yet (its 'nbf' claim is in the future)",
      );
    case 'exp':
      return new AuthenticationError(
        'JwtMissingExpiry',
        "JWT has no valid expiry: an 'exp' claim is required",
      );
    default:
      return new AuthenticationError('JwtInvalidClaim', `JWT claim '${err.claim}' is invalid`);
  }
}

/** Translates a jose failure into the error the client sees; other errors pass through. */
function explainFailure(err: unknown, settings: AuthSettings): unknown {
  if (!(err instanceof errors.JOSEError)) return err;
  if (err instanceof errors.JWTExpired) return new AuthenticationError('JwtExpired', 'JWT has expired');
  if (err instanceof errors.JWTClaimValidationFailed) return claimFailure(err, settings);
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('JwtBadSignature', 'JWT signature verification failed');
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError(
      'JwtUnknownKey',
      "JWT is not signed by a key of the configured JWKS (no single key matches its 'kid' and 'alg')",
    );
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new AuthenticationError(
      'JwtAlgorithmRejected',
      'JWT signing algorithm is not supported or not allowed',
    );
  }
  return new AuthenticationError(
    'MalformedJwt',
    "Bearer token is neither an API key ('apikey:...') nor a well-formed JWT",
  );
}

/** A verifier for the configured JWKS, issuer and audience; null when no JWKS is configured. */
export async function createJwtVerifier(settings: AuthSettings): Promise<JwtVerifier | null> {
  if (settings.jwksSource === null) return null;
  const getKey = await loadJwks(settings.jwksSource);
  const options = {
    issuer: settings.jwtIssuer ?? undefined,
    audience: settings.jwtAudience ?? undefined,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  return async (token) => {
    let exp: number;
    try {
      // `requiredClaims: ['exp']` makes jose refuse a token without a numeric `exp`.
      exp = (await jwtVerify(token, getKey, options)).payload.exp as number;
    } catch (err) {
      throw explainFailure(err, settings);
    }
    const expiresAt = exp * 1000;
    return { expiresAt: expiresAt > Date.now() ? expiresAt : expiresAt + CLOCK_TOLERANCE_SECONDS * 1000 };
  };
}
