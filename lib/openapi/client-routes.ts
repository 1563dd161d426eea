import type { ErrorCode } from '../errors';
import { schemas as bodies } from '../schemas';
import { lists, ref } from './components';
import type { Route, Success } from './operations';

const APP = '/api/client/v2.0/app/{app}';
const PROVIDERS = `${APP}/auth/providers`;
const AUTH = '/api/client/v2.0/auth';

const loggedIn: Success = { status: 200, description: 'logged in (linked, with `?link=true`: no refresh token)', schema: ref('AuthInfo') };
const done: Success = { status: 204, description: 'done, no body' };
const LINK = { link: '`true`: add this credential to the user of the access token (protocol §5)' };
/**
 * Every login: the provider may be off, the user disabled or the user-creation function refuse; a link
 * of a credential that is another user's is LinkConflict (AccountNameInUse, 401), and of an anonymous
 * or a second email/password identity InternalServerError, as App Services answers.
 */
const LOGIN: readonly ErrorCode[] = ['AuthProviderNotFound', 'AuthError', 'UserDisabled', 'LinkConflict'];
/** Every email/password route: the provider may be off; the ones that mail or check tokens are rate-limited per address. */
const USERPASS: readonly ErrorCode[] = ['AuthProviderNotFound', 'TooManyRequests'];

const login = (provider: string, body: Route['body'], summary: string, errors: readonly ErrorCode[] = []): Route => ({
  method: 'POST',
  path: `${PROVIDERS}/${provider}/login`,
  summary,
  token: 'link',
  body,
  query: LINK,
  ok: loggedIn,
  errors: [...LOGIN, ...errors],
});

const userpass = (route: string, body: Route['body'], summary: string, errors: readonly ErrorCode[], ok: Success = done): Route => ({
  method: 'POST',
  path: `${PROVIDERS}/local-userpass/${route}`,
  summary,
  body,
  ok,
  errors: [...USERPASS, ...errors],
});

const ROTATE = { rotate: '`true` (ours): rotate the refresh token too' };

