/**
 * Manager settings: command-line flags first, then SLUICE_* environment variables, then
 * defaults. Every setting is documented in the README; `--help` prints the same list.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface AuthSettings {
  /** Authentication on or off. Off is allowed without a flag only on a loopback address. */
  enabled: boolean;
  /** JWKS for JWT verification: a file path or an http(s) URL; null disables JWT. */
  jwksSource: string | null;
  jwtIssuer: string | null;
  jwtAudience: string | null;
  /** Sent to clients by `GET /config/authentication` (GenericOidc client id). */
  oidcClientId: string | null;
}

export interface ManagerConfig {
  host: string;
  port: number;
  dataDir: string;
  bodyLimitBytes: number;
  auth: AuthSettings;
  allowUnauthenticatedNonLoopback: boolean;
  /**
   * Host names (lower case, IPv6 without brackets) that requests may name in `Host` while
   * authentication is off, besides the loopback names and `host`; see auth/browser-guard.ts.
   */
  allowedHosts: string[];
  /** With `--create-api-key NAME`: create that key, print it, and exit instead of serving. */
  createApiKey: string | null;
  /** How often the runner looks at every pipeline process. */
  pollIntervalMs: number;
  /** A process that has not answered for this long is shown as Unavailable. */
  unavailableAfterMs: number;
  /** A process that has not answered for this long is killed and its error reported. */
  unreachableTimeoutMs: number;
  /** How long a pipeline process may take to come up before the start fails. */
  provisioningTimeoutMs: number;
  logLevel: string;
}

export const MANAGER_HELP = `Usage: sluice [options]    (npm start -- [options])

  --host <addr>              address to bind (SLUICE_HOST, default 127.0.0.1)
  --port <n>                 port to listen on (SLUICE_PORT, default 8080; 0 picks a free port)
  --data-dir <dir>           metadata database and pipeline storage (SLUICE_DATA_DIR, default ./.sluice)
  --body-limit <bytes>       largest accepted request body (SLUICE_BODY_LIMIT, default 33554432)
  --auth                     require a credential on every API request (SLUICE_AUTH=1)
  --jwks <file|url>          JWKS to verify JWT bearer tokens (SLUICE_JWKS)
  --jwt-issuer <iss>         required JWT issuer (SLUICE_JWT_ISSUER)
  --jwt-audience <aud>       required JWT audience (SLUICE_JWT_AUDIENCE)
  --oidc-client-id <id>      client id advertised by /config/authentication (SLUICE_OIDC_CLIENT_ID)
  --allow-unauthenticated-non-loopback
                             let a non-loopback --host run without --auth (SLUICE_ALLOW_UNAUTHENTICATED_NON_LOOPBACK=1)
  --allowed-host <name>      without --auth, also accept requests whose Host header names <name> (any port);
                             repeatable (SLUICE_ALLOWED_HOSTS, comma separated). By default only
                             localhost, 127.0.0.0/8, [::1] and the --host address are accepted
  --unreachable-timeout <ms> kill a pipeline process that has not answered for this long (default 20000)
  --log-level <level>        trace|debug|info|warn|error (SLUICE_LOG_LEVEL, default info)
  --create-api-key <name>    create an API key in the data dir's database, print it once, and exit
                             (the first key of a manager started with --auth and no JWKS)
  --help                     print this text
`;

function flagOrEnv(value: string | boolean | undefined, env: string | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value === true) return '1';
  return env;
}

