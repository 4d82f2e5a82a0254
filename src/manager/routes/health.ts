/** `GET /healthz`: 200 once the manager serves requests. */
import type { FastifyInstance } from 'fastify';
import type { ManagerContext } from '../app.js';

export async function healthRoutes(app: FastifyInstance, _ctx: ManagerContext): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'healthy' }));
}
