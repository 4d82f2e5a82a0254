/**
 * The manager's HTTP application, assembled from plugins.
 *
 * Each route module is a Fastify plugin that receives the shared `ManagerContext` (config,
 * metadata store, runner). Request schemas are TypeBox schemas that validate input, type
 * the handlers and feed the OpenAPI document served at `/v0/openapi.json`. Errors leave
 * through the single handler in src/http/errors.ts.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientErrorHandler, installErrorHandling } from '../http/errors.js';
import { installJsonBodyParser } from '../http/json-body.js';
import { trackRoutes } from '../http/route-list.js';
import { frameworkErrors, installValidation } from '../http/validation.js';
import { createAuthHook } from './auth/authenticate.js';
import type { AuthenticatedResponses } from './auth/authenticated-responses.js';
import { createBrowserGuard } from './auth/browser-guard.js';
import { BEARER_SECURITY } from './auth/schemas.js';
import type { CompilerService } from './compiler/service.js';
import type { ManagerConfig } from './config.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { approveRoutes } from './routes/approve.js';
import { configRoutes } from './routes/config.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { pipelineInteractionRoutes } from './routes/interaction.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { logsRoutes } from './routes/logs.js';
import { metricsRoutes } from './routes/metrics.js';
import { pipelineRoutes } from './routes/pipelines.js';
import { platformVersionRoutes } from './routes/platform-version.js';
import { supportBundleRoutes } from './routes/support-bundle.js';
import type { PipelineRunner } from './runner/runner.js';
import type { MetadataStore } from './store/types.js';
import { PLATFORM_VERSION } from './version.js';

/** What every route plugin needs. */
export interface ManagerContext {
  config: ManagerConfig;
  store: MetadataStore;
  runner: PipelineRunner;
  compiler: CompilerService;
  /** Open responses by credential, cut when it is revoked or expires. */
  responses: AuthenticatedResponses;
}

export type ManagerApp = FastifyInstance;

export async function buildManagerApp(
  ctx: ManagerContext,
  logger: boolean | object = false,
): Promise<ManagerApp> {
  const app = Fastify({
    logger,
    bodyLimit: ctx.config.bodyLimitBytes,
    routerOptions: { maxParamLength: 1024 },
    clientErrorHandler,
    frameworkErrors,
    // Streams (egress, logs) never end by themselves: closing must not wait for them.
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  trackRoutes(app);
  installErrorHandling(app);
  installValidation(app);
  // Every route but the public ones is documented as needing a bearer credential.
  app.addHook('onRoute', (route) => {
    if (
      route.url === '/healthz' ||
      route.url === '/config/authentication' ||
      route.url === '/v0/openapi.json'
    )
      return;
    route.schema = { ...route.schema, security: BEARER_SECURITY };
  });
  // Every body is read as text first so that interaction endpoints (ingress) can receive
  // CSV and newline-delimited JSON; JSON endpoints parse it here, strictly (src/http/json-body.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  installJsonBodyParser(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Sluice API',
        version: PLATFORM_VERSION,
        description: "Sluice's REST API: Feldera's v0 API (version 0.312).",
      },
      components: {
        securitySchemes: {
          'JSON web token (JWT) or API key': { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });
  app.get('/v0/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Browser rules first: a refused cross-origin request gets 403 whatever credential it carries.
  app.addHook(
    'onRequest',
    createBrowserGuard({
      authEnabled: ctx.config.auth.enabled,
      host: ctx.config.host,
      allowedHosts: ctx.config.allowedHosts,
    }),
  );
  app.addHook('onRequest', await createAuthHook(ctx.config.auth, ctx.store, ctx.responses));
  await app.register(healthRoutes, ctx);
  await app.register(configRoutes, ctx);
  await app.register(apiKeyRoutes, ctx);
  await app.register(pipelineRoutes, ctx);
  await app.register(lifecycleRoutes, ctx);
  await app.register(approveRoutes, ctx);
  await app.register(pipelineInteractionRoutes, ctx);
  await app.register(logsRoutes, ctx);
  await app.register(metricsRoutes, ctx);
  await app.register(eventRoutes, ctx);
  await app.register(platformVersionRoutes, ctx);
  await app.register(supportBundleRoutes, ctx);
  return app;
}
