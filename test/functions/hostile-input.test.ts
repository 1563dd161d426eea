import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handler as adminUsersCreate } from '../../functions/admin/users-create';
import { handler as profile } from '../../functions/auth/profile';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { handler as refresh } from '../../functions/session/refresh';
import { parseEjson } from '../../lib/ejson';
import { REQUEST_HEAD_LIMIT, requestHeadSize } from '../../lib/http';
import { ACCESS_TOKEN_BUDGET } from '../../lib/tokens';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { APP, BROWSER_HEADERS, CLIENT, apiEvent, invoke, uniqueEmail } from '../helpers/events';
import { anonymousUser } from '../helpers/users';

const providers = `${CLIENT}/app/${APP}/auth/providers`;
const registerAt = { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP } };

describe('size caps before parsing', () => {
  it(`caps the request line and headers at API Gateway HTTP API's ${REQUEST_HEAD_LIMIT} bytes, with 431`, async () => {
    expect(REQUEST_HEAD_LIMIT).toBe(10_240);
    const at = { ...registerAt, path: `${providers}/anon-user/login` };
    const padded = (bytes: number) => {
      const event = apiEvent({ ...at, headers: { 'x-padding': '' }, body: {} });
      return { ...event, headers: { ...event.headers, 'x-padding': 'x'.repeat(bytes - requestHeadSize(event)) } };
    };
    const edge = padded(REQUEST_HEAD_LIMIT);
    expect(requestHeadSize(edge)).toBe(REQUEST_HEAD_LIMIT);
    expect((await anonLogin(edge)).statusCode).toBe(200);
    const over = await anonLogin(padded(REQUEST_HEAD_LIMIT + 1));
    expect(over).toMatchObject({ statusCode: 431 });
    expect(JSON.parse(over.body as string)).toEqual({
      error: `request line and headers must be at most ${REQUEST_HEAD_LIMIT} bytes together ("x-padding" is the largest header)`,
      error_code: 'HeadersTooLarge',
    });
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x-h${i}`, 'y'.repeat(2100)]));
    expect((await invoke(anonLogin, { ...at, headers: many })).status).toBe(431);
    expect((await invoke(anonLogin, { ...at, query: { q: 'z'.repeat(REQUEST_HEAD_LIMIT) } })).status).toBe(431);
    const cookies = { ...apiEvent({ ...at, body: {} }), cookies: ['a='.concat('c'.repeat(REQUEST_HEAD_LIMIT))] };
    expect((await anonLogin(cookies)).statusCode).toBe(431);
  });

  it(`leaves a token of the full ${ACCESS_TOKEN_BUDGET}-byte budget room for a browser's other headers`, async () => {
    // A long page address and a long User-Agent on top of what Chrome sends.
    const headers = {
      ...BROWSER_HEADERS,
      referer: `https://app.example.com/${'r'.repeat(1000)}`,
      'user-agent': `${BROWSER_HEADERS['user-agent']} ${'u'.repeat(500)}`,
    };
    const event = apiEvent({ path: `${CLIENT}/auth/profile`, headers, token: 't'.repeat(ACCESS_TOKEN_BUDGET) });
    expect(requestHeadSize(event)).toBeLessThan(REQUEST_HEAD_LIMIT - 1024);
    expect((await profile(event)).statusCode).toBe(401);
  });

  it('measures base64 bodies before decoding them', async () => {
    const event = apiEvent({ ...registerAt, body: '' });
    const out = await register({ ...event, isBase64Encoded: true, body: Buffer.from('x'.repeat(80_000)).toString('base64') });
    expect(out).toMatchObject({ statusCode: 413 });
  });
});

