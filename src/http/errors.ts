/**
 * One error handler for every Fastify server in Sluice (manager and pipeline process).
 *
 * Whatever goes wrong, the client receives `{message, error_code, details}`: our own
 * `ApiError`s keep their code; Fastify's schema-validation, JSON-parse, body-size and
 * media-type errors are mapped to registered codes; unknown routes answer `NotFound`; and
 * anything else becomes `InternalError` with the stack logged, never sent.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, type ErrorCode } from '../types/errors.js';
import { fieldProblems } from './validation-message.js';

/**
 * The code of a body that fails its schema: Feldera names a malformed `runtime_config` or
 * `program_config` with that config's own code, anything else is `InvalidRequest`.
 */
function bodyErrorCode(where: string, paths: string[]): ErrorCode {
  if (where !== 'body' || paths.length === 0) return 'InvalidRequest';
  for (const [prefix, code] of [
    ['/runtime_config', 'InvalidRuntimeConfig'],
    ['/program_config', 'InvalidProgramConfig'],
  ] as const) {
    if (paths.every((p) => p === prefix || p.startsWith(`${prefix}/`))) return code;
  }
  return 'InvalidRequest';
}

function fromFastifyError(err: FastifyError): ApiError | null {
  if (err.validation) {
    const where = err.validationContext ?? 'request';
    const problems = fieldProblems(err.validation as Parameters<typeof fieldProblems>[0]);
    const code = bodyErrorCode(
      where,
      problems.map((p) => p.path),
    );
    // A body field is named by its dotted path (`runtime_config.workers`), as the semantic
    // checks name it; a query or path parameter by where it came from.
    const named = problems.map((p) => {
      const field = where === 'body' ? p.field || 'request body' : `${where}${p.field ? ` ${p.field}` : ''}`;
      return `${field}: ${p.message}`;
    });
    return new ApiError(code, `Invalid ${named.join('; ')}`, { context: where, errors: problems });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('InvalidJson', `Request body is not valid JSON: ${err.message}`, {});
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PayloadTooLarge', 'Request body is too large', {});
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UnsupportedMediaType', err.message, {});
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('InvalidRequest', err.message, {});
    default:
      break;
  }
  if (err instanceof SyntaxError && err.message.includes('JSON')) {
    return new ApiError('InvalidJson', `Request body is not valid JSON: ${err.message}`, {});
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new ApiError('InvalidRequest', err.message, {}, err.statusCode);
  }
  return null;
}

/**
 * Answers errors Node's HTTP parser raises before a request reaches Fastify (a URL or headers
 * over the size limit, a malformed request line) in the same JSON shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (!socket.writable) return;
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    message: tooLarge ? 'Request line or headers are too large' : 'Malformed HTTP request',
    error_code: tooLarge ? 'RequestHeaderTooLarge' : 'InvalidRequest',
    details: {},
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = err instanceof ApiError ? err : fromFastifyError(err);
    if (apiError) {
      if (apiError.status >= 500) request.log.error({ err: apiError }, apiError.message);
      reply.status(apiError.status).send(apiError.toBody());
      return;
    }
    request.log.error({ err }, 'unhandled error');
    const internal = new ApiError('InternalError', `Internal error: ${err.message}`, {});
    reply.status(500).send(internal.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    const err = new ApiError('NotFound', `No route for ${request.method} ${shown}`, {
      method: request.method,
    });
    reply.status(404).send(err.toBody());
  });
}
