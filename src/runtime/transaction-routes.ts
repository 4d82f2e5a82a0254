/**
 * Transaction endpoints of a pipeline process, as Feldera 0.312 serves them:
 * `POST /start_transaction` answers `{transaction_id}` (409 `TransactionInProgress` while one
 * is under way); `POST /commit_transaction` starts the commit and answers at once, and the
 * client watches `global_metrics.transaction_id` in `/stats` go back to 0 (what the SDK's
 * `commit_transaction(wait=True)` does). The data plane holds the semantics (data-plane.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Controller } from './controller.js';

export async function transactionRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  // Neither endpoint takes a body; clients send an empty one with any content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/start_transaction', async () => ({
    transaction_id: controller.dataPlane.startTransaction(),
  }));

  app.post('/commit_transaction', async () => {
    controller.dataPlane.commitTransaction();
    return {};
  });
}
