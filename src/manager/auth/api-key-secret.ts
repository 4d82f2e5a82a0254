/**
 * API key secrets: how they are generated and how they are stored.
 *
 * A key is `apikey:` followed by 128 base62 characters drawn from `crypto.randomBytes`
 * (Feldera's format), about 762 bits of entropy. Only its SHA-256 is stored. A slow,
 * salted password hash is unnecessary because the secret is random and far too large to
 * guess, and an unsalted digest lets the store find a key by an indexed lookup on the hash
 * instead of comparing against every stored key.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Marks a bearer token as an API key rather than a JWT. */
export const API_KEY_PREFIX = 'apikey:';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 128;
// Bytes at or above the largest multiple of 62 are dropped so that every character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** A fresh API key, as returned once to its creator. */
export function generateApiKey(): string {
  let secret = '';
  while (secret.length < SECRET_LENGTH) {
    for (const byte of randomBytes(SECRET_LENGTH)) {
      if (byte >= UNBIASED_LIMIT) continue;
      secret += ALPHABET.charAt(byte % ALPHABET.length);
      if (secret.length === SECRET_LENGTH) break;
    }
  }
  return API_KEY_PREFIX + secret;
}

/** The stored form of an API key: hex SHA-256 of the whole key, prefix included. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}
