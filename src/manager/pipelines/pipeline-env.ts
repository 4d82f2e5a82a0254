/**
 * The environment of a pipeline process: built by Sluice, never inherited.
 *
 * `runtime_config.env` comes from whoever can reach the API, and the pipeline process runs as
 * the manager's OS user. A variable that changes how a program is loaded or run turns that API
 * field into code execution on the host (`NODE_OPTIONS=--import=data:...` did). So the process
 * starts from an environment with three parts and nothing else:
 *
 * 1. A few of the manager's own variables that a process legitimately needs (`MANAGER_PASSED`):
 *    - `PATH`: where programs are found should a library run one; the operator's value.
 *    - `HOME`: where libraries look for per-user files (`os.homedir()` gives the same
 *      directory from the password database anyway, so passing it reveals nothing new).
 *    - `LANG`, `LANGUAGE`, `LC_*`: locale of messages and of ICU's defaults, as the operator
 *      runs the manager.
 *    - `TZ`: the time zone of local-time functions; pipelines must agree with the manager.
 *    - `TMPDIR`: where temporary files go (`os.tmpdir()`), the operator's choice.
 *    - `SLUICE_DEBUG`: turns on the pipeline log's debug lines (src/runtime/log.ts).
 *    Everything else of the manager's environment (cloud credentials, tokens, the test
 *    runner's variables) stays in the manager.
 * 2. The user's `runtime_config.env`, after `checkPipelineEnv` accepted it.
 * 3. `SLUICE_PIPELINE_TOKEN`, the per-deployment token (set last, so nothing overrides it).
 *
 * The runner then adds glibc's malloc settings for a process with `resources.memory_mb_max`
 * (`pipelineMallocEnv`, src/types/runtime.ts): `MALLOC_*`, which no user may set.
 *
 * A user variable is refused (`InvalidRuntimeConfig` naming it) when its name is malformed
 * (not `[A-Za-z_][A-Za-z0-9_]*`), its value holds a NUL, or its name (compared without case:
 * some platforms ignore it, and no legitimate use needs the distinction) changes how the
 * process is loaded or run:
 *
 * - Node.js: `NODE_*` (`NODE_OPTIONS` loads code, `NODE_PATH` redirects imports,
 *   `NODE_EXTRA_CA_CERTS`/`NODE_TLS_REJECT_UNAUTHORIZED` change TLS trust), `UV_*` (libuv).
 *   Development runs go through tsx and esbuild: `TSX_*`, `ESBUILD_*`
 *   (`ESBUILD_BINARY_PATH` runs a program of the user's choosing).
 * - The dynamic loader and glibc: `LD_*`, `DYLD_*`, and glibc's own list of variables it
 *   ignores for setuid programs (sysdeps/generic/unsecvars.h): `GCONV_PATH`, `GETCONF_DIR`,
 *   `GLIBC_TUNABLES`, `HOSTALIASES`, `LOCALDOMAIN`, `LOCPATH`, `MALLOC_*`, `NIS_PATH`,
 *   `NLSPATH`, `RESOLV_HOST_CONF`, `RES_OPTIONS`, `TMPDIR`, `TZDIR`.
 * - Shells, should any library run one: `PATH`, `IFS`, `ENV`, `BASH_ENV`, `SHELLOPTS`,
 *   `BASHOPTS`, `PS4` (expanded by `set -x`), `CDPATH`, `PROMPT_COMMAND`, `BASH_FUNC_*`
 *   (exported functions), `SHELL`, `ZDOTDIR`, and `HOME` (where start-up and config files
 *   are read from).
 * - OpenSSL, linked into Node: `OPENSSL_*` (`OPENSSL_CONF` loads engines, i.e. code),
 *   `SSL_CERT_*`.
 * - The AWS SDK, which runs inside the process for object-store sync: every `AWS_*` variable
 *   except plain credentials and settings (`AWS_ALLOWED`). The others read files
 *   (`AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, whose `credential_process` runs a
 *   command; `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` send a
 *   file of the user's choosing to an endpoint), fetch URLs (`AWS_CONTAINER_CREDENTIALS_*`,
 *   `AWS_EC2_METADATA_*`), select the operator's profiles (`AWS_PROFILE`) or change TLS
 *   trust (`AWS_CA_BUNDLE`); an allow-list keeps variables added by future SDKs out.
 * - Names Sluice reserves: `SLUICE_*` (the pipeline token, debug switch), and Feldera's
 *   reserved names (its OpenAPI document, `RuntimeConfig.env`): `RUST_LOG`, `FELDERA_*`,
 *   `KUBERNETES_*`, `TOKIO_*`.
 *
 * The pipeline process runs no other interpreter (Python, Perl, Ruby), so their option
 * variables are not listed. The same check runs when a configuration is stored (create, PUT,
 * PATCH), at `/start` (a record stored before this rule existed must not start), and in the
 * executor right before the spawn (defence in depth).
 */
import { ApiError } from '../../types/errors.js';

/** The manager's variables a pipeline process inherits (exact names or `PREFIX*`). */
const MANAGER_PASSED = ['PATH', 'HOME', 'LANG', 'LANGUAGE', 'LC_*', 'TZ', 'TMPDIR', 'SLUICE_DEBUG'];

