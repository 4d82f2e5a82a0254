/**
 * Strict parsing of JSON request bodies.
 *
 * - The bytes must be UTF-8 (RFC 8259 §8.1): a body with an invalid sequence is refused, not
 *   silently given U+FFFD in place of the bad bytes, which would store text the client never
 *   sent. A leading byte-order mark is dropped.
 * - Nesting is limited to `MAX_JSON_DEPTH` levels, the recursion limit of serde_json, which
 *   Feldera parses these bodies with. Deeper documents are refused before parsing: code that
 *   walks a parsed document recursively (schema validation, secret redaction, cloning) would
 *   otherwise overflow the stack on them, a 500 instead of a 400.
 *
 * Both failures are `InvalidJson` (400) with a message that says which rule was broken.
 *
 * An empty body is no body, whatever its `Content-Type`: Feldera's Python SDK sends
 * `Content-Type: application/json` on every request, with or without a body (e.g. `POST
 * /checkpoint`), and Feldera accepts that. Fastify's own JSON parser refuses an empty body
 * (`FST_ERR_CTP_EMPTY_JSON_BODY`), so every server installs `installJsonBodyParser` instead.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../types/errors.js';

/** Deepest nesting of arrays and objects accepted in a JSON body (serde_json's limit). */
export const MAX_JSON_DEPTH = 128;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The deepest nesting of `[`/`{` in `text`, outside strings, stopping as soon as it passes
 * `limit`. Iterative: the text may be nested far deeper than the stack allows.
 */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Parses a JSON body. Returns `undefined` for an empty (or all-whitespace) body, which the
 * route's schema then judges. Throws `InvalidJson` for invalid UTF-8, too deep nesting, or
 * invalid JSON.
 */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ApiError('InvalidJson', 'Request body is not valid UTF-8', {});
  }
  if (text.trim() === '') return undefined;
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new ApiError(
      'InvalidJson',
      `Request body is nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects)`,
      { max_depth: MAX_JSON_DEPTH },
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('InvalidJson', `Request body is not valid JSON: ${(err as Error).message}`, {});
  }
}

/** The media types parsed as JSON. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/**
 * Replaces the JSON parser of `app` (and of the scopes registered on it later) by
 * `parseJsonBody`: strict, and an empty body is `undefined` (no body), which the route's
 * schema then judges as if no body had been sent.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  for (const type of JSON_MEDIA_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  }
  app.addContentTypeParser(JSON_MEDIA_TYPES, { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
