/**
 * Object-storage endpoints of a pipeline process: `POST /checkpoint/sync`,
 * `GET /checkpoint/sync_status` and `GET /checkpoints/remote` (an addition of Sluice's).
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { checkIncarnation } from './checkpoint-routes.js';
import type { Controller } from './controller.js';

const IncarnationQuery = T.Object({ incarnation_uuid: T.Optional(T.String()) });

export async function syncRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  app.post('/checkpoint/sync', async () => {
    const sync = controller.sync;
    const { uuid, sequence } = await sync.sync();
    return {
      checkpoint_sequence_number: sequence,
      checkpoint_uuid: uuid,
      incarnation_uuid: controller.incarnationUuid,
    };
  });

  app.get('/checkpoint/sync_status', { schema: { querystring: IncarnationQuery } }, async (request) => {
    const { incarnation_uuid } = request.query as Static<typeof IncarnationQuery>;
    checkIncarnation(controller, incarnation_uuid);
    return controller.sync.status();
  });

  app.get('/checkpoints/remote', async () => controller.sync.listRemote());
}
