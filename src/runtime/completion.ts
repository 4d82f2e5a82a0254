/**
 * Completion tokens: an opaque string naming a position in the pipeline's input.
 *
 * Every accepted ingress request advances the input sequence number; a step records the
 * sequence number it consumed up to. A token is complete once a finished step consumed its
 * position. Tokens carry the incarnation that issued them, so one from a previous run is
 * recognised (410) instead of being misread.
 */
import { ApiError } from '../types/errors.js';

interface TokenBody {
  v: 1;
  incarnation: string;
  seq: number;
}

export function encodeToken(incarnation: string, seq: number): string {
  const body: TokenBody = { v: 1, incarnation, seq };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Decodes a token or throws `InvalidCompletionToken`. */
export function decodeToken(token: string): TokenBody {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
    if (
      body.v === 1 &&
      typeof body.incarnation === 'string' &&
      Number.isSafeInteger(body.seq) &&
      body.seq >= 0
    )
      return body;
  } catch {
    // Reported below.
  }
  throw new ApiError(
    'InvalidCompletionToken',
    'Invalid completion token: it was not issued by this pipeline',
    {
      token: token.slice(0, 200),
    },
  );
}
