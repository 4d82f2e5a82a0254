/**
 * `POST /samply_profile?duration_secs=N` and `GET /samply_profile[?latest=true]` of a pipeline
 * process, answered as Feldera 0.312's pipeline server answers them (the collection itself is
 * samply-profiler.ts):
 *
 * - POST starts a collection of `duration_secs` seconds (default 30) and answers 202 with an
 *   empty body; 409 `SamplyProfilingInProgress` while one runs; 500 `SamplyProfilingFailure`
 *   when the profiler cannot start. Like Feldera it needs the pipeline to be initialized.
 * - GET answers the last profile: 200 `application/gzip` (an attachment named
 *   `<time>-samply_profile.json.gz`), even while a new collection runs; with `latest=true`
 *   while one runs, 204 with `Retry-After` (seconds until it ends) instead. 400
 *   `NoSamplyProfile` when no profile was ever taken, 500 `SamplyProfilingFailure` when the
 *   last collection failed.
 *
 * `ordinal` (the host of a multihost pipeline) is accepted for the SDK's sake; a Sluice
 * pipeline runs on one host, 0.
 */
import { readFile } from 'node:fs/promises';
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../types/errors.js';
import type { Controller } from './controller.js';

/** Longest collection, seconds: a day (Node's timers cannot wait much longer than 24 days). */
export const MAX_SAMPLY_DURATION_SECS = 86_400;

const Ordinal = T.Optional(
  T.Integer({ minimum: 0, maximum: 0, description: 'The host of a multihost pipeline; Sluice has one, 0.' }),
);

const StartQuery = T.Object({
  duration_secs: T.Integer({ minimum: 0, maximum: MAX_SAMPLY_DURATION_SECS, default: 30 }),
  ordinal: Ordinal,
});

const GetQuery = T.Object({
  latest: T.Boolean({ default: false }),
  ordinal: Ordinal,
});

export async function samplyRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  app.post('/samply_profile', { schema: { querystring: StartQuery } }, async (request, reply) => {
    const { duration_secs } = request.query as Static<typeof StartQuery>;
    // Refuses while the pipeline initializes, as Feldera's `state.controller()?` does.
    void controller.dataPlane;
    await controller.samply.start(duration_secs);
    return reply.code(202).send();
  });

  app.get('/samply_profile', { schema: { querystring: GetQuery } }, async (request, reply) => {
    const { latest } = request.query as Static<typeof GetQuery>;
    const retryAfter = controller.samply.retryAfterSecs();
    if (latest && retryAfter !== null) {
      return reply.code(204).header('retry-after', String(retryAfter)).send();
    }
    const failure = controller.samply.lastFailure;
    if (failure !== null) {
      throw new ApiError('SamplyProfilingFailure', 'failed to profile the pipeline', { error: failure });
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(controller.samply.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new ApiError(
        'NoSamplyProfile',
        'no samply profile found; trigger a samply profile by making a POST request to `/samply_profile`',
        {},
      );
    }
    const filename = `${new Date().toISOString()}-samply_profile.json.gz`;
    return (
      reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="${filename}"`)
        // The body is a gzip file, not a gzip-encoded body: clients must not unpack it.
        .header('content-encoding', 'identity')
        .send(bytes)
    );
  });
}
