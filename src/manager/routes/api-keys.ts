/**
 * API keys: `GET/POST /v0/api_keys`, `GET/DELETE /v0/api_keys/{api_key_name}`.
 *
 * The secret is returned once, by the POST that creates it; the store keeps only its hash,
 * so no endpoint can show it again. Deleting a key also cuts the responses still streaming
 * under it (auth/authenticated-responses.ts). Names follow the pipeline name rules, checked
 * on every endpoint, so an over-long or malformed name in the path gets the same clear 400 as
 * in a body.
 */
import { type Static, Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ManagerContext } from '../app.js';
import { describeApiKey, getApiKeyOr404, issueApiKey } from '../auth/api-keys.js';
import {
  ApiKeyDescrSchema,
  ApiKeyNameParamsSchema,
  BEARER_SECURITY,
  NewApiKeyRequestSchema,
  NewApiKeyResponseSchema,
} from '../auth/schemas.js';
import { validateName } from '../pipelines/names.js';

/** Registers the API key endpoints. */
export async function apiKeyRoutes(
  app: FastifyInstance,
  ctx: Pick<ManagerContext, 'store' | 'responses'>,
): Promise<void> {
  const { store, responses } = ctx;
  const common = { tags: ['Platform'], security: BEARER_SECURITY };

  app.get(
    '/v0/api_keys',
    {
      schema: {
        ...common,
        summary: 'List API Keys',
        description: 'Retrieve a list of your API keys.',
        operationId: 'list_api_keys',
        response: { 200: T.Array(ApiKeyDescrSchema) },
      },
    },
    async () => {
      const records = await store.transaction((tx) => tx.listApiKeys());
      return records.map(describeApiKey);
    },
  );

  app.post(
    '/v0/api_keys',
    {
      schema: {
        ...common,
        summary: 'Create API Key',
        description:
          'Create a new API key with the specified name. The generated API key will be returned in the response and cannot be retrieved again later.',
        operationId: 'post_api_key',
        body: NewApiKeyRequestSchema,
        response: { 201: NewApiKeyResponseSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.body as Static<typeof NewApiKeyRequestSchema>;
      const created = await issueApiKey(store, name);
      // The body holds a secret: no cache along the way may keep it.
      reply.status(201).header('Cache-Control', 'no-store');
      return created;
    },
  );

  app.get(
    '/v0/api_keys/:api_key_name',
    {
      schema: {
        ...common,
        summary: 'Get API Key',
        description: 'Retrieve the metadata of a specific API key by its name.',
        operationId: 'get_api_key',
        params: ApiKeyNameParamsSchema,
        response: { 200: ApiKeyDescrSchema },
      },
    },
    async (request) => {
      const { api_key_name } = request.params as Static<typeof ApiKeyNameParamsSchema>;
      validateName(api_key_name);
      return describeApiKey(await store.transaction((tx) => getApiKeyOr404(tx, api_key_name)));
    },
  );

  app.delete(
    '/v0/api_keys/:api_key_name',
    {
      schema: {
        ...common,
        summary: 'Delete API Key',
        description: 'Remove an API key by its name.',
        operationId: 'delete_api_key',
        params: ApiKeyNameParamsSchema,
      },
    },
    async (request, reply) => {
      const { api_key_name } = request.params as Static<typeof ApiKeyNameParamsSchema>;
      validateName(api_key_name);
      const id = await store.transaction(async (tx) => {
        const record = await getApiKeyOr404(tx, api_key_name);
        await tx.deleteApiKey(record.id);
        return record.id;
      });
      // Streams opened with the key (egress, logs) end with it, not when they please.
      responses.revokeApiKey(id, reply.raw);
      return reply.status(200).send();
    },
  );
}
