/**
 * `GET /v0/pipelines/{name}/logs`: the pipeline's log as a text stream.
 *
 * It first catches up with the tail of the log file (bounded in bytes), then follows the file
 * and sends new lines as they are written, until the client goes away or the pipeline is
 * deleted. Following polls the file size: that works the same for lines from the process and
 * from the runner, and across manager restarts.
 */
import { existsSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ManagerContext } from '../app.js';
import { readRange, readTail } from '../runner/pipeline-log.js';
import { getPipelineOr404, PipelineNameParams } from './pipelines.js';

const CATCH_UP_BYTES = 1024 * 1024;
const FOLLOW_INTERVAL_MS = 200;
const EXISTS_CHECK_EVERY = 10;

export async function logsRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  app.get(
    '/v0/pipelines/:pipeline_name/logs',
    {
      schema: { tags: ['Pipeline Interaction'], summary: 'Stream Pipeline Logs', params: PipelineNameParams },
    },
    async (request, reply) => {
      const { pipeline_name } = request.params as Static<typeof PipelineNameParams>;
      const rec = await ctx.store.transaction((tx) => getPipelineOr404(tx, pipeline_name));
      const path = ctx.runner.logPath(rec.id);
      const out = new PassThrough();
      const { text, endOffset } = readTail(path, CATCH_UP_BYTES);
      out.write(text);
      let offset = endOffset;
      let ticks = 0;
      const timer = setInterval(async () => {
        ticks += 1;
        if (ticks % EXISTS_CHECK_EVERY === 0) {
          const still = await ctx.store.transaction((tx) => tx.getPipelineById(rec.id));
          if (!still) {
            stop();
            return;
          }
        }
        if (!existsSync(path)) return;
        const size = statSync(path).size;
        if (size < offset) offset = 0; // rotated: start over from the beginning of the new file
        if (size > offset) {
          out.write(readRange(path, offset, size));
          offset = size;
        }
      }, FOLLOW_INTERVAL_MS);
      const stop = () => {
        clearInterval(timer);
        out.end();
      };
      reply.raw.on('close', stop);
      // Headers go out now: a pipeline that never started has no log yet, and a client must
      // not wait for its first line to learn that the stream is open (Feldera answers at once).
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      reply.raw.flushHeaders();
      out.pipe(reply.raw);
      return reply;
    },
  );
}
