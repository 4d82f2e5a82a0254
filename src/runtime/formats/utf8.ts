/**
 * Strict UTF-8 decoding of ingress bodies.
 *
 * A body is decoded with a fatal decoder, so invalid bytes are found instead of silently
 * becoming U+FFFD (what `Buffer.toString` and Fastify's string parsers do). A byte order mark
 * is kept as U+FEFF, so the readers see it and refuse it rather than strip it unseen. When the
 * body is not valid UTF-8, the caller still gets a (lossy) text to find which record holds the
 * first invalid byte, and that byte's offset.
 */

/** A decoded body; `invalid` locates the first invalid byte, if any. */
export interface DecodedBody {
  text: string;
  invalid: { byte: number; char: number } | null;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or -1.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let trailing: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) trailing = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      trailing = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      trailing = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    const second = bytes[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= trailing; k++) {
      const b = bytes[i + k];
      if (b === undefined || b < 0x80 || b > 0xbf) return i;
    }
    i += trailing + 1;
  }
  return -1;
}

/** Decodes a body; never throws. */
export function decodeUtf8(body: Uint8Array): DecodedBody {
  try {
    return { text: strict.decode(body), invalid: null };
  } catch {
    const byte = firstInvalidUtf8(body);
    const char = strict.decode(body.subarray(0, byte)).length;
    return { text: lossy.decode(body), invalid: { byte, char } };
  }
}
