/**
 * Pipeline-interaction endpoints, proxied to the pipeline's own process.
 *
 * The process serves the same paths (after `/v0/pipelines/{name}`); the manager checks that
 * the pipeline is deployed, then streams the request body in and the response body out
 * without buffering, so ingress of large files and long-lived egress streams cost the
 * manager no memory. A pipeline that is not running or paused answers
 * `PipelineInteractionNotDeployed`; one whose process does not answer,
 * `PipelineInteractionUnreachable`, both 503 in the reference's shape.
 *
 * Streaming bypasses Fastify's body limit, so the proxy keeps `--body-limit` itself: a body
 * whose `Content-Length` is over it is refused before anything is sent to the process, and a
 * chunked body is counted as it streams; once over the limit the request to the process is
 * aborted mid-body (the process parses a body only once it is complete, so it ingests
 * nothing) and the client gets 413 `PayloadTooLarge` (see `payloadTooLarge` for how the rest
 * of its body is handled).
 */

import { Transform } from 'node:stream';
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../types/errors.js';
import type { ManagerContext } from '../app.js';
import type { PipelineRecord } from '../store/types.js';
import { getPipelineOr404 } from './pipelines.js';

interface ProxiedRoute {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  /** How long to wait for the response headers. */
  timeoutMs?: number;
  /** The OpenAPI tag, when Feldera files the endpoint elsewhere than 'Pipeline Interaction'. */
  tag?: string;
}

const LONG = 60 * 60 * 1000;

/** The endpoints forwarded to the pipeline process; later issues add to this list. */
export const PROXIED_ROUTES: ProxiedRoute[] = [
  { method: 'GET', path: '/stats', summary: 'Get Pipeline Stats' },
  { method: 'GET', path: '/metrics', summary: 'Get Pipeline Metrics' },
  { method: 'GET', path: '/time_series', summary: 'Get Time Series Stats', tag: 'Metrics & Debugging' },
  {
    method: 'GET',
    path: '/time_series_stream',
    summary: 'Stream Time Series',
    timeoutMs: LONG,
    tag: 'Metrics & Debugging',
  },
  { method: 'POST', path: '/ingress/:table_name', summary: 'Push data into a table', timeoutMs: LONG },
  {
    method: 'POST',
    path: '/egress/:table_name',
    summary: 'Subscribe to a stream of updates',
    timeoutMs: LONG,
  },
  { method: 'GET', path: '/query', summary: 'Execute an ad-hoc SQL query', timeoutMs: LONG },
  { method: 'GET', path: '/completion_status', summary: 'Check the completion status of a token' },
  {
    method: 'GET',
    path: '/tables/:table_name/connectors/:connector_name/completion_token',
    summary: 'Generate a completion token for an input connector',
  },
  {
    method: 'GET',
    path: '/tables/:table_name/connectors/:connector_name/stats',
    summary: 'Get Input Status',
  },
  {
    method: 'POST',
    path: '/tables/:table_name/connectors/:connector_name/:action',
    summary: 'Control Input Connector',
  },
  {
    method: 'GET',
    path: '/views/:view_name/connectors/:connector_name/stats',
    summary: 'Get Output Status',
  },
  { method: 'POST', path: '/checkpoint', summary: 'Checkpoint Pipeline' },
  { method: 'GET', path: '/checkpoint_status', summary: 'Get Checkpoint Status' },
  { method: 'POST', path: '/start_transaction', summary: 'Begin Transaction' },
  { method: 'POST', path: '/commit_transaction', summary: 'Commit Transaction' },
  { method: 'POST', path: '/start_compaction', summary: 'Initiate compaction.' },
  { method: 'GET', path: '/checkpoints', summary: 'List local checkpoints' },
  { method: 'POST', path: '/checkpoint/sync', summary: 'Sync Checkpoint to object store', timeoutMs: LONG },
  { method: 'GET', path: '/checkpoint/sync_status', summary: 'Get Checkpoint Sync Status' },
  { method: 'GET', path: '/circuit_profile', summary: 'Get Performance Profile', timeoutMs: 120_000 },
  { method: 'GET', path: '/circuit_json_profile', summary: 'Performance Profile JSON', timeoutMs: 120_000 },
  // Feldera files these under 'Metrics & Debugging'; the process takes the profile
  // (src/runtime/samply-routes.ts).
  { method: 'POST', path: '/samply_profile', summary: 'Start a Samply profile', tag: 'Metrics & Debugging' },
  { method: 'GET', path: '/samply_profile', summary: 'Get Samply Profile', tag: 'Metrics & Debugging' },
  {
    method: 'GET',
    path: '/checkpoints/remote',
    summary: 'List checkpoints in the object store',
    timeoutMs: 120_000,
  },
];

const ProxyParams = T.Object({ pipeline_name: T.String() }, { additionalProperties: true });

/** Headers that describe one hop of a connection and must not be forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'content-length',
]);

/** Raised inside the body stream when it passes the limit. */
class BodyOverLimit extends Error {}

