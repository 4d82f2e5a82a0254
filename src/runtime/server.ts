/**
 * The HTTP server of a pipeline process, on a loopback port.
 *
 * It serves the control endpoints the runner uses (`/status`, `/pause`, `/resume`,
 * `/activate`, `/suspend`) and the pipeline-interaction endpoints the manager proxies. Every
 * request must carry the deployment's token: the port is reachable by any local user, the
 * token only by the manager that spawned this process.
 */
import { timingSafeEqual } from 'node:crypto';
import { type Static, Type as T } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientErrorHandler, installErrorHandling } from '../http/errors.js';
import { installJsonBodyParser } from '../http/json-body.js';
import { trackRoutes } from '../http/route-list.js';
import { frameworkErrors, installValidation } from '../http/validation.js';
import { ApiError } from '../types/errors.js';
import { PROCESS_CONTROL, TOKEN_HEADER } from '../types/runtime.js';
import { checkpointRoutes } from './checkpoint-routes.js';
import { compactionRoutes } from './compaction-routes.js';
import { connectorRoutes } from './connector-routes.js';
import type { Controller } from './controller.js';
import { dataRoutes } from './data-routes.js';
import { MemoryPressureMonitor, maxRssBytesOf } from './memory-pressure.js';
import { renderJson, renderPrometheus } from './metrics.js';
import { profileRoutes } from './profile-routes.js';
import { samplyRoutes } from './samply-routes.js';
import { ControllerStats } from './stats.js';
import { syncRoutes } from './sync-routes.js';
import { TimeSeries } from './time-series.js';
import { timeSeriesRoutes } from './time-series-routes.js';
import { transactionRoutes } from './transaction-routes.js';

/** Feldera's `StatsParams`: the endpoints' recent error lists are given only when asked for. */
const StatsQuery = T.Object({ include_connector_errors: T.Optional(T.Boolean()) });
const MetricsQuery = T.Object({ format: T.Optional(T.String()) });

/** Largest ingress request body; larger pushes should be split. */
const INGRESS_BODY_LIMIT = 256 * 1024 * 1024;

function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function buildRuntimeApp(controller: Controller, token: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: INGRESS_BODY_LIMIT, clientErrorHandler, frameworkErrors });
  trackRoutes(app);
  installValidation(app);
  installErrorHandling(app);
  // Control requests and the SDK's bodiless POSTs may say `application/json` with no body.
  installJsonBodyParser(app);
  app.addHook('onRequest', async (request) => {
    if (!tokenMatches(request.headers[TOKEN_HEADER], token)) {
      throw new ApiError('Unauthorized', 'Missing or wrong pipeline token', {});
    }
  });
  const series = new TimeSeries(
    () => (controller.hasDataPlane ? controller.dataPlane.totalProcessedRecords : 0),
    controller.storageDir,
  );
  series.start();
  app.addHook('onClose', async () => series.stop());
  const memory = new MemoryPressureMonitor(maxRssBytesOf(controller.config.runtimeConfig));
  memory.start();
  app.addHook('onClose', async () => memory.stop());
  const stats = new ControllerStats(controller, () => series.storageBytes, memory);

  app.get(PROCESS_CONTROL.status, async () => controller.statusReport());
  app.post(PROCESS_CONTROL.pause, async () => {
    controller.pause();
    return {};
  });
  app.post(PROCESS_CONTROL.resume, async () => {
    controller.resume();
    return {};
  });
  app.post(PROCESS_CONTROL.activate, async () => {
    // Activation restores a checkpoint and may take a while; the runner watches /status.
    void controller.activate();
    return {};
  });
  app.post(PROCESS_CONTROL.approve, async (_request, reply) => {
    if (!controller.approve()) {
      reply.status(409);
      return { error: `not awaiting approval (status ${controller.runtimeStatus})` };
    }
    return {};
  });
  app.post(PROCESS_CONTROL.suspend, async () => {
    await controller.suspend();
    return {};
  });
  app.get('/stats', { schema: { querystring: StatsQuery } }, async (request) => {
    const q = request.query as Static<typeof StatsQuery>;
    return stats.controllerStatus(q.include_connector_errors ?? false);
  });
  app.get('/metrics', { schema: { querystring: MetricsQuery } }, async (request, reply) => {
    const { format = 'prometheus' } = request.query as Static<typeof MetricsQuery>;
    if (format === 'json') return renderJson(stats.metrics());
    if (format !== 'prometheus') {
      throw new ApiError(
        'InvalidFormat',
        `Unsupported metrics format '${format.slice(0, 50)}': use prometheus or json`,
        { format: format.slice(0, 50), supported: ['prometheus', 'json'] },
      );
    }
    reply.header('content-type', 'text/plain; version=0.0.4');
    return renderPrometheus(stats.metrics());
  });
  await app.register(async (scope) => dataRoutes(scope, controller));
  await app.register(async (scope) => connectorRoutes(scope, controller));
  await app.register(async (scope) => checkpointRoutes(scope, controller));
  await app.register(async (scope) => syncRoutes(scope, controller));
  await app.register(async (scope) => transactionRoutes(scope, controller));
  await app.register(async (scope) => profileRoutes(scope, controller));
  await app.register(async (scope) => samplyRoutes(scope, controller));
  await app.register(async (scope) => compactionRoutes(scope, controller));
  await app.register(async (scope) => timeSeriesRoutes(scope, series));
  return app;
}
