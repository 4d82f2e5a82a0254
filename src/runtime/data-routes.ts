/**
 * The pipeline-interaction endpoints of the data plane: `/ingress/{table}`,
 * `/egress/{view}`, `/query`, `/completion_status` and `/tables/{t}/connectors/{c}/completion_token`.
 * Query parameters and answers follow the reference; the manager proxies these paths as is.
 * `/query` applies an INSERT here and streams a SELECT's output from a query worker
 * (adhoc/service.ts); the response closing early cancels the query. A request of several
 * `;`-separated statements (adhoc/statements.ts) is checked whole before anything runs; then
 * the statements run in order and only the last one's result is sent, as in Feldera.
 *
 * `/ingress` answers 200 with a completion token once the whole body is validated (in slices
 * that yield the event loop), admitted against `max_queued_records` and queued: before any
 * step processes it, as Feldera answers once the data is ingested. A body with bad records
 * is answered 400 `ParseErrors` listing them, after its good records were queued if it is
 * newline-delimited (JSON or CSV), with nothing queued if it is a JSON array (Feldera's
 * behaviour; data-plane.ts `ingest`). Each table and format configuration is one HTTP input
 * connector in `/stats` (http-input.ts). A large request is then
 * processed over several steps of at most `max_batch_size` records, each decoding its rows
 * from the queued body text (data-plane.ts);
 * `/completion_status` with its token says when the last of them is done.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../types/errors.js';
import { adHocLimits } from './adhoc/limits.js';
import { contentType, isBinaryFormat, loadBinaryFormats, wholeOutput } from './adhoc/output.js';
import { AD_HOC_FORMATS, type AdHocFormat } from './adhoc/protocol.js';
import { AdHocQueries } from './adhoc/service.js';
import { splitStatements } from './adhoc/statements.js';
import type { Controller } from './controller.js';
import type { UpdateFormat } from './formats/ingress.js';

const IngressQuery = T.Object({
  format: T.Optional(T.String()),
  update_format: T.Optional(T.String()),
  array: T.Optional(T.Boolean()),
  force: T.Optional(T.Boolean()),
  json_flavor: T.Optional(T.String()),
});
const EgressQuery = T.Object({
  format: T.Optional(T.String()),
  array: T.Optional(T.Boolean()),
  backpressure: T.Optional(T.Boolean()),
  send_snapshot: T.Optional(T.Boolean()),
});
const QueryQuery = T.Object({ sql: T.String(), format: T.Optional(T.String()) });
const TokenQuery = T.Object({ token: T.String() });
const NameParams = T.Object({ table_name: T.String() });
const ConnectorParams = T.Object({ table_name: T.String(), connector_name: T.String() });

function formatParam(value: string | undefined, allowed: string[], fallback?: string): string {
  const v = (value ?? fallback ?? '').toLowerCase();
  if (!allowed.includes(v)) {
    throw new ApiError(
      'InvalidFormat',
      value === undefined
        ? `Missing 'format' parameter: use one of ${allowed.join(', ')}`
        : `Unsupported format '${value.slice(0, 50)}': use one of ${allowed.join(', ')}`,
      { format: value ?? null, supported: allowed },
    );
  }
  return v;
}

/**
 * Feldera's `format=hash` answers a SHA-256 digest of the result set whose exact input (the
 * Arrow IPC schema bytes, DataFusion's per-row ahash values, how rows combine) changes between
 * Feldera versions; Sluice does not yet reproduce 0.312's digest bit for bit, and a digest
 * that differs from Feldera's would be a wrong answer, so the format is refused.
 */
function hashRefused(): ApiError {
  return new ApiError(
    'InvalidFormat',
    `Unsupported format 'hash': Sluice cannot yet compute Feldera's result-set digest; use one of ${AD_HOC_FORMATS.join(', ')} (arrow_ipc or parquet to compare results exactly)`,
    { format: 'hash', supported: [...AD_HOC_FORMATS] },
  );
}