/**
 * The 413 for a body over `limit`. A client is typically still sending when it comes, and one
 * whose connection is closed under it may never read the answer (a write error first), so the
 * rest of the body is read and dropped, up to twice the limit; a client that sends more than
 * that is disconnected, and one that declared more than that is told the connection closes.
 */
function payloadTooLarge(request: FastifyRequest, reply: FastifyReply, limit: number): ApiError {
  const raw = request.raw;
  if (Number(request.headers['content-length']) > 2 * limit) {
    reply.header('connection', 'close');
  } else {
    let dropped = 0;
    raw.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > 2 * limit) raw.destroy();
    });
    raw.resume();
  }
  return new ApiError('PayloadTooLarge', `Request body is larger than the limit of ${limit} bytes`, {
    limit_bytes: limit,
  });
}

/** `source` passed through, failing with `BodyOverLimit` once more than `limit` bytes went by. */
function limitBody(source: NodeJS.ReadableStream, limit: number): NodeJS.ReadableStream {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new BodyOverLimit());
      else callback(null, chunk);
    },
  });
  source.on('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}

function deployedOrThrow(rec: PipelineRecord, method: string, requestPath: string): void {
  const runtime = rec.deployment_runtime_status;
  if (rec.deployment_resources_status === 'Provisioned' && runtime === 'Unavailable') {
    throw new ApiError(
      'PipelineInteractionUnreachable',
      `Unable to interact with pipeline '${rec.name}': its process is not answering`,
      {
        pipeline_name: rec.name,
        request: requestPath,
        error:
          "deployment status is currently 'unavailable' -- wait for it to become 'running' or 'paused' again",
      },
    );
  }
  const interactive =
    rec.deployment_resources_status === 'Provisioned' &&
    (runtime === 'Running' ||
      runtime === 'Paused' ||
      runtime === 'Replaying' ||
      (method === 'GET' && runtime === 'Standby'));
  if (!interactive || rec.deployment_location?.port == null) {
    throw new ApiError(
      'PipelineInteractionNotDeployed',
      `Unable to interact with pipeline '${rec.name}' because it is not deployed (status: ${rec.deployment_status}, desired: ${rec.deployment_desired_status}). Start it with '/start' and wait for it to be running or paused.`,
      {
        pipeline_name: rec.name,
        status: rec.deployment_status,
        desired_status: rec.deployment_desired_status,
      },
    );
  }
}

export async function pipelineInteractionRoutes(app: FastifyInstance, ctx: ManagerContext): Promise<void> {
  // Bodies are passed through as streams, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  async function forward(
    route: ProxiedRoute,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const { pipeline_name } = request.params as Static<typeof ProxyParams>;
    const rec = await ctx.store.transaction((tx) => getPipelineOr404(tx, pipeline_name));
    const prefix = `/v0/pipelines/${encodeURIComponent(pipeline_name)}`;
    const [rawPath = '', query] = request.url.split('?', 2);
    const processPath = rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : rawPath;
    deployedOrThrow(rec, route.method, processPath);
    const location = rec.deployment_location;
    if (!location) throw new Error('deployed pipeline without a location');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (typeof v === 'string' && !HOP_BY_HOP.has(k)) headers[k] = v;
    }
    const limit = ctx.config.bodyLimitBytes;
    let body: NodeJS.ReadableStream | undefined;
    if (route.method === 'POST' && request.body) {
      if (Number(request.headers['content-length']) > limit) throw payloadTooLarge(request, reply, limit);
      body = limitBody(request.body as NodeJS.ReadableStream, limit);
    }
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    let response: Awaited<ReturnType<typeof ctx.runner.executor.request>>;
    try {
      response = await ctx.runner.executor.request(location, route.method, processPath, {
        query,
        headers,
        body,
        timeoutMs: route.timeoutMs ?? 30_000,
        signal: abort.signal,
      });
    } catch (err) {
      if (err instanceof BodyOverLimit) throw payloadTooLarge(request, reply, limit);
      throw new ApiError(
        'PipelineInteractionUnreachable',
        `Error sending HTTP request to pipeline '${rec.name}': ${(err as Error).message}`,
        { pipeline_name: rec.name, request: processPath, error: (err as Error).message },
      );
    }
    // Headers go out at once (a stream such as egress may not produce its first byte for a
    // long time), then the body is piped through as it arrives.
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(response.headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k)) responseHeaders[k] = v;
    }
    reply.hijack();
    reply.raw.writeHead(response.status, responseHeaders);
    reply.raw.flushHeaders();
    response.body.on('error', () => reply.raw.destroy());
    response.body.pipe(reply.raw);
    return reply;
  }

  for (const route of PROXIED_ROUTES) {
    app.route({
      method: route.method,
      url: `/v0/pipelines/:pipeline_name${route.path}`,
      schema: {
        tags: [route.tag ?? 'Pipeline Interaction'],
        summary: route.summary,
        params: ProxyParams,
      },
      handler: (request, reply) => forward(route, request, reply),
    });
  }
}
