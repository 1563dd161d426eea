import type { ErrorCode } from '../errors';
import { schemas as bodies } from '../schemas';
import { lists, ref } from './components';
import type { Method, Route, Success } from './operations';

const ADMIN = '/api/admin/v3.0';
const APP = `${ADMIN}/groups/{groupId}/apps/{appId}`;

const done: Success = { status: 204, description: 'done, no body' };
const page = { limit: '1 to 100, default 50', after: 'the last id of the previous page' };

/** A route of one app (`{groupId}` and `{appId}` must name this project and app: NotFound otherwise). */
const app = (method: Method, path: string, summary: string, ok: Success, errors: readonly ErrorCode[] = [], extra: Partial<Route> = {}): Route => ({
  method,
  path: `${APP}${path}`,
  summary,
  token: 'admin',
  ok,
  errors: ['NotFound', ...errors],
  ...extra,
});

const json = (status: number, description: string, schema: Success['schema']): Success => ({ status, description, schema });

/** The admin API (`/api/admin/v3.0`, protocol §14), on the admin API's own host. */
export const adminRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: `${ADMIN}/auth/providers/{provider}/login`,
    summary: 'Operator login: `mongodb-cloud` with {username, apiKey}, or `local-userpass` with {username, password}',
    body: bodies.adminLogin,
    ok: json(200, 'admin tokens', ref('AuthInfo')),
    errors: ['InvalidPassword', 'TooManyRequests'],
  },
  { method: 'POST', path: `${ADMIN}/auth/session`, summary: 'A new admin access token', token: 'adminRefresh', ok: json(201, 'the access token', ref('AccessToken')), errors: [] },
  { method: 'DELETE', path: `${ADMIN}/auth/session`, summary: 'Admin logout (admin sessions are stateless: the token is only checked)', token: 'adminRefresh', ok: done, errors: [] },
  { method: 'GET', path: `${ADMIN}/auth/profile`, summary: 'The operator\u2019s profile, with roles[].group_id', token: 'admin', ok: json(200, 'the profile', ref('AdminProfile')), errors: [] },
  { method: 'GET', path: `${ADMIN}/groups/{groupId}/apps`, summary: 'The apps of the project (this one)', token: 'admin', ok: json(200, 'the apps', lists.apps), errors: [] },
  app('GET', '/users', 'Users, 50 a page in id order; or one by email or identity', json(200, 'the users', lists.users), ['InvalidParameter'], {
    query: {
      after: 'the last _id of the previous page',
      sort: '`_id` (the only order)',
      desc: '`true` for descending',
      status: '`enabled` or `disabled`',
      provider_types: 'comma-separated provider types',
      email: 'look up the email/password user of this address',
      identity: 'look up the owner of `<provider type>:<identity id>`',
    },
  }),
  app('POST', '/users', 'Create a confirmed email/password user', json(201, 'the user', ref('User')), ['AccountNameInUse', 'AuthProviderNotFound'], { body: bodies.adminUser }),
  app('POST', '/users/verify_token', 'Check a client access token', json(200, 'its claims, or "token expired"', ref('TokenClaims')), ['InvalidSession'], { body: bodies.adminToken }),
  app('GET', '/users/{userId}', 'One user', json(200, 'the user', ref('User')), ['UserNotFound']),
  app('DELETE', '/users/{userId}', 'Delete a user (sessions end at once)', done, ['UserNotFound']),
  app('PUT', '/users/{userId}/enable', 'Enable a user', done, ['UserNotFound']),
  app('PUT', '/users/{userId}/disable', 'Disable a user and end its sessions', done, ['UserNotFound']),
  app('PUT', '/users/{userId}/logout', 'End every session of a user (and with disable_api_keys, disable its API keys)', done, ['UserNotFound'], { body: bodies.adminLogout }),
  app('GET', '/users/{userId}/api_keys', 'The user\u2019s own API keys (ours)', json(200, 'the keys, never their secrets', lists.apiKeys), ['UserNotFound']),
  app('DELETE', '/users/{userId}/api_keys/{apiKeyId}', 'Delete a user\u2019s API key (ours; a server user\u2019s key is deleted on …/api_keys)', done, ['UserNotFound', 'APIKeyNotFound']),
  app('PUT', '/users/{userId}/api_keys/{apiKeyId}/enable', 'Enable a user\u2019s API key (ours)', done, ['UserNotFound', 'APIKeyNotFound']),
  app('PUT', '/users/{userId}/api_keys/{apiKeyId}/disable', 'Disable a user\u2019s API key (ours)', done, ['UserNotFound', 'APIKeyNotFound']),
  app('GET', '/users/{userId}/devices', 'The user\u2019s devices in id order', json(200, 'the devices', lists.devices), ['UserNotFound', 'InvalidParameter'], { query: page }),
  app('GET', '/users/{userId}/sessions', 'The user\u2019s live sessions, newest first (ours)', json(200, 'the sessions', lists.sessions), ['UserNotFound', 'InvalidParameter'], { query: page }),
  app('GET', '/users/{userId}/custom_data', 'The user\u2019s custom data (ours)', json(200, 'the document, {} when none', ref('CustomData')), ['UserNotFound']),
  app('POST', '/users/by_email/{email}/send_reset', 'Mail a reset link to an account imported without its password (ours)', done, ['UserNotFound', 'AuthProviderNotFound']),
  app('GET', '/user_registrations/pending_users', 'Users who registered and are not confirmed, 50 a page', json(200, 'the pending users', lists.pending), ['InvalidParameter'], {
    query: { after: 'the last _id of the previous page' },
  }),
  app('POST', '/user_registrations/by_email/{email}/confirm', 'Confirm a pending user', done, ['UserNotFound', 'UserAlreadyConfirmed']),
  app('POST', '/user_registrations/by_email/{email}/send_confirm', 'Mail a new confirmation link', json(200, 'the mailed link\u2019s token', ref('ConfirmationToken')), ['UserNotFound', 'UserAlreadyConfirmed']),
  app('POST', '/user_registrations/by_email/{email}/run_confirm', 'Run the confirmation function again', { status: 202, description: 'accepted, no body' }, [
    'UserNotFound',
    'UserAlreadyConfirmed',
    'AuthProviderNotFound',
  ]),
  app('DELETE', '/user_registrations/by_email/{email}', 'Delete a pending user', done, ['UserNotFound']),
  app('GET', '/api_keys', 'Server API keys', json(200, 'the keys, never their secrets', lists.apiKeys)),
  app('POST', '/api_keys', 'Create a server API key and its server user', json(201, 'the key with its secret, shown only here', ref('ApiKeyCreated')), ['AuthProviderNotFound', 'APIKeyAlreadyExists'], {
    body: bodies.adminKeyName,
  }),
  app('GET', '/api_keys/{apiKeyId}', 'One server API key', json(200, 'the key', ref('ApiKey')), ['APIKeyNotFound']),
  app('DELETE', '/api_keys/{apiKeyId}', 'Delete a server API key and its server user', done, ['APIKeyNotFound']),
  app('PUT', '/api_keys/{apiKeyId}/enable', 'Enable a server API key', done, ['APIKeyNotFound']),
  app('PUT', '/api_keys/{apiKeyId}/disable', 'Disable a server API key', done, ['APIKeyNotFound']),
  app('PUT', '/security/refresh_token_expiration', 'How long new refresh tokens live (1800 to 15552000 s)', done, [], { body: bodies.adminRefreshLifetime }),
  app('GET', '/security/signing_keys', 'The signing key set, without private material (ours)', json(200, 'the keys and their phases', ref('SigningKeys'))),
  app('POST', '/security/signing_keys/rotate', 'Stage a key rotation where the stack may rewrite its key set (ours)', json(200, 'the keys, the rotation staged', ref('SigningKeys'))),
];
