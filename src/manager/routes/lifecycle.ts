/**
 * Lifecycle endpoints: `/start`, `/stop`, `/pause`, `/resume`, `/activate`, `/clear`,
 * `/dismiss_error`.
 *
 * Each one only validates the request against the current state and writes a desired state
 * in one transaction, then wakes the runner, which does the work asynchronously (clients
 * poll `GET /v0/pipelines/{name}`), as the reference specifies (202 Accepted).
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../../types/errors.js';
import type { RuntimeDesiredStatus } from '../../types/pipeline.js';
import type { ManagerContext } from '../app.js';
import { checkPipelineEnv } from '../pipelines/pipeline-env.js';
import { refreshDerivedStatus } from '../pipelines/record.js';
import type { PipelineRecord } from '../store/types.js';
import { getPipelineOr404, isFullyStopped, PipelineNameParams } from './pipelines.js';

const StartQuery = T.Object({
  initial: T.Optional(T.String()),
  dismiss_error: T.Optional(T.Boolean()),
  bootstrap_policy: T.Optional(T.String()),
  silent_bootstrap: T.Optional(T.Boolean()),
});
const StopQuery = T.Object({ force: T.Optional(T.Boolean()) });

function illegal(rec: PipelineRecord, newDesired: string, hint: string): ApiError {
  return new ApiError(
    'IllegalPipelineAction',
    `Deployment status (current: '${rec.deployment_status}', desired: '${rec.deployment_desired_status}') cannot have desired changed to '${newDesired}'. ${hint}`,
    {
      status: rec.deployment_status,
      current_desired_status: rec.deployment_desired_status,
      new_desired_status: newDesired,
      hint,
    },
  );
}

function isStopping(rec: PipelineRecord): boolean {
  return (
    rec.deployment_resources_status === 'Stopping' ||
    (rec.deployment_resources_desired_status === 'Stopped' &&
      rec.deployment_resources_status !== 'Stopped') ||
    rec.deployment_runtime_desired_status === 'Suspended'
  );
}

function hasStorage(rec: PipelineRecord): boolean {
  return rec.runtime_config.storage !== null && rec.runtime_config.storage !== undefined;
}

export async function lifecycleRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const { store, runner } = ctx;
  const tags = ['Pipeline Lifecycle'];

  /** Whether the pipeline's sync configuration sets the deprecated `standby: true`. */
  function standbyConfigured(rec: PipelineRecord): boolean {
    const storage = rec.runtime_config.storage as {
      backend?: { config?: { sync?: { standby?: boolean } } };
    } | null;
    return storage?.backend?.config?.sync?.standby === true;
  }

  /** Runs `change` on the named pipeline in a transaction, then wakes the runner. */
  async function act(
    reply: FastifyReply,
    name: string,
    change: (rec: PipelineRecord, now: string) => void,
    status = 202,
  ): Promise<unknown> {
    const rec = await store.transaction(async (tx) => {
      const r = await getPipelineOr404(tx, name);
      const now = new Date().toISOString();
      change(r, now);
      refreshDerivedStatus(r, now);
      await tx.updatePipeline(r);
      return r;
    });
    runner.wake(rec.id);
    reply.status(status);
    return status === 202 ? '' : {};
  }

  function setRuntimeDesired(rec: PipelineRecord, desired: RuntimeDesiredStatus, now: string): void {
    if (rec.deployment_runtime_desired_status !== desired) {
      rec.deployment_runtime_desired_status = desired;
      rec.deployment_runtime_desired_status_since = now;
    }
  }

  app.post(
    '/v0/pipelines/:pipeline_name/start',
    { schema: { tags, summary: 'Start Pipeline', params: PipelineNameParams, querystring: StartQuery } },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const query = request.query as Static<typeof StartQuery>;
      const initial = (query.initial ?? 'running').toLowerCase();
      const requested = ({ running: 'Running', paused: 'Paused', standby: 'Standby' } as const)[
        initial as 'running' | 'paused' | 'standby'
      ];
      if (!requested) {
        throw new ApiError(
          'InvalidRequest',
          `Invalid value for 'initial': '${query.initial}'. Valid values are running, paused and standby.`,
          {
            parameter: 'initial',
            value: query.initial,
          },
        );
      }
      return act(reply, pipeline_name, (rec, now) => {
        if (isStopping(rec)) {
          throw illegal(
            rec,
            'Provisioned',
            'Cannot restart the pipeline while it is stopping. Wait for it to stop before starting a new instance of the pipeline.',
          );
        }
        if (rec.deployment_resources_desired_status === 'Provisioned') {
          // Started and paused by a rejected input (no storage, runtime/controller.ts): /start
          // goes on without it, as it would after a restart from a checkpoint.
          if (
            rec.deployment_error?.error_code === 'InputRejected' &&
            requested === 'Running' &&
            query.dismiss_error !== false
          ) {
            setRuntimeDesired(rec, 'Running', now);
          }
          return;
        }
        // Stored before today's rules, a configuration may hold a variable that must not run.
        checkPipelineEnv(rec.runtime_config.env);
        if (['SqlError', 'RustError', 'SystemError'].includes(rec.program_status)) {
          throw new ApiError(
            'ProgramNotCompiled',
            `Cannot start pipeline '${rec.name}': program_status is ${rec.program_status}; see program_error`,
            {
              program_status: rec.program_status,
            },
          );
        }
        if (rec.deployment_error) {
          if (query.dismiss_error === false) {
            throw illegal(
              rec,
              'Provisioned',
              'The pipeline has a deployment error: dismiss it first with /dismiss_error, or start with dismiss_error=true.',
            );
          }
          rec.deployment_error = null;
        }
        // The deprecated `standby: true` of the sync configuration asks for standby when
        // `initial` is not given.
        const runtimeDesired = query.initial === undefined && standbyConfigured(rec) ? 'Standby' : requested;
        rec.deployment_resources_desired_status = 'Provisioned';
        rec.deployment_resources_desired_status_since = now;
        rec.deployment_initial = runtimeDesired;
        setRuntimeDesired(rec, runtimeDesired, now);
      });
    },
  );

  app.post(
    '/v0/pipelines/:pipeline_name/stop',
    { schema: { tags, summary: 'Stop Pipeline', params: PipelineNameParams, querystring: StopQuery } },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const { force = false } = request.query as Static<typeof StopQuery>;
      return act(reply, pipeline_name, (rec, now) => {
        if (force) {
          if (rec.deployment_resources_desired_status !== 'Stopped') {
            rec.deployment_resources_desired_status = 'Stopped';
            rec.deployment_resources_desired_status_since = now;
          }
          return;
        }
        if (rec.deployment_resources_desired_status === 'Stopped') return;
        if (!hasStorage(rec)) {
          const reason =
            'this pipeline does not support the suspend action for the following reason(s):\n    - Storage must be configured';
          throw new ApiError(
            'UnsupportedPipelineAction',
            `Unsupported pipeline action 'suspend': ${reason}`,
            {
              action: 'suspend',
              reason,
            },
          );
        }
        setRuntimeDesired(rec, 'Suspended', now);
      });
    },
  );

  /** Changes the runtime desired status of a deployed pipeline. */
  function runtimeAction(path: string, summary: string, desired: RuntimeDesiredStatus, from?: string[]) {
    app.post(
      `/v0/pipelines/:pipeline_name/${path}`,
      { schema: { tags, summary, params: PipelineNameParams } },
      async (request, reply) => {
        const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
        return act(reply, pipeline_name, (rec, now) => {
          if (rec.deployment_resources_desired_status !== 'Provisioned' || isStopping(rec)) {
            throw illegal(rec, desired, `The pipeline must be started (and not stopping) to ${path} it.`);
          }
          if (from && !from.includes(rec.deployment_runtime_desired_status ?? '')) {
            throw illegal(rec, desired, `Only a pipeline in ${from.join(' or ')} can be asked to ${path}.`);
          }
          setRuntimeDesired(rec, desired, now);
        });
      },
    );
  }
  runtimeAction('pause', 'Pause Pipeline', 'Paused', ['Running', 'Paused']);
  runtimeAction('resume', 'Resume Pipeline', 'Running', ['Running', 'Paused']);
  runtimeAction('activate', 'Activate Pipeline', 'Running', ['Standby', 'Running', 'Paused']);

  app.post(
    '/v0/pipelines/:pipeline_name/clear',
    { schema: { tags, summary: 'Clear Storage', params: PipelineNameParams } },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      return act(reply, pipeline_name, (rec) => {
        if (rec.storage_status !== 'InUse' || !isFullyStopped(rec)) {
          const lower = rec.storage_status.toLowerCase();
          throw new ApiError(
            'InvalidStorageStatusTransition',
            rec.storage_status === 'InUse'
              ? "Cannot clear storage while the pipeline is not stopped. Stop it first with '/stop'."
              : `Cannot transition from storage status '${lower}' to 'clearing'`,
            {
              current_status: rec.storage_status,
              new_status: 'Clearing',
              deployment_status: rec.deployment_status,
            },
          );
        }
        rec.storage_status = 'Clearing';
      });
    },
  );

  app.post(
    '/v0/pipelines/:pipeline_name/dismiss_error',
    { schema: { tags, summary: 'Dismiss Deployment Error', params: PipelineNameParams } },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      return act(
        reply,
        pipeline_name,
        (rec) => {
          if (rec.deployment_error && !isFullyStopped(rec)) {
            throw illegal(
              rec,
              'Stopped',
              'The deployment error can only be dismissed once the pipeline is fully stopped.',
            );
          }
          rec.deployment_error = null;
        },
        200,
      );
    },
  );
}