/** The client API (`/api/client/v2.0`, protocol §2), on the client API's host. */
export const clientRoutes: readonly Route[] = [
  { method: 'GET', path: `${APP}/location`, summary: 'Where the app is served (protocol §3)', ok: { status: 200, description: 'the location document', schema: ref('Location') }, errors: [], offline: true },
  login('anon-user', bodies.anonymousLogin, 'Log in anonymously', ['TooManyRequests']),
  login('local-userpass', bodies.passwordLogin, 'Log in with email and password', ['InvalidPassword', 'PasswordResetRequired', 'TooManyRequests']),
  login('api-key', bodies.apiKeyLogin, 'Log in with a user or server API key'),
  login('custom-token', bodies.customTokenLogin, 'Log in with a custom JWT'),
  login('custom-function', bodies.functionLogin, 'Log in through the app\u2019s authentication function (the body is its payload)'),
  login('oauth2-google', bodies.googleLogin, 'Log in with a Google ID token or auth code', ['MissingParameter']),
  login('oauth2-apple', bodies.appleLogin, 'Log in with an Apple ID token'),
  login('oauth2-facebook', bodies.facebookLogin, 'Log in with a Facebook access token'),
  {
    method: 'POST',
    path: `${PROVIDERS}/{provider}/login`,
    summary: 'Any other provider: not enabled',
    ok: [],
    errors: ['AuthProviderNotFound'],
    offline: true,
  },
  {
    method: 'GET',
    path: `${PROVIDERS}/{provider}/login`,
    summary: 'Start the browser OAuth flow (protocol §4.6)',
    token: 'link',
    query: { redirect: 'the app page to come back to (required)', state: 'the app\u2019s state (required)', device: 'base64 device info', providerRedirectHeader: '`true`: answer 200 with X-BaaS-Location instead of a redirect', ...LINK },
    ok: [
      { status: 302, description: 'to the provider\u2019s consent page', headers: { Location: 'the consent URL' } },
      { status: 200, description: 'with `providerRedirectHeader=true`', headers: { 'X-BaaS-Location': 'the consent URL', 'X-Stitch-Location': 'the consent URL' } },
    ],
    errors: ['MissingParameter', 'InvalidParameter', 'AuthProviderNotFound', 'TooManyRequests'],
  },
  {
    method: 'GET',
    path: `${PROVIDERS}/{provider}/callback`,
    summary: 'The provider\u2019s answer: back to the app page, the result in the fragment',
    query: { state: 'the flow', code: 'the provider\u2019s code', error: 'the provider\u2019s refusal' },
    ok: [
      { status: 302, description: 'to the app\u2019s redirect page', headers: { Location: 'the page, the result in the fragment' } },
      { status: 200, description: 'a confirmation page, when the callback reached another browser', contentType: 'text/html; charset=utf-8' },
    ],
    errors: ['BadRequest'],
  },
  {
    method: 'POST',
    path: `${PROVIDERS}/{provider}/callback`,
    summary: 'The confirmation page\u2019s answer (`flow`, `decision`), or Apple\u2019s form_post',
    body: 'form',
    ok: [
      { status: 302, description: 'to the app\u2019s page', headers: { Location: 'the page' } },
      { status: 303, description: 'Apple\u2019s form_post: on to the GET callback', headers: { Location: 'the GET callback' } },
    ],
    errors: ['BadRequest'],
  },
  userpass('register', bodies.register, 'Register an email and password', ['AccountNameInUse', 'AuthError'], { status: 201, description: 'registered, no body' }),
  userpass('confirm', bodies.confirm, 'Confirm an email with the mailed token', ['UserpassTokenInvalid', 'UserAlreadyConfirmed']),
  userpass('confirm/send', bodies.email, 'Mail a new confirmation link', ['UserNotFound', 'UserAlreadyConfirmed']),
  userpass('confirm/call', bodies.email, 'Run the confirmation function again', ['UserNotFound', 'UserAlreadyConfirmed', 'AuthError']),
  userpass('reset', bodies.reset, 'Set a new password with the mailed token', ['UserpassTokenInvalid']),
  userpass('reset/send', bodies.email, 'Mail a password reset link', ['UserNotFound']),
  userpass('reset/call', bodies.resetCall, 'Run the reset function', ['UserNotFound', 'AuthError']),
  {
    method: 'POST',
    path: `${APP}/functions/call`,
    summary: 'Functions are out of scope: always not found, never a 401',
    ok: [],
    errors: ['FunctionNotFound'],
    offline: true,
  },
  {
    method: 'GET',
    path: `${APP}/functions/call`,
    summary: 'The streaming variant of functions/call: not found',
    query: { baas_request: 'base64 JSON of the call', stitch_request: 'base64 JSON of the call (Stitch)' },
    ok: [],
    errors: ['FunctionNotFound'],
    offline: true,
  },
  { method: 'POST', path: `${AUTH}/session`, summary: 'A new access token (protocol §6.1)', token: 'refresh', query: ROTATE, ok: [{ status: 201, description: 'the access token (and with `rotate=true`, a new refresh token)', schema: { oneOf: [ref('AccessToken'), ref('RotatedTokens')] } }], errors: [] },
  { method: 'DELETE', path: `${AUTH}/session`, summary: 'Log out: end the session of the refresh token', token: 'refresh', ok: done, errors: [] },
  { method: 'GET', path: `${AUTH}/profile`, summary: 'The caller\u2019s profile', token: 'access', ok: { status: 200, description: 'the profile', schema: ref('Profile') }, errors: [] },
  { method: 'DELETE', path: `${AUTH}/delete`, summary: 'Delete the caller with its identities, sessions, devices and API keys', token: 'access', ok: done, errors: [] },
  { method: 'GET', path: `${AUTH}/custom_data`, summary: 'The caller\u2019s custom data (self-service only)', token: 'access', ok: { status: 200, description: 'the document, {} when none', schema: ref('CustomData') }, errors: ['NotFound'] },
  { method: 'PUT', path: `${AUTH}/custom_data`, summary: 'Replace the caller\u2019s custom data (self-service only)', token: 'access', body: bodies.customData, ok: { status: 200, description: 'the stored document', schema: ref('CustomData') }, errors: ['NotFound', 'InvalidParameter'] },
  { method: 'GET', path: `${AUTH}/sessions`, summary: 'The caller\u2019s live sessions, newest first (ours)', token: 'access', ok: { status: 200, description: 'the sessions', schema: lists.ownSessions }, errors: [] },
  { method: 'DELETE', path: `${AUTH}/sessions/{sessionId}`, summary: 'End one of the caller\u2019s sessions (ours)', token: 'access', ok: done, errors: ['NotFound'] },
  { method: 'GET', path: `${AUTH}/api_keys`, summary: 'The caller\u2019s API keys, in creation order', token: 'refresh', ok: { status: 200, description: 'the keys, never their secrets', schema: lists.apiKeys }, errors: [] },
  { method: 'POST', path: `${AUTH}/api_keys`, summary: 'Create an API key', token: 'refresh', body: bodies.apiKeyName, ok: { status: 201, description: 'the key with its secret, shown only here', schema: ref('ApiKeyCreated') }, errors: ['InvalidParameter', 'APIKeyAlreadyExists'] },
  { method: 'GET', path: `${AUTH}/api_keys/{keyId}`, summary: 'One of the caller\u2019s API keys', token: 'refresh', ok: { status: 200, description: 'the key', schema: ref('ApiKey') }, errors: ['APIKeyNotFound'] },
  { method: 'DELETE', path: `${AUTH}/api_keys/{keyId}`, summary: 'Delete an API key', token: 'refresh', ok: done, errors: ['APIKeyNotFound'] },
  { method: 'PUT', path: `${AUTH}/api_keys/{keyId}/enable`, summary: 'Enable an API key (idempotent)', token: 'refresh', ok: done, errors: ['APIKeyNotFound'] },
  { method: 'PUT', path: `${AUTH}/api_keys/{keyId}/disable`, summary: 'Disable an API key (idempotent)', token: 'refresh', ok: done, errors: ['APIKeyNotFound'] },
];
