/**
 * The platform version a pipeline was compiled with (Feldera 0.312):
 * `POST /v0/pipelines/{name}/update_runtime` recompiles a stopped pipeline with this manager's
 * version (a no-op when it already has it), and `POST /v0/pipelines/{name}/testing
 * ?set_platform_version=X` pretends it was compiled by version X, for upgrade tests. As in
 * Feldera, the testing endpoint answers 405 unless the `testing` unstable feature is on
 * (`FELDERA_UNSTABLE_FEATURES`, a comma-separated list, read when the manager starts).
 *
 * A pipeline keeps the version it was compiled with: starting it does not recompile it (one
 * program runs on any version here), while an edit of its program recompiles it with this
 * manager's version (pipelines/record.ts).
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../types/errors.js';
import type { ManagerContext } from '../app.js';
import { refreshDerivedStatus, toPipelineInfo } from '../pipelines/record.js';
import { PLATFORM_VERSION } from '../version.js';
import { getPipelineOr404, PipelineNameParams, requireStopped } from './pipelines.js';

const TestingQuery = T.Object({ set_platform_version: T.Optional(T.String()) });

/** True when `FELDERA_UNSTABLE_FEATURES` names `feature`. */
export function unstableFeatureEnabled(feature: string, env = process.env): boolean {
  return (env.FELDERA_UNSTABLE_FEATURES ?? '')
    .split(',')
    .map((f) => f.trim())
    .includes(feature);
}

export async function platformVersionRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const { store, compiler } = ctx;
  const testing = unstableFeatureEnabled('testing');

  app.post(
    '/v0/pipelines/:pipeline_name/update_runtime',
    { schema: { tags: ['Pipeline Lifecycle'], summary: 'Recompile Pipeline', params: PipelineNameParams } },
    async (request) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const rec = await store.transaction(async (tx) => {
        const rec = await getPipelineOr404(tx, pipeline_name);
        requireStopped(rec);
        if (rec.platform_version === PLATFORM_VERSION) return rec;
        const now = new Date().toISOString();
        rec.platform_version = PLATFORM_VERSION;
        rec.version += 1;
        rec.refresh_version += 1;
        rec.program_version += 1;
        rec.program_status = 'Pending';
        rec.program_status_since = now;
        rec.program_error = { sql_compilation: null, rust_compilation: null, system_error: null };
        rec.program_info = null;
        refreshDerivedStatus(rec, now);
        await tx.updatePipeline(rec);
        return rec;
      });
      void compiler.wake();
      return toPipelineInfo(rec);
    },
  );

  app.post(
    '/v0/pipelines/:pipeline_name/testing',
    {
      schema: {
        tags: ['Metrics & Debugging'],
        summary: 'Test Endpoint',
        params: PipelineNameParams,
        querystring: TestingQuery,
      },
    },
    async (request) => {
      if (!testing) {
        throw new ApiError(
          'UnstableFeatureDisabled',
          'Endpoint is disabled. Set FELDERA_UNSTABLE_FEATURES="testing" to enable.',
          { feature: 'testing' },
        );
      }
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const { set_platform_version } = request.query as Static<typeof TestingQuery>;
      await store.transaction(async (tx) => {
        const rec = await getPipelineOr404(tx, pipeline_name);
        if (set_platform_version === undefined || set_platform_version === rec.platform_version) return;
        rec.platform_version = set_platform_version;
        rec.refresh_version += 1;
        await tx.updatePipeline(rec);
      });
      return {};
    },
  );
}
