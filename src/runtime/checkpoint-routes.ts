/**
 * Checkpoint endpoints of a pipeline process: `POST /checkpoint`, `GET /checkpoint_status`,
 * `GET /checkpoints`, as the reference defines them (`CheckpointResponse`, `CheckpointStatus`,
 * `CheckpointMetadata`), plus a `progress` object in the status while a checkpoint is written.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../types/errors.js';
import type { Controller } from './controller.js';

const IncarnationQuery = T.Object({ incarnation_uuid: T.Optional(T.String()) });

/** Throws `IncarnationUuidMismatch` when the client asks about another run of the pipeline. */
export function checkIncarnation(controller: Controller, requested: string | undefined): void {
  if (requested !== undefined && requested !== controller.incarnationUuid) {
    throw new ApiError(
      'IncarnationUuidMismatch',
      `The pipeline's incarnation is ${controller.incarnationUuid}, not ${requested.slice(0, 64)}: it restarted since`,
      { requested: requested.slice(0, 64), expected: controller.incarnationUuid },
    );
  }
}

export async function checkpointRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  app.post('/checkpoint', async () => {
    const { sequence, done } = controller.checkpointer.request('requested');
    done.catch(() => undefined);
    return { checkpoint_sequence_number: sequence, incarnation_uuid: controller.incarnationUuid };
  });

  app.get('/checkpoint_status', { schema: { querystring: IncarnationQuery } }, async (request) => {
    const { incarnation_uuid } = request.query as Static<typeof IncarnationQuery>;
    checkIncarnation(controller, incarnation_uuid);
    return controller.checkpointer.checkpointStatus();
  });

  app.get('/checkpoints', async () => controller.checkpointer.list());
}
