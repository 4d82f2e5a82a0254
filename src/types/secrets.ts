/**
 * Secrets inside pipeline configurations (object-store secret keys, passwords, tokens).
 *
 * They are stored as given, because the pipeline process needs them, but never sent back:
 * responses carry `REDACTED` in their place. A client that reads a configuration, changes one
 * field and writes it back sends the placeholder; `restoreSecrets` puts the stored value back,
 * so the usual read-modify-write round trip keeps working.
 */

export const REDACTED = '<redacted>';

const SECRET_KEY_RE = /^(secret_key|secret|password|passwd|token|api_key|session_token|sasl_password)$/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy of `value` with every secret-named string replaced by the placeholder. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY_RE.test(key) && typeof v === 'string' ? REDACTED : redactSecrets(v);
  }
  return out as T;
}

/** `incoming` with each placeholder replaced by the secret at the same path in `stored`. */
export function restoreSecrets<T>(incoming: T, stored: unknown): T {
  if (Array.isArray(incoming)) {
    return incoming.map((v, i) => restoreSecrets(v, Array.isArray(stored) ? stored[i] : undefined)) as T;
  }
  if (!isObject(incoming)) return incoming;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(incoming)) {
    const prev = isObject(stored) ? stored[key] : undefined;
    out[key] =
      v === REDACTED && SECRET_KEY_RE.test(key) && typeof prev === 'string' ? prev : restoreSecrets(v, prev);
  }
  return out as T;
}

/** Every secret string in `value`, so that text can be scrubbed of them before it is shown. */
export function collectSecrets(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, into);
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (SECRET_KEY_RE.test(key) && typeof v === 'string' && v.length > 0) into.push(v);
      else collectSecrets(v, into);
    }
  }
  return into;
}
