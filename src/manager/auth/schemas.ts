/**
 * Wire schemas of the authentication endpoints, after Feldera's v0.312 OpenAPI document
 * (`NewApiKeyRequest`, `NewApiKeyResponse`, `ApiKeyDescr`, `AuthProvider`).
 *
 * TypeBox gives the request validation, the TypeScript types and the OpenAPI document from
 * one definition. Unknown request fields are accepted and ignored, as Feldera does.
 */
import { type Static, Type as T } from '@sinclair/typebox';

/** Name of the bearer security scheme in the OpenAPI document (Feldera's name). */
export const SECURITY_SCHEME = 'JSON web token (JWT) or API key';

/** `security` of every endpoint that needs a credential when authentication is on. */
export const BEARER_SECURITY = [{ [SECURITY_SCHEME]: [] }];

const ApiPermissionSchema = T.Union([T.Literal('Read'), T.Literal('Write')], {
  description: 'Permission types for invoking API endpoints.',
});
const ApiKeyIdSchema = T.String({ format: 'uuid', description: 'API key identifier.' });

export const NewApiKeyRequestSchema = T.Object(
  { name: T.String({ description: 'Key name.', examples: ['my-api-key'] }) },
  { description: 'Request to create a new API key.' },
);
export type NewApiKeyRequest = Static<typeof NewApiKeyRequestSchema>;

export const NewApiKeyResponseSchema = T.Object(
  {
    id: ApiKeyIdSchema,
    name: T.String({ description: 'API key name provided by the user.' }),
    api_key: T.String({
      description:
        'Generated secret API key. There is no way to retrieve this key again through the API, so store it securely.',
    }),
  },
  { description: 'Response to a successful API key creation.' },
);
export type NewApiKeyResponse = Static<typeof NewApiKeyResponseSchema>;

export const ApiKeyDescrSchema = T.Object(
  { id: ApiKeyIdSchema, name: T.String(), scopes: T.Array(ApiPermissionSchema) },
  { description: 'API key descriptor.' },
);
export type ApiKeyDescr = Static<typeof ApiKeyDescrSchema>;

export const ApiKeyNameParamsSchema = T.Object({
  api_key_name: T.String({ description: 'Unique API key name' }),
});

export const ProviderGenericOidcSchema = T.Object({
  issuer: T.String(),
  client_id: T.String(),
  extra_oidc_scopes: T.Array(T.String()),
});

/** `GET /config/authentication`: the OIDC provider, or `{}` when there is none to log in with. */
export const AuthProviderResponseSchema = T.Union([
  T.Object({ GenericOidc: ProviderGenericOidcSchema }),
  T.Object({}),
]);
export type AuthProviderResponse = Static<typeof AuthProviderResponseSchema>;