export async function dataRoutes(app: FastifyInstance, controller: Controller): Promise<void> {
  // Bodies stay bytes: the ingress decoder checks that they are UTF-8 (a string parser would
  // turn invalid bytes into U+FFFD without a word).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(
    '/ingress/:table_name',
    { schema: { params: NameParams, querystring: IngressQuery } },
    async (request, reply) => {
      const { table_name } = request.params as Static<typeof NameParams>;
      const q = request.query as Static<typeof IngressQuery>;
      const plane = controller.dataPlane;
      plane.relation(table_name, 'table');
      // Feldera's default format is CSV.
      const format = formatParam(q.format, ['json', 'csv'], 'csv') as 'json' | 'csv';
      const updateFormat = formatParam(
        q.update_format,
        ['insert_delete', 'raw', 'weighted', 'debezium'],
        'insert_delete',
      );
      // Of 0.312's flavors, Sluice reads the default one and `pandas` (the SDK's DataFrames);
      // reading another flavor's encoding as the default would ingest wrong values.
      const jsonFlavor = formatParam(q.json_flavor, ['default', 'pandas'], 'default');
      if (controller.runtimeStatus !== 'Running' && !q.force) {
        throw new ApiError(
          'PipelinePaused',
          controller.runtimeStatus === 'Replaying'
            ? 'Pipeline is replaying its journal (input acknowledged before it stopped): data was not ingested. Push again once it runs, or push with force=true to queue the data after the replayed input.'
            : `Pipeline is ${controller.runtimeStatus.toLowerCase()}: data was not ingested. Resume it, or push with force=true to buffer the data until it resumes.`,
          { runtime_status: controller.runtimeStatus },
        );
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      // A request that waits for room in the input queue is dropped if its client goes away.
      const clientGone = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) clientGone.abort();
      };
      reply.raw.on('close', onClose);
      try {
        const { token } = await plane.ingest(
          table_name,
          body,
          {
            format,
            updateFormat: updateFormat as UpdateFormat,
            array: q.array ?? false,
            ...(jsonFlavor === 'pandas' ? { jsonFlavor: 'pandas' as const } : {}),
          },
          clientGone.signal,
        );
        return { token };
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );

  app.post(
    '/egress/:table_name',
    { schema: { params: NameParams, querystring: EgressQuery } },
    async (request, reply) => {
      const { table_name } = request.params as Static<typeof NameParams>;
      const q = request.query as Static<typeof EgressQuery>;
      const format = formatParam(q.format, ['json', 'csv'], 'json') as 'json' | 'csv';
      const sub = controller.dataPlane.subscribe(
        table_name,
        { format, backpressure: q.backpressure ?? false },
        q.send_snapshot ?? false,
      );
      reply.raw.on('close', () => sub.stream.destroy());
      // Send the headers now: the first chunk may be a long time coming.
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': format === 'csv' ? 'text/csv' : 'application/json' });
      reply.raw.flushHeaders();
      sub.stream.pipe(reply.raw);
      return reply;
    },
  );

  // Created with the first SELECT: the data plane (and its log) exists by then.
  let adhoc: AdHocQueries | null = null;
  app.get('/query', { schema: { querystring: QueryQuery } }, async (request, reply) => {
    const q = request.query as Static<typeof QueryQuery>;
    if (q.format?.toLowerCase() === 'hash') throw hashRefused();
    const format = formatParam(q.format, [...AD_HOC_FORMATS], 'text') as AdHocFormat;
    const plane = controller.dataPlane;
    const statements = splitStatements(q.sql);
    for (const sql of statements) plane.checkQuery(sql);
    const last = statements.pop() ?? q.sql;
    for (const sql of statements) await plane.query(sql);
    const statement = await plane.query(last);
    if (statement.kind === 'insert') {
      if (isBinaryFormat(format)) await loadBinaryFormats();
      reply.header('content-type', contentType(format));
      return wholeOutput(format, statement.result.columns, statement.result.rows);
    }
    adhoc ??= new AdHocQueries(
      { programCode: controller.config.programCode },
      adHocLimits(controller.config.runtimeConfig as Record<string, unknown>, (m) => plane.log.warn(m)),
      plane.log,
    );
    const run = adhoc.start(last, format, statement.capture);
    // Also fires when the response has been sent; then the query has ended and this does nothing.
    reply.raw.on('close', () => run.cancel('the client disconnected'));
    if (request.raw.socket.destroyed) run.cancel('the client disconnected');
    await run.ready;
    reply.header('content-type', contentType(format));
    return reply.send(run.output);
  });

  app.get('/completion_status', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const { token } = request.query as Static<typeof TokenQuery>;
    const status = controller.dataPlane.completionStatus(token);
    reply.status(status.status === 'complete' ? 200 : 202);
    return status;
  });

  app.get(
    '/tables/:table_name/connectors/:connector_name/completion_token',
    { schema: { params: ConnectorParams } },
    async (request) => {
      const { table_name, connector_name } = request.params as Static<typeof ConnectorParams>;
      const plane = controller.dataPlane;
      const table = plane.relation(table_name, 'table');
      const known =
        plane.httpInputs.find(table.name, connector_name) !== undefined ||
        controller.connectors.inputEndpoint(table.name, connector_name) !== undefined;
      if (!known) {
        const http = plane.httpInputs
          .list()
          .filter((e) => e.table === table.name)
          .map((e) => `'${e.connectorName}'`);
        throw new ApiError(
          'UnknownInputEndpoint',
          `Table '${table.name}' has no input connector '${connector_name.slice(0, 100)}'${http.length > 0 ? ` (its HTTP input connectors: ${http.join(', ')})` : ''}`,
          { table: table.name, connector: connector_name.slice(0, 100) },
        );
      }
      return { token: plane.currentToken() };
    },
  );
}
