/**
 * Request validation shared by the Fastify servers: query strings and path parameters are
 * coerced (`?force=true` is a boolean), request bodies are not (`{"name": 42}` is a type
 * error, not the string "42"). Fastify's single Ajv instance cannot do both, so each part of
 * the request gets its own.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
} from 'fastify';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
    // Errors carry the schema and the value they concern: validation-message.ts describes the
    // schema a field had to match instead of listing every union branch that failed.
    verbose: true,
  });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

/** Installs the validator compiler on `app`. */
export function installValidation(app: FastifyInstance): void {
  const coercing = makeAjv(true);
  const strict = makeAjv(false);
  const compiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
  app.setValidatorCompiler(compiler);
}

/**
 * Fastify's router errors (a path segment over the length limit, a malformed URL) in the
 * shape of every other error.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  reply.status(tooLong ? 414 : 400).send({
    message: tooLong ? 'A path segment is longer than 1024 characters' : 'The URL is not valid',
    error_code: tooLong ? 'UriTooLong' : 'InvalidRequest',
    details: {},
  });
}
