/**
 * Platform configuration: `GET /config/authentication` (public), `GET /v0/config` and
 * `GET /v0/config/session`.
 *
 * `/config/authentication` tells a client such as the web console how to log in: the OIDC
 * provider when the manager can verify its tokens and has everything a login needs (JWKS,
 * issuer, client id), `{}` otherwise, as Feldera answers when no auth is configured.
 * `/v0/config` describes this build with Feldera's `Configuration` shape; the fields named
 * after Rust build facts carry their Node.js counterparts. Sluice has a single tenant, so
 * the session always names Feldera's default tenant.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { cpus, release, type } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ManagerContext } from '../app.js';
import { type AuthProviderResponse, AuthProviderResponseSchema, BEARER_SECURITY } from '../auth/schemas.js';
import type { AuthSettings } from '../config.js';
import { PLATFORM_VERSION } from '../version.js';

const BuildInformationSchema = T.Object(
  {
    build_timestamp: T.String({ description: 'Timestamp of the build.' }),
    build_cpu: T.String({ description: 'CPU of build machine.' }),
    build_os: T.String({ description: 'OS of build machine.' }),
    cargo_dependencies: T.String({ description: 'Dependencies used during the build.' }),
    cargo_features: T.String({ description: 'Features enabled during the build.' }),
    cargo_debug: T.String({ description: 'Whether the build is optimized for performance.' }),
    cargo_opt_level: T.String({ description: 'Optimization level of the build.' }),
    cargo_target_triple: T.String({ description: 'Target triple of the build.' }),
    rustc_version: T.String({ description: 'Rust version of the build used.' }),
  },
  { description: 'Information about the build of the platform.' },
);
type BuildInformation = Static<typeof BuildInformationSchema>;

const ConfigurationSchema = T.Object({
  telemetry: T.String({ description: 'Telemetry key.' }),
  edition: T.String({ description: 'Feldera edition: "Open source" or "Enterprise"' }),
  version: T.String({
    description: 'The version corresponding to the type of `edition`. Format is `x.y.z`.',
  }),
  revision: T.String({
    description: 'Specific revision corresponding to the edition `version` (e.g., git commit hash).',
  }),
  runtime_revision: T.String({
    description: 'Specific revision corresponding to the default runtime version of the platform.',
  }),
  changelog_url: T.String({ description: 'URL that navigates to the changelog of the current version' }),
  build_info: BuildInformationSchema,
  build_source: T.String({
    description: 'Build source: "ci" for GitHub Actions builds, "source" for local builds',
  }),
  unstable_features: T.Union([T.String(), T.Null()], {
    description: 'List of unstable features that are enabled.',
  }),
  license_validity: T.Null({ description: 'License check outcome; Sluice needs no license.' }),
  update_info: T.Null({ description: 'Update information; Sluice does not check for updates.' }),
});
type Configuration = Static<typeof ConfigurationSchema>;

const SessionInfoSchema = T.Object({
  tenant_id: T.String({ format: 'uuid' }),
  tenant_name: T.String({ description: "Current user's tenant name" }),
});

/** Feldera's tenant for deployments without tenants. */
const DEFAULT_SESSION: Static<typeof SessionInfoSchema> = {
  tenant_id: '00000000-0000-0000-0000-000000000000',
  tenant_name: 'default',
};

/** What `/config/authentication` advertises for `auth`. */
export function authProviderFor(auth: AuthSettings): AuthProviderResponse {
  const { enabled, jwksSource, jwtIssuer, oidcClientId } = auth;
  if (!enabled || jwksSource === null || jwtIssuer === null || oidcClientId === null) return {};
  return { GenericOidc: { issuer: jwtIssuer, client_id: oidcClientId, extra_oidc_scopes: [] } };
}

/** The git commit of the source tree this module runs from, or 'unknown' outside a git checkout. */
async function gitRevision(): Promise<string> {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: here, timeout: 5000 });
    return stdout.trim();
  } catch {
    return 'unknown';
  }
}

async function gatherConfiguration(): Promise<Configuration> {
  const modulePath = fileURLToPath(import.meta.url);
  const revision = await gitRevision();
  const buildInfo: BuildInformation = {
    // The compiled (or, under tsx, the source) module was written when this build was made.
    build_timestamp: (await stat(modulePath)).mtime.toISOString(),
    build_cpu: cpus()[0]?.model ?? process.arch,
    build_os: `${type()} ${release()}`,
    cargo_dependencies: Object.entries(process.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', '),
    cargo_features: Object.entries(process.features)
      .filter(([, enabled]) => enabled === true)
      .map(([name]) => name)
      .join(','),
    // TypeScript run directly through tsx is the unoptimized development build.
    cargo_debug: String(modulePath.endsWith('.ts')),
    cargo_opt_level: 'JIT (V8)',
    cargo_target_triple: `${process.arch}-${process.platform}`,
    rustc_version: `Node.js ${process.version}`,
  };
  return {
    telemetry: '',
    // Feldera's SDK accepts only "Enterprise" or "Open source", and its clients turn on
    // checkpoint, suspend and checkpoint sync only for "Enterprise". Sluice has all three
    // (and no license), so it reports the edition whose features it offers (README, "Using it").
    edition: 'Enterprise',
    version: PLATFORM_VERSION,
    revision,
    runtime_revision: revision,
    changelog_url: `https://github.com/feldera/feldera/releases/tag/v${PLATFORM_VERSION}`,
    build_info: buildInfo,
    build_source: 'source',
    unstable_features: null,
    license_validity: null,
    update_info: null,
  };
}

// The build does not change while the process runs, so it is described once.
let configuration: Promise<Configuration> | undefined;

/** Registers the configuration endpoints. */
export async function configRoutes(app: FastifyInstance, ctx: Pick<ManagerContext, 'config'>): Promise<void> {
  const provider = authProviderFor(ctx.config.auth);
  const tags = ['Platform'];

  app.get(
    '/config/authentication',
    {
      schema: {
        tags,
        summary: 'Get Auth Config',
        description: 'Retrieve the authentication provider configuration.',
        operationId: 'get_config_authentication',
        response: { 200: AuthProviderResponseSchema },
      },
    },
    async () => provider,
  );

  app.get(
    '/v0/config',
    {
      schema: {
        tags,
        security: BEARER_SECURITY,
        summary: 'Get Platform Config',
        description: 'Retrieve configuration of the Feldera Platform.',
        operationId: 'get_config',
        response: { 200: ConfigurationSchema },
      },
    },
    async () => {
      configuration ??= gatherConfiguration();
      return configuration;
    },
  );

  app.get(
    '/v0/config/session',
    {
      schema: {
        tags,
        security: BEARER_SECURITY,
        summary: 'Get Session',
        description: 'Retrieve login session information for your current user session.',
        operationId: 'get_config_session',
        response: { 200: SessionInfoSchema },
      },
    },
    async () => DEFAULT_SESSION,
  );
}
