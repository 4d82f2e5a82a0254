/**
 * `POST /start_compaction` of a pipeline process: starts a compaction of the state
 * (compaction.ts) and answers 200 with an empty body at once, as Feldera 0.312 does.
 */
import type { FastifyInstance } from 'fastify';
import type { Controller } from './controller.js';

export async function compactionRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  // The endpoint takes no body; clients send an empty one with any content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/start_compaction', async (_request, reply) => {
    void controller.compaction.start(controller.dataPlane.circuit);
    return reply.code(200).send();
  });
}
