/**
 * `GET /v0/pipelines/{name}/support_bundle` (Feldera 0.312): gathers a new support-data
 * collection (unless `collect=false`), keeps it among the pipeline's retained ones, and
 * answers a zip of the newest `limit` of them (all retained when absent; `limit=0` is refused
 * with 400). The selectors (each true unless false) say what a new collection gathers and
 * which files of every collection go into the zip. Layout: support-bundle/bundle.ts.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ManagerContext } from '../app.js';
import { buildSupportBundle } from '../support-bundle/bundle.js';
import { collectSupportData } from '../support-bundle/collect.js';
import {
  SUPPORT_SELECTORS,
  type SupportCollection,
  SupportDataStore,
  type SupportSelector,
} from '../support-bundle/collection.js';
import { getPipelineOr404, PipelineNameParams } from './pipelines.js';

const SupportBundleQuery = T.Object({
  collect: T.Optional(
    T.Boolean({ description: 'Whether to collect new data from the pipeline (default: true)' }),
  ),
  limit: T.Optional(
    T.Integer({
      minimum: 1,
      description: 'Most recent collections to include (at least 1; default: all retained)',
    }),
  ),
  ...Object.fromEntries(
    SUPPORT_SELECTORS.map((s) => [
      s,
      T.Optional(T.Boolean({ description: `Whether to include ${s} (default: true)` })),
    ]),
  ),
});

export async function supportBundleRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const retained = new SupportDataStore();
  app.get(
    '/v0/pipelines/:pipeline_name/support_bundle',
    {
      schema: {
        tags: ['Metrics & Debugging'],
        summary: 'Download Support Bundle',
        params: PipelineNameParams,
        querystring: SupportBundleQuery,
      },
    },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const query = request.query as Record<string, boolean | number | undefined>;
      const collect = query.collect !== false;
      const limit = typeof query.limit === 'number' ? query.limit : undefined;
      const selected = new Set<SupportSelector>(SUPPORT_SELECTORS.filter((s) => query[s] !== false));
      const { rec, ids } = await ctx.store.transaction(async (tx) => ({
        rec: await getPipelineOr404(tx, pipeline_name),
        ids: new Set((await tx.listPipelines()).map((p) => p.id)),
      }));
      retained.retainOnly(ids);
      if (collect) {
        const now = new Date();
        const collection: SupportCollection = {
          collected_at: now.toISOString(),
          directory: retained.directoryFor(rec.id, now),
          files: new Map(),
          errors: {},
        };
        await collectSupportData(ctx, rec, selected, collection);
        retained.add(rec.id, collection);
      }
      const zip = buildSupportBundle(
        { pipeline_name: rec.name, pipeline_id: rec.id, collect, limit: limit ?? null, selected },
        retained.recent(rec.id, limit),
      );
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', `attachment; filename="support-bundle-${rec.id}.zip"`);
      return reply.send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    },
  );
}
