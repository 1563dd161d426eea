import { ref } from './components';
import type { Route } from './operations';

/** Discovery, this description, and the example route behind the Lambda authorizer: on the client API. */
export const otherRoutes: readonly Route[] = [
  { method: 'GET', path: '/.well-known/jwks.json', summary: 'The public keys of the access tokens (RS256, by kid)', ok: { status: 200, description: 'the key set', schema: ref('Jwks') }, errors: [] },
  {
    method: 'GET',
    path: '/.well-known/openid-configuration',
    summary: 'Issuer and jwks_uri, for services that verify access tokens themselves',
    ok: { status: 200, description: 'the discovery document', schema: ref('OpenIdConfiguration') },
    errors: [],
  },
  { method: 'GET', path: '/openapi.json', summary: 'This description', ok: { status: 200, description: 'the OpenAPI 3.1 document', schema: ref('OpenApi') }, errors: [], offline: true },
  {
    method: 'GET',
    path: '/api/example/whoami',
    summary: 'Example route behind the Lambda authorizer: the caller it passed on',
    token: 'authorizer',
    ok: { status: 200, description: 'the principal', schema: ref('Principal') },
    errors: [],
    offline: true,
  },
];

/** The admin console: a static page and its files, on the admin API's host. */
export const consoleRoutes: readonly Route[] = [
  { method: 'GET', path: '/console', summary: 'The admin console\u2019s page', ok: { status: 200, description: 'the page', contentType: 'text/html; charset=utf-8' }, errors: ['NotFound'], offline: true },
  {
    method: 'GET',
    path: '/console/{file+}',
    summary: 'The console\u2019s script, styles and icon',
    ok: { status: 200, description: 'the file (JavaScript, CSS or SVG)', contentType: '*/*' },
    errors: ['NotFound'],
    offline: true,
  },
];
