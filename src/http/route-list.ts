/**
 * The routes a Fastify server registered, method by method, for code and tests that must
 * cover every route (e.g. that every POST accepts an empty JSON body) without keeping a
 * list by hand: a route added later is covered automatically.
 */
import type { FastifyInstance } from 'fastify';

/** One method of one registered route; `url` is the route pattern (`/v0/pipelines/:pipeline_name`). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this server so far (see src/http/route-list.ts). */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Starts recording the routes of `app`; call it before any route is registered. */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}