function toBool(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function toInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

/**
 * Normalizes `--allowed-host` values: trimmed, lower case, IPv6 without brackets, empty
 * entries dropped. A value with a port, scheme or path is refused: the check ignores ports.
 */
export function parseAllowedHosts(values: string[]): string[] {
  const hosts: string[] = [];
  for (const raw of values) {
    const value = raw.trim().toLowerCase();
    if (value === '') continue;
    const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
    if (isIP(bare) !== 6 && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?$/.test(bare)) {
      throw new Error(
        `--allowed-host takes a host name or IP address without port or scheme, got '${raw.trim()}'`,
      );
    }
    hosts.push(bare);
  }
  return hosts;
}

/** Parses flags and environment into a config; throws with a readable message on bad values. */
export function parseManagerConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ManagerConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'body-limit': { type: 'string' },
      auth: { type: 'boolean' },
      jwks: { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'oidc-client-id': { type: 'string' },
      'allow-unauthenticated-non-loopback': { type: 'boolean' },
      'allowed-host': { type: 'string', multiple: true },
      'unreachable-timeout': { type: 'string' },
      'log-level': { type: 'string' },
      'create-api-key': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const host = flagOrEnv(values.host, env.SLUICE_HOST) ?? '127.0.0.1';
  const jwksSource = flagOrEnv(values.jwks, env.SLUICE_JWKS) ?? null;
  const config: ManagerConfig = {
    host,
    port: toInt('--port', flagOrEnv(values.port, env.SLUICE_PORT), 8080),
    dataDir: resolve(flagOrEnv(values['data-dir'], env.SLUICE_DATA_DIR) ?? '.sluice'),
    bodyLimitBytes: toInt(
      '--body-limit',
      flagOrEnv(values['body-limit'], env.SLUICE_BODY_LIMIT),
      32 * 1024 * 1024,
    ),
    auth: {
      enabled: toBool(flagOrEnv(values.auth, env.SLUICE_AUTH)),
      jwksSource,
      jwtIssuer: flagOrEnv(values['jwt-issuer'], env.SLUICE_JWT_ISSUER) ?? null,
      jwtAudience: flagOrEnv(values['jwt-audience'], env.SLUICE_JWT_AUDIENCE) ?? null,
      oidcClientId: flagOrEnv(values['oidc-client-id'], env.SLUICE_OIDC_CLIENT_ID) ?? null,
    },
    allowUnauthenticatedNonLoopback: toBool(
      flagOrEnv(values['allow-unauthenticated-non-loopback'], env.SLUICE_ALLOW_UNAUTHENTICATED_NON_LOOPBACK),
    ),
    allowedHosts: parseAllowedHosts(values['allowed-host'] ?? env.SLUICE_ALLOWED_HOSTS?.split(',') ?? []),
    createApiKey: values['create-api-key'] ?? null,
    pollIntervalMs: 500,
    unavailableAfterMs: 3000,
    unreachableTimeoutMs: toInt(
      '--unreachable-timeout',
      flagOrEnv(values['unreachable-timeout'], undefined),
      20000,
    ),
    provisioningTimeoutMs: 30000,
    logLevel: flagOrEnv(values['log-level'], env.SLUICE_LOG_LEVEL) ?? 'info',
  };
  if (config.port > 65535) throw new Error(`--port must be at most 65535, got ${config.port}`);
  checkAuthBinding(config);
  return config;
}

/** Refuses to serve an unauthenticated API on an address other machines can reach. */
export function checkAuthBinding(
  config: Pick<ManagerConfig, 'host' | 'auth' | 'allowUnauthenticatedNonLoopback'>,
) {
  if (!config.auth.enabled && !isLoopback(config.host) && !config.allowUnauthenticatedNonLoopback) {
    throw new Error(
      `Refusing to listen on non-loopback address ${config.host} without authentication. ` +
        'Pass --auth (with --jwks and/or API keys), or --allow-unauthenticated-non-loopback to accept the risk.',
    );
  }
}

/** A config for tests and embedding: defaults with the given overrides. */
export function defaultManagerConfig(overrides: Partial<ManagerConfig> = {}): ManagerConfig {
  const parsed = parseManagerConfig([], {});
  if (parsed === 'help') throw new Error('unreachable');
  return { ...parsed, ...overrides, auth: { ...parsed.auth, ...overrides.auth } };
}
