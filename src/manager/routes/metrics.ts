/**
 * `GET /v0/metrics`: Prometheus text with the manager's own metrics (prom-client) followed
 * by the metrics of every deployed pipeline, each fetched from its process and labelled
 * with the pipeline name. Pipelines that do not answer are left out, as the reference says.
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ManagerContext } from '../app.js';

async function readBody(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Adds `pipeline="name"` to every sample line of a Prometheus text body. */
export function labelSamples(text: string, pipeline: string): string {
  const label = `pipeline="${pipeline.replace(/["\\\n]/g, '_')}"`;
  return text
    .split('\n')
    .map((line) => {
      if (line === '' || line.startsWith('#')) return line;
      const brace = line.indexOf('{');
      const space = line.indexOf(' ');
      if (brace >= 0 && brace < space) return `${line.slice(0, brace + 1)}${label},${line.slice(brace + 1)}`;
      return `${line.slice(0, space)}{${label}}${line.slice(space)}`;
    })
    .join('\n');
}

export async function metricsRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_manager_' });
  const byStatus = new Gauge({
    name: 'sluice_pipelines',
    help: 'Number of pipelines by deployment status',
    labelNames: ['deployment_status'],
    registers: [registry],
  });

  app.get(
    '/v0/metrics',
    { schema: { tags: ['Metrics & Debugging'], summary: 'Get Metrics' } },
    async (_request, reply) => {
      const pipelines = await ctx.store.transaction((tx) => tx.listPipelines());
      byStatus.reset();
      for (const p of pipelines) byStatus.inc({ deployment_status: p.deployment_status });
      const parts = [await registry.metrics()];
      const deployed = pipelines.filter(
        (p) => p.deployment_resources_status === 'Provisioned' && p.deployment_location?.port != null,
      );
      const fetched = await Promise.all(
        deployed.map(async (p) => {
          try {
            const res = await ctx.runner.executor.request(p.deployment_location!, 'GET', '/metrics', {
              timeoutMs: 2000,
            });
            const text = await readBody(res.body);
            return res.status === 200 ? labelSamples(text, p.name) : '';
          } catch {
            return '';
          }
        }),
      );
      parts.push(...fetched.filter((t) => t.length > 0));
      reply.header('content-type', registry.contentType);
      return parts.join('\n');
    },
  );
}
