/**
 * Profiling endpoints of a pipeline process: `GET /circuit_profile` (a zip),
 * `GET /circuit_json_profile` (JSON, gzip-compressed when the client accepts it, as Feldera's
 * is) and `GET /heap_usage`, which only the manager's support bundle reads (see
 * `heapUsage`). Renderings are in circuit-profile.ts.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { jsonProfile, zipProfile } from './circuit-profile.js';
import type { Controller } from './controller.js';

/**
 * What Sluice gives in place of Feldera's heap profile (a pprof protobuf of jemalloc's
 * sampling): V8's heap statistics and per-space statistics and the process's memory usage, in
 * bytes. A V8 heap snapshot would stop the process for seconds and be hundreds of megabytes
 * for a large state, so the bundle does not take one.
 */
export function heapUsage(): Record<string, unknown> {
  return {
    format: 'sluice-v8-heap-statistics',
    process_memory_usage: process.memoryUsage(),
    heap_statistics: getHeapStatistics(),
    heap_spaces: getHeapSpaceStatistics(),
  };
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((part) => part.trim().split(';'))
    .some(
      ([coding, ...params]) =>
        coding?.trim().toLowerCase() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)),
    );
}

export async function profileRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  app.get('/circuit_json_profile', async (request, reply) => {
    const json = Buffer.from(JSON.stringify(jsonProfile(controller.dataPlane.circuit.profile())));
    reply.header('content-type', 'application/json');
    if (acceptsGzip(request.headers['accept-encoding'])) {
      reply.header('content-encoding', 'gzip');
      return reply.send(gzipSync(json));
    }
    reply.header('content-encoding', 'identity');
    return reply.send(json);
  });

  app.get('/circuit_profile', async (_request, reply) => {
    const zip = zipProfile(controller.dataPlane.circuit.profile());
    reply.header('content-type', 'application/zip');
    // A zip is compressed already; saying so keeps proxies from compressing it again.
    reply.header('content-encoding', 'identity');
    return reply.send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
  });

  app.get('/heap_usage', async () => heapUsage());
}
