import type { JsonSchema } from './json-schema';

/** `#/components/schemas/<name>`. */
export const ref = (name: keyof typeof schemas): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const objectId = { type: 'string', pattern: '^[0-9a-f]{24}$' };
const anyObject = { type: 'object' };
/** Unix seconds. */
const seconds = { type: 'integer', description: 'Unix seconds' };

function object(properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema {
  return { type: 'object', properties, required };
}

const list = (name: keyof typeof schemas): JsonSchema => ({ type: 'array', items: ref(name) });

const identity = object(
  { id: str, provider_type: str, provider_id: str, provider_data: anyObject, imported: object({ source: str, id: str }) },
  ['id', 'provider_type'],
);

/** The shapes of the answers, named once and referenced by the routes. */
export const schemas = {
  /** Every failure Gatehouse writes (lib/http.ts, errorReply); each response narrows `error_code`. */
  Error: {
    type: 'object',
    description: 'Every failure: a message for people and the protocol code programs branch on. The status is a function of the code (lib/errors.ts).',
    properties: { error: { type: 'string', description: 'a safe message; App Services\u2019 own words where an SDK compares them' }, error_code: str },
    required: ['error', 'error_code'],
  },
  /** API Gateway's own answers (its authorizer's 401/403, its throttling's 429), not Gatehouse's. */
  GatewayError: object({ message: str }),
  Location: object({ deployment_model: { const: 'GLOBAL' }, location: str, hostname: str, ws_hostname: str }),
  AuthInfo: object(
    {
      access_token: str,
      refresh_token: { type: ['string', 'null'], description: 'absent when linking' },
      user_id: objectId,
      device_id: { ...objectId, description: '24 hex digits; all zeros for no device' },
    },
    ['access_token', 'user_id', 'device_id'],
  ),
  AccessToken: object({ access_token: str }),
  RotatedTokens: object({ access_token: str, refresh_token: str }),
  Identity: identity,
  Profile: object(
    { user_id: objectId, domain_id: str, identities: { type: 'array', items: identity }, data: anyObject, type: { enum: ['normal', 'server'] } },
    ['user_id', 'identities', 'data', 'type'],
  ),
  ApiKey: object({ _id: objectId, name: str, disabled: bool }),
  ApiKeyCreated: object({ _id: objectId, key: { type: 'string', description: 'the secret, shown only in this answer' }, name: str, disabled: bool }),
  CustomData: { type: 'object', description: 'the custom user data document' },
  OwnSession: object({ id: str, device_id: objectId, created: seconds, expires: seconds, current: bool }),
  Session: object({ id: str, device_id: objectId, created: seconds, expires: seconds }),
  AdminProfile: object({ user_id: str, domain_id: str, identities: { type: 'array', items: anyObject }, data: anyObject, type: str, roles: { type: 'array', items: object({ role_name: str, group_id: str }) } }, [
    'user_id',
    'roles',
  ]),
  App: object({
    _id: { type: 'string', description: 'the internal app id of the admin paths' },
    client_app_id: str,
    group_id: str,
    domain_id: str,
    name: str,
    location: str,
    deployment_model: str,
    last_used: int,
    last_modified: int,
    product: str,
    environment: str,
  }),
  User: object(
    { _id: objectId, identities: { type: 'array', items: identity }, type: str, creation_date: seconds, last_authentication_date: seconds, disabled: bool, data: anyObject },
    ['_id', 'identities', 'type', 'disabled', 'data'],
  ),
  Device: object({ _id: objectId, user_id: objectId, platform: str, platform_version: str, sdk_version: str, app_id: str, app_version: str, last_seen: seconds }, ['_id', 'user_id', 'last_seen']),
  PendingUser: object({ _id: str, user_id: { const: '' }, domain_id: str, login_ids: { type: 'array', items: object({ id_type: { const: 'email' }, id: str }) } }),
  ConfirmationToken: object({ token: str, token_id: str }),
  TokenClaims: {
    oneOf: [
      object({ sub: str, exp: seconds, iat: seconds, iss: str, aud: str, custom_user_data: anyObject, domain_id: str, data: anyObject, device_id: str }, ['sub', 'exp', 'iat', 'domain_id', 'device_id']),
      { const: 'token expired' },
    ],
  },
  SigningKeys: object(
    {
      keys: {
        type: 'array',
        items: object(
          { kid: str, use: str, alg: str, status: { enum: ['published', 'active', 'retiring', 'retired'] }, published_at: seconds, activates_at: seconds, retires_at: seconds, next_at: seconds, thumbprint: str },
          ['kid', 'use', 'alg', 'status'],
        ),
      },
      next_step_at: seconds,
      rotation: object({ available: bool, cache_seconds: int }),
    },
    ['keys', 'rotation'],
  ),
  Jwks: object({ keys: { type: 'array', items: { type: 'object', required: ['kty', 'kid'] } } }),
  OpenIdConfiguration: object({
    issuer: str,
    jwks_uri: str,
    response_types_supported: { type: 'array', items: str },
    subject_types_supported: { type: 'array', items: str },
    id_token_signing_alg_values_supported: { type: 'array', items: str },
    token_endpoint_auth_methods_supported: { type: 'array', items: str },
    claims_supported: { type: 'array', items: str },
  }),
  Principal: object({ userId: str, userType: str, deviceId: str, sessionId: str }),
  OpenApi: { type: 'object', description: 'this document', required: ['openapi', 'paths'] },
} satisfies Record<string, JsonSchema>;

export const lists = {
  apiKeys: list('ApiKey'),
  ownSessions: list('OwnSession'),
  sessions: list('Session'),
  apps: list('App'),
  users: list('User'),
  devices: list('Device'),
  pending: list('PendingUser'),
};
