import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Handler } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { APP, invoke } from '../helpers/events';
import { anonymousUser } from '../helpers/users';

/**
 * Every route of serverless.yml gets oversized and malformed identifiers in each of its path
 * parameters and id-like query parameters (and the id fields of a few bodies), one at a time, the
 * others valid: the answer is a 4xx with `{error, error_code}` (or the lookup's empty list), never a
 * 500. DynamoDB refuses a partition key over 2,048 bytes, a sort key over 1,024, with a
 * ValidationException. A route with a path parameter this table does not know, or whose handler reads
 * the query without an entry here, fails the test, so a new one cannot slip through.
 */

type Auth = 'none' | 'access' | 'refresh' | 'admin';

/** Path parameters: how to fill one validly; `false` for a catch-all that is no identifier. */
const PATH_PARAMS: Record<string, ((ctx: Context) => string) | false> = {
  app: () => APP,
  provider: () => 'oauth2-google',
  groupId: (ctx) => ctx.groupId,
  appId: (ctx) => ctx.appId,
  userId: (ctx) => ctx.userId,
  keyId: () => '65a0c0ffee0000000000abcd',
  apiKeyId: () => '65a0c0ffee0000000000abcd',
  sessionId: () => '65a0c0ffee0000000000abcd',
  email: () => 'nobody@example.test',
  // The console's files and the preflight's catch-all name no stored thing.
  'file+': false,
  'proxy+': false,
};

/** Id-like query parameters, by route; every handler that reads `req.query` must be listed. */
const QUERY_PARAMS: Record<string, string[]> = {
  'GET /api/client/v2.0/app/{app}/auth/providers/{provider}/login': ['state', 'redirect', 'device'],
  'GET /api/client/v2.0/app/{app}/auth/providers/{provider}/callback': ['state', 'code'],
  // The confirmation page's answer reads a form, not the query: its `flow` id is walked with oversized and
  // forged values in test/e2e/oauth-redirect.test.ts.
  'POST /api/client/v2.0/app/{app}/auth/providers/{provider}/callback': [],
  'GET /api/admin/v3.0/groups/{groupId}/apps/{appId}/users': ['after', 'email', 'identity'],
  'GET /api/admin/v3.0/groups/{groupId}/apps/{appId}/user_registrations/pending_users': ['after'],
  // `limit` is a count, not an identifier; `after` is a session or device id.
  'GET /api/admin/v3.0/groups/{groupId}/apps/{appId}/users/{userId}/sessions': ['after'],
  'GET /api/admin/v3.0/groups/{groupId}/apps/{appId}/users/{userId}/devices': ['after'],
  // `rotate` is a flag, not an identifier.
  'POST /api/client/v2.0/auth/session': [],
  // The name of a function the app does not have, for its 404 (base64 JSON, never an identifier of ours).
  'GET /api/client/v2.0/app/{app}/functions/call': ['baas_request', 'stitch_request'],
  'POST /api/client/v2.0/app/{app}/functions/call': ['baas_request', 'stitch_request'],
};

