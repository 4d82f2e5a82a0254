/**
 * Reads the bearer token out of an `Authorization` header.
 *
 * The scheme is matched case-insensitively (RFC 7235). Errors never quote the header: a
 * client that forgot the scheme sends its secret as the first word.
 */
import { AuthenticationError } from './authentication-error.js';

/** The token of `Authorization: Bearer <token>`, or an `AuthenticationError` saying what is wrong. */
export function bearerTokenOf(header: string | undefined): string {
  const parts = (header ?? '').trim().split(/\s+/);
  if (parts[0] === '') {
    throw new AuthenticationError(
      'MissingCredential',
      "Missing Authorization header: send 'Authorization: Bearer <API key or JWT>'",
    );
  }
  if (parts[0]?.toLowerCase() !== 'bearer') {
    throw new AuthenticationError(
      'NotBearer',
      "Authorization header does not use the Bearer scheme: send 'Authorization: Bearer <API key or JWT>'",
    );
  }
  const [, token, ...extra] = parts;
  if (token === undefined || extra.length > 0) {
    throw new AuthenticationError(
      'MalformedBearer',
      "Malformed Authorization header: expected exactly one token after 'Bearer'",
    );
  }
  return token;
}
