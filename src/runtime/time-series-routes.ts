/**
 * `GET /time_series` (the `TimeSeries` object: `now` and the last 60 one-second samples) and
 * `GET /time_series_stream` (NDJSON: the kept samples, one per line, then each new sample as
 * it is taken, until the client goes away), as Feldera 0.312 serves them.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TimeSeries } from './time-series.js';

export async function timeSeriesRoutes(app: FastifyInstance, series: TimeSeries): Promise<void> {
  app.get('/time_series', async () => series.snapshot());

  app.get('/time_series_stream', async (request, reply) => {
    const body = new PassThrough();
    for (const sample of series.snapshot().samples) body.write(`${JSON.stringify(sample)}\n`);
    const unsubscribe = series.subscribe((sample) => body.write(`${JSON.stringify(sample)}\n`));
    request.raw.once('close', () => {
      unsubscribe();
      body.end();
    });
    reply.header('content-type', 'application/x-ndjson');
    return reply.send(body);
  });
}
