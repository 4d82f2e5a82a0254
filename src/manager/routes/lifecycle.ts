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
import { BOOTSTRAP_POLICIES, type BootstrapPolicy, type RuntimeDesiredStatus } from '../../types/pipeline.js';
import type { ManagerContext } from '../app.js';
import { checkPipelineEnv } from '../pipelines/pipeline-env.js';
import { refreshDerivedStatus } from '../pipelines/record.js';
import type { PipelineRecord } from '../store/types.js';
import { getPipelineOr404, isFullyStopped, PipelineNameParams } from './pipelines.js';

const StartQuery = T.Object({
  initial: T.Optional(T.String()),
  dismiss_error: T.Optional(T.Boolean()),
  bootstrap_policy: T.Optional(T.Union(BOOTSTRAP_POLICIES.map((p) => T.Literal(p)))),
  silent_bootstrap: T.Optional(T.Boolean()),
});

/** Feldera's default when `/start` names no `bootstrap_policy`. */
const DEFAULT_BOOTSTRAP_POLICY: BootstrapPolicy = 'await_approval';
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

/** Whether the configuration allows `initial=standby`: file storage with a sync configuration. */
function canStandby(rec: PipelineRecord): boolean {
  const storage = rec.runtime_config.storage as {
    backend?: { name?: string; config?: { sync?: unknown } };
  } | null;
  const sync = storage?.backend?.config?.sync;
  return storage?.backend?.name === 'file' && sync !== null && sync !== undefined;
}

/**
 * A second `/start` of a pipeline that is not stopped succeeds only if it asks for what the
 * first one did (Feldera 0.312): another `initial` or `bootstrap_policy` is refused, as
 * neither can change without a restart.
 */
function checkSameStart(rec: PipelineRecord, initial: RuntimeDesiredStatus, policy: BootstrapPolicy): void {
  if (rec.deployment_initial !== null && rec.deployment_initial !== initial) {
    throw new ApiError(
      'InitialImmutableUnlessStopped',
      `Pipeline '${rec.name}' was started with initial '${rec.deployment_initial.toLowerCase()}'; it cannot be started again with initial '${initial.toLowerCase()}' unless it is stopped first.`,
      { current: rec.deployment_initial, requested: initial },
    );
  }
  const current = rec.bootstrap_policy ?? DEFAULT_BOOTSTRAP_POLICY;
  if (current !== policy) {
    throw new ApiError(
      'BootstrapPolicyImmutableUnlessStopped',
      `Pipeline '${rec.name}' was started with bootstrap_policy '${current}'; it cannot be started again with bootstrap_policy '${policy}' unless it is stopped first.`,
      { current, requested: policy },
    );
  }
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
        const policy = query.bootstrap_policy ?? DEFAULT_BOOTSTRAP_POLICY;
        // The deprecated `standby: true` of the sync configuration asks for standby when
        // `initial` is not given.
        const runtimeDesired = query.initial === undefined && standbyConfigured(rec) ? 'Standby' : requested;
        if (rec.deployment_resources_desired_status === 'Provisioned') {
          checkSameStart(rec, runtimeDesired, policy);
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
            'CannotStartWithCompilationError',
            `Cannot start pipeline '${rec.name}': its program failed to compile (program_status ${rec.program_status}); see program_error`,
            { program_status: rec.program_status },
          );
        }
        if (runtimeDesired === 'Standby' && !canStandby(rec)) {
          throw new ApiError(
            'InitialStandbyNotAllowed',
            `Pipeline '${rec.name}' cannot start in standby: it needs runtime_config.storage.backend 'file' with a 'sync' configuration to pull checkpoints from.`,
            {},
          );
        }
        if (rec.deployment_error) {
          if (query.dismiss_error === false) {
            throw new ApiError(
              'CannotStartWithUndismissedError',
              `Cannot start pipeline '${rec.name}': it has a deployment error that is not dismissed; dismiss it first with /dismiss_error, or start with dismiss_error=true`,
              { deployment_error: rec.deployment_error },
            );
          }
          rec.deployment_error = null;
        }
        rec.deployment_resources_desired_status = 'Provisioned';
        rec.deployment_resources_desired_status_since = now;
        rec.deployment_initial = runtimeDesired;
        rec.bootstrap_policy = policy;
        rec.silent_bootstrap = query.silent_bootstrap ?? false;
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
        // As Feldera 0.312: nothing to do (202) when cleared or already clearing, so a client's
        // cleanup works on a pipeline that never ran; refused while the pipeline runs, stops,
        // or is asked to start (its desired status is Provisioned).
        if (rec.storage_status !== 'InUse') return;
        if (!isFullyStopped(rec)) {
          throw new ApiError(
            'StorageStatusImmutableUnlessStopped',
            "Cannot clear storage while the pipeline is not stopped. Stop it first with '/stop'.",
            {
              resources_status: rec.deployment_resources_status,
              resources_desired_status: rec.deployment_resources_desired_status,
              current_status: rec.storage_status,
              new_status: 'Clearing',
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
