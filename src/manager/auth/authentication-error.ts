/**
 * The 401 answer of the authentication hook.
 *
 * Every credential problem becomes an `Unauthorized` ApiError whose message says what was
 * wrong and whose `details.reason` names it for programs; neither ever contains the token.
 * The error also carries the `WWW-Authenticate` challenge (RFC 6750) that the hook sends
 * with it: no `error` attribute when the client sent no bearer credential, `invalid_request`
 * when the header is malformed, `invalid_token` when the token itself was refused.
 */
import { ApiError } from '../../types/errors.js';

/** Why a request was refused; sent as `details.reason`. */
export type AuthFailureReason =
  | 'MissingCredential'
  | 'NotBearer'
  | 'MalformedBearer'
  | 'UnknownApiKey'
  | 'JwtNotAccepted'
  | 'MalformedJwt'
  | 'JwtExpired'
  | 'JwtNotYetValid'
  | 'JwtMissingExpiry'
  | 'JwtBadSignature'
  | 'JwtUnknownKey'
  | 'JwtAlgorithmRejected'
  | 'JwtWrongIssuer'
  | 'JwtWrongAudience'
  | 'JwtInvalidClaim';

const REALM = 'Bearer realm="sluice"';

function challengeFor(reason: AuthFailureReason): string {
  if (reason === 'MissingCredential' || reason === 'NotBearer') return REALM;
  if (reason === 'MalformedBearer') return `${REALM}, error="invalid_request"`;
  return `${REALM}, error="invalid_token"`;
}

/** An `Unauthorized` error that knows its `WWW-Authenticate` challenge. */
export class AuthenticationError extends ApiError {
  readonly reason: AuthFailureReason;
  readonly challenge: string;

  constructor(reason: AuthFailureReason, message: string) {
    super('Unauthorized', message, { reason });
    this.reason = reason;
    this.challenge = challengeFor(reason);
  }
}
