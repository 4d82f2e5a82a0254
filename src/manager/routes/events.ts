/**
 * Monitoring endpoints of Feldera 0.312: `GET /v0/pipelines/{name}/events[/{event_id}]`
 * (pipeline monitor events, src/manager/store/monitor-events.ts), `GET /v0/cluster/events
 * [/{event_id}]` and `GET /v0/cluster_healthz` (src/manager/cluster-monitor.ts).
 *
 * `selector=status` (the default of the SDK; Feldera's default for the lists) leaves out the
 * details: the status fields only. An event id is a UUID or `latest`.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../types/errors.js';
import type { ManagerContext } from '../app.js';
import { ClusterMonitor, type ClusterMonitorEvent } from '../cluster-monitor.js';
import { EVENT_DETAIL_FIELDS } from '../store/monitor-events.js';
import type { PipelineMonitorEvent } from '../store/types.js';
import { getPipelineOr404, PipelineNameParams } from './pipelines.js';

const SelectorQuery = T.Object({
  selector: T.Optional(T.Union([T.Literal('all'), T.Literal('status')])),
});
const PipelineEventParams = T.Object({ pipeline_name: T.String(), event_id: T.String() });
const ClusterEventParams = T.Object({ event_id: T.String() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CLUSTER_DETAIL_FIELDS = [
  'api_self_info',
  'api_resources_info',
  'compiler_self_info',
  'compiler_resources_info',
  'runner_self_info',
  'runner_resources_info',
] as const;

function select<E extends object>(event: E, selector: 'all' | 'status', details: readonly string[]): object {
  if (selector === 'all') return event;
  const out = { ...event } as Record<string, unknown>;
  for (const field of details) delete out[field];
  return out;
}

function checkEventId(id: string): void {
  if (id !== 'latest' && !UUID.test(id)) {
    throw new ApiError(
      'InvalidUuidParam',
      `Invalid event identifier '${id.slice(0, 100)}': expected a UUID or 'latest'`,
      {
        value: id.slice(0, 100),
      },
    );
  }
}

function pick<E extends { id?: string; event_id?: string }>(events: E[], id: string): E | undefined {
  return id === 'latest' ? events[0] : events.find((e) => (e.event_id ?? e.id) === id);
}

export async function eventRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const cluster = new ClusterMonitor(ctx);

  app.get(
    '/v0/pipelines/:pipeline_name/events',
    {
      schema: {
        tags: ['Metrics & Debugging'],
        summary: 'List Pipeline Events',
        params: PipelineNameParams,
        querystring: SelectorQuery,
      },
    },
    async (request) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const { selector = 'status' } = request.query as Static<typeof SelectorQuery>;
      const events = await ctx.store.transaction(async (tx) => {
        const rec = await getPipelineOr404(tx, pipeline_name);
        return tx.listPipelineEvents(rec.id);
      });
      return events.map((e) => select(e, selector, EVENT_DETAIL_FIELDS));
    },
  );

  app.get(
    '/v0/pipelines/:pipeline_name/events/:event_id',
    {
      schema: {
        tags: ['Metrics & Debugging'],
        summary: 'Get Pipeline Event',
        params: PipelineEventParams,
        querystring: SelectorQuery,
      },
    },
    async (request) => {
      const { pipeline_name, event_id } = request.params as Static<typeof PipelineEventParams>;
      const { selector = 'status' } = request.query as Static<typeof SelectorQuery>;
      const events = await ctx.store.transaction(async (tx) => {
        const rec = await getPipelineOr404(tx, pipeline_name);
        return tx.listPipelineEvents(rec.id);
      });
      checkEventId(event_id);
      const event: PipelineMonitorEvent | undefined = pick(events, event_id);
      if (!event) {
        throw new ApiError(
          'UnknownPipelineMonitorEvent',
          `Pipeline '${pipeline_name}' has no monitor event '${event_id}'`,
          { event_id },
        );
      }
      return select(event, selector, EVENT_DETAIL_FIELDS);
    },
  );

  app.get(
    '/v0/cluster/events',
    { schema: { tags: ['Platform'], summary: 'List Cluster Events' } },
    async () => (await cluster.list()).map((e) => select(e, 'status', CLUSTER_DETAIL_FIELDS)),
  );

  app.get(
    '/v0/cluster/events/:event_id',
    {
      schema: {
        tags: ['Platform'],
        summary: 'Get Cluster Event',
        params: ClusterEventParams,
        querystring: SelectorQuery,
      },
    },
    async (request) => {
      const { event_id } = request.params as Static<typeof ClusterEventParams>;
      const { selector = 'status' } = request.query as Static<typeof SelectorQuery>;
      checkEventId(event_id);
      const event: ClusterMonitorEvent | undefined = pick(await cluster.list(), event_id);
      if (!event) {
        throw new ApiError('UnknownClusterMonitorEvent', `There is no cluster monitor event '${event_id}'`, {
          event_id,
        });
      }
      return select(event, selector, CLUSTER_DETAIL_FIELDS);
    },
  );

  app.get(
    '/v0/cluster_healthz',
    { schema: { tags: ['Platform'], summary: 'Check Cluster Health' } },
    async (_request, reply) => {
      const health = await cluster.check();
      reply.status(health.all_healthy ? 200 : 503);
      return health;
    },
  );
}
