/**
 * API keys in the metadata store: issuing, looking up by name, and authenticating a bearer
 * token.
 *
 * Issuing is a function of the store rather than of the HTTP route so that an operator tool
 * can create the first key of a manager that accepts only API keys. Authentication looks the
 * key up by its hash on every request, so a deleted key stops working with the next request.
 * Every key carries both scopes: Sluice has no per-key permissions yet.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../types/errors.js';
import { validateName } from '../pipelines/names.js';
import type { ApiKeyRecord, MetadataStore, StoreTx } from '../store/types.js';
import { generateApiKey, hashApiKey } from './api-key-secret.js';
import { AuthenticationError } from './authentication-error.js';
import type { ApiKeyDescr, NewApiKeyResponse } from './schemas.js';

/** The public description of a stored key. */
export function describeApiKey(record: ApiKeyRecord): ApiKeyDescr {
  return { id: record.id, name: record.name, scopes: record.scopes };
}

/** Creates a key named `name` and returns it with its secret, which is not kept. */
export async function issueApiKey(store: MetadataStore, name: string): Promise<NewApiKeyResponse> {
  validateName(name);
  const apiKey = generateApiKey();
  const record: ApiKeyRecord = {
    id: randomUUID(),
    name,
    hash: hashApiKey(apiKey),
    scopes: ['Read', 'Write'],
    created_at: new Date().toISOString(),
  };
  await store.transaction(async (tx) => {
    if (await tx.getApiKeyByName(name)) {
      throw new ApiError('DuplicateName', 'An entity with this name already exists', { name });
    }
    await tx.insertApiKey(record);
  });
  return { id: record.id, name, api_key: apiKey };
}

/** The key named `name`, or `UnknownApiKey`. */
export async function getApiKeyOr404(tx: StoreTx, name: string): Promise<ApiKeyRecord> {
  const record = await tx.getApiKeyByName(name);
  if (!record) throw new ApiError('UnknownApiKey', `Unknown API key '${name}'`, { name });
  return record;
}

/** The stored key whose secret `token` is; rejects with an `AuthenticationError` if there is none. */
export async function authenticateApiKey(store: MetadataStore, token: string): Promise<ApiKeyRecord> {
  const record = await store.transaction((tx) => tx.getApiKeyByHash(hashApiKey(token)));
  if (!record) {
    throw new AuthenticationError('UnknownApiKey', 'Unknown API key: it does not exist or was deleted');
  }
  return record;
}
