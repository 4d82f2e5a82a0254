/**
 * Pipeline CRUD: `GET/POST /v0/pipelines`, `GET/PUT/PATCH/DELETE /v0/pipelines/{name}`.
 *
 * Each handler runs in one store transaction, so a request either applies whole or not at
 * all. Definitions can only change while the pipeline is fully stopped; a change to the
 * program sends it back to `Pending` and wakes the compiler.
 */
import { rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../types/errors.js';
import {
  PatchPipelineSchema,
  type PipelineFieldSelector,
  PipelineFieldSelectorSchema,
  PostPutPipelineSchema,
  type RuntimeConfig,
} from '../../types/pipeline.js';
import { restoreSecrets } from '../../types/secrets.js';
import type { ManagerContext } from '../app.js';
import { validatePipelineConfig } from '../pipelines/config-validation.js';
import { fillProgramConfig, fillRuntimeConfig } from '../pipelines/defaults.js';
import { validateName } from '../pipelines/names.js';
import {
  applyDefinitionChange,
  type DefinitionChange,
  newPipelineRecord,
  toPipelineInfo,
} from '../pipelines/record.js';
import type { PipelineRecord, StoreTx } from '../store/types.js';

export const PipelineNameParams = T.Object({ pipeline_name: T.String() });
const SelectorQuery = T.Object({ selector: T.Optional(PipelineFieldSelectorSchema) });

/** The pipeline with that name, or `UnknownPipelineName`. */
export async function getPipelineOr404(tx: StoreTx, name: string): Promise<PipelineRecord> {
  const rec = await tx.getPipelineByName(name);
  if (!rec) {
    const shown = name.length > 120 ? `${name.slice(0, 120)}…` : name;
    throw new ApiError('UnknownPipelineName', `Unknown pipeline name '${shown}'`, { pipeline_name: shown });
  }
  return rec;
}

/** True when the pipeline is stopped and meant to stay stopped. */
export function isFullyStopped(rec: PipelineRecord): boolean {
  return (
    rec.deployment_resources_status === 'Stopped' && rec.deployment_resources_desired_status === 'Stopped'
  );
}

export function requireStopped(rec: PipelineRecord): void {
  if (!isFullyStopped(rec)) {
    throw new ApiError(
      'UpdateRestrictedToStopped',
      "Pipeline can only be updated while stopped. Stop it first by invoking '/stop'.",
      { pipeline_name: rec.name, status: rec.deployment_status },
    );
  }
}

/**
 * The runtime config fields the stored state depends on: its partitioning (`workers`, `hosts`),
 * how it was written (`fault_tolerance`: under exactly_once the journal holds acknowledged input
 * that a pipeline switched to another model would ignore, losing it), and its volume
 * (`resources.storage_mb_max`, `resources.storage_class`, `resources.namespace`: a Kubernetes
 * volume lives in a namespace). Feldera 0.312 refuses edits of these (pipelines/configuration
 * "Runtime configuration edit restrictions"; its `update_pipeline` compares the whole
 * `fault_tolerance` value); `hosts` absent counts as 1, as in Feldera.
 */
const STORAGE_BOUND_FIELDS = [
  'workers',
  'hosts',
  'fault_tolerance',
  'resources.storage_mb_max',
  'resources.storage_class',
  'resources.namespace',
];

function fieldAt(config: Record<string, unknown>, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | null)?.[key];
  return value ?? (path === 'hosts' ? 1 : null);
}

/**
 * Refuses a change of a storage-bound field while storage is in use, as Feldera 0.312 does:
 * 400 `EditRestrictedToClearedStorage`, `details.not_allowed` = the fields in backticks
 * (e.g. ["`runtime_config.resources.namespace`"]).
 */
function requireEditableStorage(rec: PipelineRecord, next: Record<string, unknown> | undefined): void {
  if (!next || rec.storage_status === 'Cleared') return;
  const notAllowed = STORAGE_BOUND_FIELDS.filter(
    (f) => !isDeepStrictEqual(fieldAt(next, f), fieldAt(rec.runtime_config, f)),
  ).map((f) => `\`runtime_config.${f}\``);
  if (notAllowed.length > 0) {
    throw new ApiError(
      'EditRestrictedToClearedStorage',
      `The following pipeline edits are not allowed while storage is not cleared: ${notAllowed.join(', ')}`,
      { not_allowed: notAllowed },
    );
  }
}

async function requireNameFree(tx: StoreTx, name: string): Promise<void> {
  if (await tx.getPipelineByName(name)) {
    throw new ApiError('DuplicateName', 'An entity with this name already exists', { name });
  }
}

/** Completes and checks a runtime config from a request, keeping stored secrets that came back redacted. */
function runtimeConfigFrom(
  given: RuntimeConfig | null | undefined,
  stored: unknown,
): Record<string, unknown> {
  const config = fillRuntimeConfig(restoreSecrets(given, stored));
  validatePipelineConfig(config);
  return config;
}