describe('strict UTF-8 and JSON', () => {
  it('refuses invalid UTF-8 bytes and lone surrogates', async () => {
    const event = apiEvent({ ...registerAt, body: '' });
    const bytes = Buffer.concat([Buffer.from('{"email":"a@b.test","password":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const invalid = await register({ ...event, isBase64Encoded: true, body: bytes.toString('base64') });
    expect(invalid).toMatchObject({ statusCode: 400, body: JSON.stringify({ error: 'request body is not valid UTF-8', error_code: 'BadRequest' }) });
    const lone = await register({ ...event, body: '{"email":"a@b.test","password":"\ud800 long password"}' });
    expect(lone).toMatchObject({ statusCode: 400 });
  });

  it('refuses prototype-poisoning keys at any depth and very deep nesting', async () => {
    for (const body of ['{"constructor":{"prototype":{"admin":true}}}', '{"options":{"device":{"__proto__":{"x":1}}}}', `${'['.repeat(40)}${']'.repeat(40)}`]) {
      const res = await invoke(register, { ...registerAt, body });
      expect(res.status, body).toBe(400);
      expect(res.body.error_code).toBe('BadRequest');
    }
    expect(() => parseEjson(`{"a":${'{"a":'.repeat(40)}1${'}'.repeat(41)}`)).toThrow(SyntaxError);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('schemas', () => {
  it('drops unknown fields of client bodies (SDKs add their own) but checks the types of known ones', async () => {
    const email = uniqueEmail('schema');
    const ok = await invoke(register, { ...registerAt, body: { email, password: 'a long password', provider: 'local-userpass', extra: { deep: [1] } } });
    expect(ok.status).toBe(201);
    const login = await invoke(userpassLogin, {
      ...registerAt,
      path: `${providers}/local-userpass/login`,
      body: { username: email, password: 'a long password', provider: 'local-userpass', options: { device: { sdkVersion: '2.0.1' } } },
    });
    expect(login.status).toBe(200);
    const wrong = await invoke(userpassLogin, { ...registerAt, path: `${providers}/local-userpass/login`, body: { username: email, password: ['a long password'] } });
    expect(wrong.body).toEqual({ error: 'expected "password" to be a string', error_code: 'InvalidParameter' });
  });

  it('closes admin bodies: an unknown field is refused', async () => {
    const { token } = await adminSession();
    const rt = await runtime();
    const params = { groupId: rt.config.groupId, appId: rt.config.domainId };
    const res = await invoke(adminUsersCreate, {
      method: 'POST',
      path: `/api/admin/v3.0/groups/${params.groupId}/apps/${params.appId}/users`,
      params,
      token,
      body: { email: uniqueEmail('admin'), password: 'a long password', role: 'owner' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unexpected field "role"', error_code: 'InvalidParameter' });
  });
});

/** Any answer is fine except a 5xx or a crash; the body is always `{error, error_code}` on failure. */
function expectClientError(out: unknown): void {
  const { statusCode, body } = out as { statusCode: number; body?: string };
  expect(statusCode).toBeLessThan(500);
  if (statusCode >= 400) expect(Object.keys(JSON.parse(body!)).sort()).toEqual(['error', 'error_code']);
}

describe('fuzzing (fast-check): never a 5xx, never a crash', () => {
  const jsonish = fc.oneof(
    fc.string(),
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.record({ username: fc.jsonValue(), password: fc.jsonValue(), options: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    fc.record({ email: fc.string(), password: fc.string(), $oid: fc.string(), $date: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.constantFrom('{"options":{"device":{"deviceId":{"$oid":"zz"}}}}', '{"$numberLong":"1"}', '{"a":{"$date":{"$numberLong":"x"}}}', '{"a":{"$binary":1}}'),
  );

  it('parses any body of the login and register routes without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, fc.boolean(), async (body, asBase64) => {
        for (const [handler, path] of [
          [userpassLogin, 'local-userpass/login'],
          [register, 'local-userpass/register'],
          [anonLogin, 'anon-user/login'],
        ] as const) {
          const event = apiEvent({ method: 'POST', path: `${providers}/${path}`, params: { app: APP }, body: '', sourceIp: '192.0.2.200' });
          const out = await handler({ ...event, body: asBase64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: asBase64 });
          expectClientError(out);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('decodes any EJSON text to plain values or a SyntaxError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseEjson(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answers any bearer token on access and refresh routes with 401, never a 5xx', async () => {
    const rt = await runtime();
    const user = await anonymousUser();
    const [head, payload, signature] = user.access_token.split('.');
    const mutated = fc.oneof(
      fc.string(),
      fc.base64String().map((s) => `${head}.${s}.${signature}`),
      fc.jsonValue().map((v) => `${head}.${Buffer.from(JSON.stringify(v)).toString('base64url')}.${signature}`),
      fc.jsonValue().map((v) => `${Buffer.from(JSON.stringify(v)).toString('base64url')}.${payload}.${signature}`),
      // Any character but the last: its low bits are base64 padding of the signature, so some flips there
      // decode to the very same signature bytes (a token still valid, rightly).
      fc.nat({ max: user.access_token.length - 2 }).map((i) => `${user.access_token.slice(0, i)}${user.access_token[i] === 'A' ? 'B' : 'A'}${user.access_token.slice(i + 1)}`),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (token) => {
        fc.pre(token !== user.access_token && /^\S+$/.test(token));
        for (const handler of [profile, refresh]) {
          const out = await handler(apiEvent({ method: handler === refresh ? 'POST' : 'GET', path: `${CLIENT}/auth/session`, token }));
          expectClientError(out);
          expect((out as { statusCode: number }).statusCode).toBe(401);
        }
        await expect(rt.tokens.verifyAccess(token)).rejects.toBeInstanceOf(Error);
      }),
      { numRuns: 150 },
    );
  });
});
