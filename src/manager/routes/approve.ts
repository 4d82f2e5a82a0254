/**
 * `POST /v0/pipelines/{name}/approve`: lets a pipeline in `AwaitingApproval` (started with
 * `bootstrap_policy=await_approval` on a checkpoint of another program) bootstrap its modified
 * program. The approval is not a desired state the runner drives: it is a one-off decision
 * about the deployment that is waiting, so it goes straight to that process, which then
 * reports `Bootstrapping` and `Running` through `/status` (runtime/bootstrap.ts).
 * `?silent_bootstrap=true` bootstraps without sending the backfilled view contents to output
 * connectors (Feldera 0.312, "Silent bootstrapping").
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../types/errors.js';
import { PROCESS_CONTROL } from '../../types/runtime.js';
import type { ManagerContext } from '../app.js';
import { getPipelineOr404, PipelineNameParams } from './pipelines.js';

const ApproveQuery = T.Object({ silent_bootstrap: T.Optional(T.Boolean()) });

export async function approveRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  app.post(
    '/v0/pipelines/:pipeline_name/approve',
    {
      schema: {
        tags: ['Pipeline Lifecycle'],
        summary: 'Approve Bootstrap',
        params: PipelineNameParams,
        querystring: ApproveQuery,
      },
    },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const { silent_bootstrap } = request.query as Static<typeof ApproveQuery>;
      const rec = await ctx.store.transaction((tx) => getPipelineOr404(tx, pipeline_name));
      const location = rec.deployment_location;
      if (rec.deployment_runtime_status !== 'AwaitingApproval' || !location || location.port === null) {
        throw new ApiError(
          'IllegalPipelineAction',
          `Pipeline '${rec.name}' is not awaiting approval (status: ${rec.deployment_status}); only a pipeline started with bootstrap_policy 'await_approval' whose program changed since its checkpoint can be approved.`,
          { status: rec.deployment_status, current_desired_status: rec.deployment_desired_status },
        );
      }
      let status: number;
      try {
        const res = await ctx.runner.executor.request(location, 'POST', PROCESS_CONTROL.approve, {
          query: silent_bootstrap ? 'silent_bootstrap=true' : undefined,
          timeoutMs: 10_000,
        });
        res.body.resume();
        status = res.status;
      } catch (err) {
        throw new ApiError(
          'PipelineInteractionUnreachable',
          `Error sending HTTP request to pipeline '${rec.name}': ${(err as Error).message}`,
          { pipeline_name: rec.name, request: PROCESS_CONTROL.approve, error: (err as Error).message },
        );
      }
      if (status !== 200) {
        throw new ApiError(
          'PipelineInteractionUnreachable',
          `Pipeline '${rec.name}' did not accept the approval (HTTP ${status})`,
          { pipeline_name: rec.name, request: PROCESS_CONTROL.approve, error: `HTTP ${status}` },
        );
      }
      ctx.runner.wake(rec.id);
      reply.status(202);
      return '';
    },
  );
}