export async function pipelineRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const { store, compiler } = ctx;
  const tags = ['Pipeline CRUD'];

  app.get(
    '/v0/pipelines',
    { schema: { tags, summary: 'List Pipelines', querystring: SelectorQuery } },
    async (request) => {
      const { selector } = request.query as Static<typeof SelectorQuery>;
      const all = await store.transaction((tx) => tx.listPipelines());
      return all.map((p) => toPipelineInfo(p, selector as PipelineFieldSelector));
    },
  );

  app.post(
    '/v0/pipelines',
    { schema: { tags, summary: 'Create Pipeline', body: PostPutPipelineSchema } },
    async (request, reply) => {
      const body = request.body as Static<typeof PostPutPipelineSchema>;
      validateName(body.name);
      const rec = newPipelineRecord(body);
      validatePipelineConfig(rec.runtime_config);
      await store.transaction(async (tx) => {
        await requireNameFree(tx, body.name);
        await tx.insertPipeline(rec);
      });
      void compiler.wake();
      reply.status(201);
      return toPipelineInfo(rec);
    },
  );

  app.get(
    '/v0/pipelines/:pipeline_name',
    { schema: { tags, summary: 'Get Pipeline', params: PipelineNameParams, querystring: SelectorQuery } },
    async (request) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const { selector } = request.query as Static<typeof SelectorQuery>;
      const rec = await store.transaction((tx) => getPipelineOr404(tx, pipeline_name));
      return toPipelineInfo(rec, selector as PipelineFieldSelector);
    },
  );

  app.put(
    '/v0/pipelines/:pipeline_name',
    { schema: { tags, summary: 'Upsert Pipeline', params: PipelineNameParams, body: PostPutPipelineSchema } },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const body = request.body as Static<typeof PostPutPipelineSchema>;
      validateName(body.name);
      const { created, rec } = await store.transaction(async (tx) => {
        const existing = await tx.getPipelineByName(pipeline_name);
        if (!existing) {
          if (body.name !== pipeline_name) {
            throw new ApiError(
              'CannotRenameNonExistingPipeline',
              `Cannot create pipeline '${body.name}' through PUT on '${pipeline_name}': the names differ`,
              { pipeline_name, name: body.name },
            );
          }
          validateName(pipeline_name);
          const fresh = newPipelineRecord(body);
          validatePipelineConfig(fresh.runtime_config);
          await tx.insertPipeline(fresh);
          return { created: true, rec: fresh };
        }
        requireStopped(existing);
        if (body.name !== existing.name) await requireNameFree(tx, body.name);
        const runtimeConfig = runtimeConfigFrom(body.runtime_config, existing.runtime_config);
        requireEditableStorage(existing, runtimeConfig);
        const change: DefinitionChange = {
          name: body.name,
          description: body.description ?? '',
          program_code: body.program_code,
          udf_rust: body.udf_rust ?? '',
          udf_toml: body.udf_toml ?? '',
          program_config: fillProgramConfig(body.program_config),
          runtime_config: runtimeConfig,
        };
        applyDefinitionChange(existing, change);
        await tx.updatePipeline(existing);
        return { created: false, rec: existing };
      });
      void compiler.wake();
      reply.status(created ? 201 : 200);
      return toPipelineInfo(rec);
    },
  );

  app.patch(
    '/v0/pipelines/:pipeline_name',
    { schema: { tags, summary: 'Patch Pipeline', params: PipelineNameParams, body: PatchPipelineSchema } },
    async (request) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const body = (request.body ?? {}) as Static<typeof PatchPipelineSchema>;
      if (typeof body.name === 'string') validateName(body.name);
      const rec = await store.transaction(async (tx) => {
        const existing = await getPipelineOr404(tx, pipeline_name);
        const change: DefinitionChange = {};
        if (typeof body.name === 'string') change.name = body.name;
        if (typeof body.description === 'string') change.description = body.description;
        if (typeof body.program_code === 'string') change.program_code = body.program_code;
        if (typeof body.udf_rust === 'string') change.udf_rust = body.udf_rust;
        if (typeof body.udf_toml === 'string') change.udf_toml = body.udf_toml;
        if (body.program_config) change.program_config = fillProgramConfig(body.program_config);
        if (body.runtime_config)
          change.runtime_config = runtimeConfigFrom(body.runtime_config, existing.runtime_config);
        if (Object.keys(change).length > 0) requireStopped(existing);
        requireEditableStorage(existing, change.runtime_config);
        if (change.name !== undefined && change.name !== existing.name)
          await requireNameFree(tx, change.name);
        if (applyDefinitionChange(existing, change)) await tx.updatePipeline(existing);
        return existing;
      });
      void compiler.wake();
      return toPipelineInfo(rec);
    },
  );

  app.delete(
    '/v0/pipelines/:pipeline_name',
    { schema: { tags, summary: 'Delete Pipeline', params: PipelineNameParams } },
    async (request) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const rec = await store.transaction(async (tx) => {
        const existing = await getPipelineOr404(tx, pipeline_name);
        if (!isFullyStopped(existing) || existing.storage_status !== 'Cleared') {
          throw new ApiError(
            'DeleteRestrictedToFullyStopped',
            "Cannot delete a pipeline which is not fully stopped. Stop the pipeline first fully by invoking the '/stop' endpoint" +
              (existing.storage_status !== 'Cleared' ? ', then clear its storage with /clear.' : '.'),
            { pipeline_name, status: existing.deployment_status, storage_status: existing.storage_status },
          );
        }
        await tx.deletePipeline(existing.id);
        return existing;
      });
      rmSync(ctx.runner.pipelineDir(rec.id), { recursive: true, force: true });
      return {};
    },
  );
}