/** Refused user variables, exact names or `PREFIX*`, with the reason shown to the user. */
const REFUSED: Array<[string[], string]> = [
  [['NODE_*', 'UV_*', 'TSX_*', 'ESBUILD_*'], 'it changes how Node.js loads and runs code'],
  [['LD_*', 'DYLD_*'], 'it changes how the dynamic loader loads code'],
  [
    [
      'GCONV_PATH',
      'GETCONF_DIR',
      'GLIBC_TUNABLES',
      'HOSTALIASES',
      'LOCALDOMAIN',
      'LOCPATH',
      'MALLOC_*',
      'NIS_PATH',
      'NLSPATH',
      'RESOLV_HOST_CONF',
      'RES_OPTIONS',
      'TMPDIR',
      'TZDIR',
    ],
    'glibc treats it as unsafe (it makes the C library read files or change behaviour)',
  ],
  [
    [
      'PATH',
      'IFS',
      'ENV',
      'BASH_ENV',
      'SHELLOPTS',
      'BASHOPTS',
      'PS4',
      'CDPATH',
      'PROMPT_COMMAND',
      'BASH_FUNC_*',
      'SHELL',
      'ZDOTDIR',
      'HOME',
    ],
    'it changes which programs run or which start-up files a shell reads',
  ],
  [['OPENSSL_*', 'SSL_CERT_*'], 'it changes how OpenSSL loads modules or which certificates it trusts'],
  [['SLUICE_*'], 'the SLUICE_ namespace is reserved for Sluice'],
  [
    ['RUST_LOG', 'FELDERA_*', 'KUBERNETES_*', 'TOKIO_*'],
    'the name is reserved by the platform (as in Feldera)',
  ],
];

/** AWS variables a pipeline may set: credentials and plain settings that read no file and fetch no URL. */
const AWS_ALLOWED = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
]);

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function matches(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Why the user may not set variable `name`, or null when it may. */
export function refusedEnvName(name: string): string | null {
  if (!VALID_NAME.test(name)) return 'a variable name must match [A-Za-z_][A-Za-z0-9_]*';
  const upper = name.toUpperCase();
  for (const [patterns, reason] of REFUSED) {
    if (patterns.some((p) => matches(upper, p))) return reason;
  }
  if (upper.startsWith('AWS_') && !AWS_ALLOWED.has(upper)) {
    return `the AWS SDK reads it to load files, run commands or fetch credentials; the AWS variables a pipeline may set are ${[...AWS_ALLOWED].join(', ')}`;
  }
  return null;
}

function refuse(name: string, message: string): never {
  const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
  throw new ApiError(
    'InvalidRuntimeConfig',
    `Invalid runtime_config.env: ${JSON.stringify(shown)}: ${message}`,
    {
      field: 'runtime_config.env',
      variable: shown,
    },
  );
}

/**
 * Checks a `runtime_config.env` value (as stored: an object of strings, or absent/null).
 * Throws `InvalidRuntimeConfig` naming the first variable that may not be set.
 */
export function checkPipelineEnv(env: unknown): void {
  if (env === undefined || env === null) return;
  if (typeof env !== 'object' || Array.isArray(env)) {
    throw new ApiError('InvalidRuntimeConfig', 'Invalid runtime_config.env: must be an object of strings', {
      field: 'runtime_config.env',
    });
  }
  for (const [name, value] of Object.entries(env)) {
    const reason = refusedEnvName(name);
    if (reason !== null) refuse(name, `may not be set: ${reason}`);
    if (typeof value !== 'string') refuse(name, 'the value must be a string');
    if (value.includes('\0')) refuse(name, 'the value contains a NUL character');
  }
}

/**
 * Set in every pipeline process unless the manager's or the user's environment sets it: the AWS
 * SDK otherwise writes a nine-line notice on Node 20 (its releases after January 2027 will
 * need Node 22) on the first S3 client of every start, which filled half of the log tail a
 * failed deployment reports. The SDK's version is pinned by the lockfile, so the notice says
 * nothing about the running pipeline.
 */
const PIPELINE_DEFAULTS: Record<string, string> = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * The complete environment of a pipeline process: defaults (`PIPELINE_DEFAULTS`), the manager's
 * passed variables, the user's (checked again here), then the deployment token. Throws
 * `InvalidRuntimeConfig` like `checkPipelineEnv`.
 */
export function buildPipelineEnv(
  managerEnv: NodeJS.ProcessEnv,
  userEnv: unknown,
  token: string,
): Record<string, string> {
  checkPipelineEnv(userEnv);
  // No prototype: a variable named `__proto__` is a variable like any other.
  const env: Record<string, string> = Object.create(null);
  Object.assign(env, PIPELINE_DEFAULTS);
  for (const [name, value] of Object.entries(managerEnv)) {
    if (value !== undefined && MANAGER_PASSED.some((p) => matches(name, p))) env[name] = value;
  }
  for (const [name, value] of Object.entries((userEnv ?? {}) as Record<string, string>)) env[name] = value;
  env.SLUICE_PIPELINE_TOKEN = token;
  return env;
}
