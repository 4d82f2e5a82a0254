/**
 * Secrets inside pipeline configurations (object-store secret keys, passwords, tokens).
 *
 * They are stored as given, because the pipeline process needs them, but never sent back:
 * responses carry `REDACTED` in their place. A client that reads a configuration, changes one
 * field and writes it back sends the placeholder; `restoreSecrets` puts the stored value back,
 * so the usual read-modify-write round trip keeps working.
 *
 * Two rules say what is secret:
 * - a configuration field with a secret's name (`secret_key`, `password`, `token`, ...);
 * - an entry of an `env` object (`runtime_config.env`) named like a credential
 *   (`isSecretEnvVariable`), or whose value is a URL with a password (`postgres://u:p@h`).
 *   Environment names are free-form, so this rule errs towards redacting: a redacted value
 *   that is not secret costs a look at the stored configuration, a leaked one costs the secret.
 */

export const REDACTED = '<redacted>';

const SECRET_KEY_RE = /^(secret_key|secret|password|passwd|token|api_key|session_token|sasl_password)$/i;

/** Words that mark a credential anywhere in an environment variable name. */
const SECRET_ENV_WORD_RE = /SECRET|PASSW(OR)?D|PASSPHRASE|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|COOKIE/;

/** A URL whose user part carries a password: `scheme://user:password@host...`. */
const URL_WITH_PASSWORD_RE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:[^/?#@]+@/i;

/**
 * Whether environment variable `name` with `value` holds a credential: its name contains
 * SECRET, PASSWORD, PASSWD, PASSPHRASE, TOKEN, CREDENTIAL, PRIVATE, APIKEY, API_KEY or
 * COOKIE, or has a word (between underscores) AUTH, AUTHORIZATION, DSN, PASS, HMAC, JAAS, PWD
 * (not the shell's own `PWD`) or KEY/KEYS not followed by ID (`SIGNING_KEY` is secret, `AWS_ACCESS_KEY_ID` is
 * not); or its value is a URL with a password. Names are compared without case.
 */
export function isSecretEnvVariable(name: string, value: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_ENV_WORD_RE.test(upper)) return true;
  const words = upper.split('_');
  const secretWord = words.some(
    (w, i) =>
      w === 'AUTH' ||
      w === 'AUTHORIZATION' ||
      w === 'DSN' ||
      w === 'PASS' ||
      w === 'HMAC' ||
      w === 'JAAS' ||
      (w === 'PWD' && words.length > 1) ||
      ((w === 'KEY' || w === 'KEYS') && words[i + 1] !== 'ID'),
  );
  return secretWord || URL_WITH_PASSWORD_RE.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the string `value` under `key` is a secret; `inEnv` when its parent is an `env` object. */
function isSecret(key: string, value: unknown, inEnv: boolean): value is string {
  if (typeof value !== 'string') return false;
  return SECRET_KEY_RE.test(key) || (inEnv && isSecretEnvVariable(key, value));
}

/** A deep copy of `value` with every secret string replaced by the placeholder. */
export function redactSecrets<T>(value: T, inEnv = false): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecret(key, v, inEnv) ? REDACTED : redactSecrets(v, key === 'env');
  }
  return out as T;
}

/** `incoming` with each placeholder replaced by the secret at the same path in `stored`. */
export function restoreSecrets<T>(incoming: T, stored: unknown, inEnv = false): T {
  if (Array.isArray(incoming)) {
    return incoming.map((v, i) => restoreSecrets(v, Array.isArray(stored) ? stored[i] : undefined)) as T;
  }
  if (!isObject(incoming)) return incoming;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(incoming)) {
    const prev = isObject(stored) ? stored[key] : undefined;
    out[key] = v === REDACTED && isSecret(key, prev, inEnv) ? prev : restoreSecrets(v, prev, key === 'env');
  }
  return out as T;
}

/**
 * The dotted paths (below `value`) of secret fields that hold the placeholder itself: a field
 * with a secret's name, or any `env` entry (an entry named like anything can have been
 * redacted for its value, a URL with a password). Run after `restoreSecrets`, what is left
 * had no stored secret to stand for, so storing it would make the placeholder the secret.
 */
export function placeholderSecretPaths(value: unknown, path = '', inEnv = false): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderSecretPaths(v, `${path}[${i}]`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (v === REDACTED && (inEnv || SECRET_KEY_RE.test(key))) return [at];
    return placeholderSecretPaths(v, at, key === 'env');
  });
}

/** Every secret string in `value`, so that text can be scrubbed of them before it is shown. */
export function collectSecrets(value: unknown, into: string[] = [], inEnv = false): string[] {
  if (Array.isArray(value)) {
    for (const v of value) collectSecrets(v, into);
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (isSecret(key, v, inEnv)) {
        if (v.length > 0) into.push(v);
      } else collectSecrets(v, into, key === 'env');
    }
  }
  return into;
}

/**
 * Field names treated as secret in free text: broader than `SECRET_KEY_RE` (connectors name
 * theirs `aws_secret_access_key`, `sasl.password`, `client_token`, ...), since a redacted
 * copy is never written back.
 */
const SECRET_IN_TEXT_KEY_RE = /secret|passw|token|credential|private|api_?key|sasl/i;

/** A JSON `"name": "value"` pair inside any text, e.g. a connector's JSON in a SQL WITH clause. */
const JSON_STRING_PAIR_RE = /"([A-Za-z0-9_.-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/**
 * `text` with the value of every JSON string field that has a secret's name replaced by the
 * placeholder, wherever it appears: program code embeds connector configurations as JSON in
 * SQL strings, where `redactSecrets` cannot see them. Used for copies that leave the platform
 * (support bundles), not for what clients edit.
 */
export function redactSecretsInText(text: string): string {
  return text.replace(JSON_STRING_PAIR_RE, (pair, key: string, colon: string) =>
    SECRET_IN_TEXT_KEY_RE.test(key) ? `"${key}"${colon}"${REDACTED}"` : pair,
  );
}