/** Identifiers in bodies, by route, with valid values of the body's other fields. */
const BODY_FIELDS: Record<string, { fields: string[]; base: Record<string, unknown> }> = {
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/login': { fields: ['username'], base: { username: 'nobody@example.test', password: 'a long password' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/register': { fields: ['email'], base: { email: 'nobody@example.test', password: 'a long password' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/confirm': { fields: ['tokenId', 'token'], base: { token: 'x', tokenId: '65a0c0ffee0000000000abcd' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/confirm/send': { fields: ['email'], base: { email: 'nobody@example.test' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/confirm/call': { fields: ['email'], base: { email: 'nobody@example.test' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/reset': { fields: ['tokenId', 'token'], base: { token: 'x', tokenId: '65a0c0ffee0000000000abcd', password: 'a long password' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/reset/send': { fields: ['email'], base: { email: 'nobody@example.test' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/reset/call': { fields: ['email'], base: { email: 'nobody@example.test', password: 'a long password' } },
  'POST /api/client/v2.0/app/{app}/auth/providers/api-key/login': { fields: ['key'], base: { key: 'x' } },
  'POST /api/admin/v3.0/groups/{groupId}/apps/{appId}/users': { fields: ['email'], base: { email: 'nobody@example.test', password: 'a long password' } },
  'POST /api/admin/v3.0/auth/providers/{provider}/login': { fields: ['username', 'apiKey'], base: { username: 'admin', apiKey: 'x' } },
};

/** Lookups that answer "no such thing" with an empty list, as for any unknown value. */
const EMPTY_ANSWERS: Record<string, string[]> = {
  // (An email filter is read as any email is, so a malformed one is a 400: test/functions/emails.test.ts.)
  'GET /api/admin/v3.0/groups/{groupId}/apps/{appId}/users': ['identity'],
  // Another project's apps: none (the list comes from configuration, not the store).
  'GET /api/admin/v3.0/groups/{groupId}/apps': ['groupId'],
};

/** Valid values of the query parameters that a walked route needs besides the one under test. */
const QUERY_DEFAULTS: Record<string, Record<string, string>> = {
  'GET /api/client/v2.0/app/{app}/auth/providers/{provider}/login': { redirect: 'http://localhost:5173/auth/callback', state: 'client-state' },
  'GET /api/client/v2.0/app/{app}/auth/providers/{provider}/callback': { state: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', code: 'a-code' },
};

const BAD = {
  oversized: 'a'.repeat(3000),
  'oversized hex': 'f'.repeat(3000),
  'oversized email': `${'a'.repeat(3000)}@example.test`,
  'non-hex': 'zzzzzzzzzzzzzzzzzzzzzzzz',
  'upper-case hex': '65A0C0FFEE0000000000ABCD',
  unicode: 'üñï𝄞çødé',
  'unicode 3,000': '𝄞'.repeat(1500),
  NUL: '65a0c0ffee\u00000000000abcd',
  'NUL email': 'a\u0000b@example.test',
  'path-ish': '../../etc/passwd',
};

interface Context {
  groupId: string;
  appId: string;
  userId: string;
  tokens: Record<Exclude<Auth, 'none'>, string>;
}

interface Route {
  key: string;
  method: string;
  path: string;
  handler: string;
}

function routes(): Route[] {
  // CloudFormation tags (!GetAtt, !Sub) stay unresolved: only the routes are read.
  const doc = parse(readFileSync(resolve(__dirname, '../../serverless.yml'), 'utf8'), { logLevel: 'error' });
  const out: Route[] = [];
  for (const fn of Object.values(doc.functions) as { handler: string; events?: { httpApi?: unknown }[] }[]) {
    for (const event of fn.events ?? []) {
      if (!event.httpApi) continue;
      const spec = event.httpApi as string | { method: string; path: string };
      if (spec === '*') continue;
      const [method, path] = typeof spec === 'string' ? spec.split(' ') : [spec.method.toUpperCase(), spec.path];
      out.push({ key: `${method} ${path}`, method, path, handler: fn.handler });
    }
  }
  return out;
}

function authOf(route: Route): Auth {
  if (route.path.startsWith('/api/admin/v3.0/groups/')) return 'admin';
  if (route.path === '/api/client/v2.0/auth/session') return 'refresh';
  if (route.path.startsWith('/api/client/v2.0/auth/')) return 'access';
  return 'none';
}

const paramsOf = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

async function load(route: Route): Promise<Handler> {
  const module = await import(resolve(__dirname, '../..', route.handler.replace(/\.handler$/, '.ts')));
  return module.handler as Handler;
}

describe('identifiers on every route', () => {
  const all = routes();

  it('knows every path parameter of serverless.yml, and every route whose handler reads the query', () => {
    expect(all.length).toBeGreaterThan(60);
    for (const route of all) {
      for (const name of paramsOf(route.path)) expect(Object.keys(PATH_PARAMS), `${route.key}: {${name}}`).toContain(name);
      const source = readFileSync(resolve(__dirname, '../..', route.handler.replace(/\.handler$/, '.ts')), 'utf8');
      if (/req\.query|queryField\(/.test(source)) expect(Object.keys(QUERY_PARAMS), `${route.key} reads the query`).toContain(route.key);
    }
    for (const key of [...Object.keys(QUERY_PARAMS), ...Object.keys(BODY_FIELDS), ...Object.keys(EMPTY_ANSWERS)]) expect(all.map((r) => r.key)).toContain(key);
  });

  it('answers oversized and malformed ids with a 4xx and {error, error_code}, never a 500', async () => {
    const rt = await runtime();
    const user = await anonymousUser();
    const ctx: Context = {
      groupId: rt.config.groupId,
      appId: rt.config.domainId,
      userId: user.user_id,
      tokens: { access: user.access_token, refresh: user.refresh_token, admin: (await adminSession()).token },
    };
    const failures: string[] = [];
    let calls = 0;
    for (const route of all) {
      const names = paramsOf(route.path).filter((n) => PATH_PARAMS[n] !== false);
      const queries = QUERY_PARAMS[route.key] ?? [];
      const body = BODY_FIELDS[route.key];
      if (!names.length && !queries.length && !body) continue;
      const handler = await load(route);
      const auth = authOf(route);
      const valid = Object.fromEntries(names.map((n) => [n, (PATH_PARAMS[n] as (c: Context) => string)(ctx)]));
      const cases = [
        ...names.map((n) => ({ where: 'params' as const, name: n })),
        ...queries.map((n) => ({ where: 'query' as const, name: n })),
        ...(body?.fields ?? []).map((n) => ({ where: 'body' as const, name: n })),
      ];
      for (const { where, name } of cases) {
        for (const [label, bad] of Object.entries(BAD)) {
          const params = where === 'params' ? { ...valid, [name]: bad } : valid;
          const query = { ...QUERY_DEFAULTS[route.key], ...(where === 'query' ? { [name]: bad } : {}) };
          const path = route.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(params[n] ?? ''));
          calls += 1;
          const res = await invoke(handler, {
            method: route.method,
            path,
            params,
            query,
            body: route.method === 'GET' || route.method === 'DELETE' ? undefined : { ...body?.base, ...(where === 'body' ? { [name]: bad } : {}) },
            token: auth === 'none' ? undefined : ctx.tokens[auth],
          });
          const shaped = res.body && typeof res.body.error === 'string' && typeof res.body.error_code === 'string';
          const refused = res.status >= 400 && res.status < 500 && shaped;
          // A value too long for API Gateway's request head never reaches a handler there: 431 is right too.
          const tooLong = res.status === 431 && shaped;
          if (EMPTY_ANSWERS[route.key]?.includes(name)) {
            if (!tooLong && (res.status !== 200 || JSON.stringify(res.body) !== '[]')) failures.push(`${route.key} ${where}.${name}=${label}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 120)}`);
          } else if (where === 'body') {
            // Some body routes answer unknown emails with success on purpose (no account enumeration).
            if (res.status >= 500 || (res.status >= 400 && !shaped)) failures.push(`${route.key} ${where}.${name}=${label}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 120)}`);
          } else if (!refused) failures.push(`${route.key} ${where}.${name}=${label}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 120)}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  }, 300_000);
});
