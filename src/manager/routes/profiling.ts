/**
 * `POST /v0/pipelines/{name}/samply_profile` and `GET` of it (Feldera 0.312): Feldera runs the
 * native `samply` sampling profiler on the pipeline process. A Node.js pipeline process has no
 * native frames for samply to make sense of, so Sluice answers 501
 * `SamplyProfileUnsupported` naming the feature (after the usual 404 for an unknown
 * pipeline), rather than a routing 404 that would read as a missing pipeline.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../types/errors.js';
import type { ManagerContext } from '../app.js';
import { getPipelineOr404 } from './pipelines.js';

export async function profilingRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const handler = async (request: { params: unknown }) => {
    const { pipeline_name } = request.params as { pipeline_name: string };
    await ctx.store.transaction((tx) => getPipelineOr404(tx, pipeline_name));
    throw new ApiError(
      'SamplyProfileUnsupported',
      'Samply profiling is not supported by Sluice: its pipelines run on Node.js, which samply cannot profile. Use /circuit_profile or /metrics instead.',
      { feature: 'samply_profile', pipeline_name },
    );
  };
  const schema = { tags: ['Metrics & Debugging'], summary: 'Samply profile (unsupported)' };
  app.post('/v0/pipelines/:pipeline_name/samply_profile', { schema }, handler);
  app.get('/v0/pipelines/:pipeline_name/samply_profile', { schema }, handler);
}
