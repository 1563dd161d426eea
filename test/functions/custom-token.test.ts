import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as login } from '../../functions/providers/custom-token/login';
import { loadConfig } from '../../lib/config';
import type { AppError } from '../../lib/errors';
import { logInWithCustomToken } from '../../lib/providers/custom-token';
import { CUSTOM_AUDIENCE, issuerToken, world } from '../fakes/world';
import { APP, CLIENT, invoke } from '../helpers/events';
import { runtimeAt } from '../helpers/users';
import { runtime } from '../../lib/runtime';

const path = `${CLIENT}/app/${APP}/auth/providers/custom-token/login`;
let counter = 0;
const subject = () => `jwt-user-${Date.now()}-${++counter}`;

function logIn(token: string) {
  return invoke(login, { method: 'POST', path, params: { app: APP }, body: { token } });
}

async function ownerOf(sub: string) {
  return (await runtime()).store.findIdentityOwner('custom-token', sub);
}

describe('custom-token login (JWKS, RS256)', () => {
  it('logs in the JWT subject with mapped metadata, the same user every time', async () => {
    const sub = subject();
    const token = await issuerToken({ sub, aud: CUSTOM_AUDIENCE, email: 'ada@example.test', profile: { name: 'Ada' } });
    const first = await logIn(token);
    expect(first.status).toBe(200);
    expect(await ownerOf(sub)).toBe(first.body.user_id);
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: first.body.access_token });
    expect(me.body.data).toEqual({ email: 'ada@example.test', name: 'Ada' });
    expect(me.body.identities).toEqual([{ id: sub, provider_type: 'custom-token', provider_id: expect.any(String), provider_data: { email: 'ada@example.test', name: 'Ada' } }]);
    expect((await logIn(await issuerToken({ sub, aud: CUSTOM_AUDIENCE, email: 'ada@example.test' }))).body.user_id).toBe(first.body.user_id);
  });

  it.each([
    ['a foreign signature', { key: 'stranger' as const }, {}, 'signature verification failed'],
    ['the wrong audience', {}, { aud: 'someone-else' }, '"aud" claim check failed'],
    ['another issuer', {}, { iss: 'https://evil.example' }, '"iss" claim check failed'],
    ['an expired token', { expiresIn: Math.floor(Date.now() / 1000) - 60 }, {}, 'token expired'],
    ['a missing required field', {}, { email: undefined }, 'required metadata field "email" is missing'],
  ])('refuses %s with AuthError and creates no user', async (_, options, claims, reason) => {
    const sub = subject();
    const token = await issuerToken({ sub, aud: CUSTOM_AUDIENCE, email: 'x@example.test', ...claims }, options);
    const res = await logIn(token);
    expect([res.status, res.body]).toEqual([401, { error: `invalid custom auth token: ${reason}`, error_code: 'AuthError' }]);
    expect(await ownerOf(sub)).toBeUndefined();
  });

  it.each([
    ['an object', { id: 'jwt-object-sub' }],
    ['an array', ['jwt-array-sub']],
    ['a number', 12345],
    ['true', true],
    ['an empty string', ''],
    ['256 characters', 's'.repeat(256)],
  ])('refuses a "sub" that is %s with AuthError and creates no user', async (_, sub) => {
    const res = await logIn(await issuerToken({ sub: sub as string, aud: CUSTOM_AUDIENCE, email: 'x@example.test' }));
    expect([res.status, res.body]).toEqual([401, { error: 'invalid custom auth token: "sub" claim must be a non-empty string of at most 255 characters', error_code: 'AuthError' }]);
    for (const id of ['[object Object]', String(sub), '']) expect(await ownerOf(id)).toBeUndefined();
  });

  it('refuses a missing "sub", and logs in one of exactly 255 characters', async () => {
    expect((await logIn(await issuerToken({ aud: CUSTOM_AUDIENCE, email: 'x@example.test' }))).body).toEqual({ error: 'invalid custom auth token: "sub" claim check failed', error_code: 'AuthError' });
    const sub = `${subject()}-`.padEnd(255, 'x');
    const res = await logIn(await issuerToken({ sub, aud: CUSTOM_AUDIENCE, email: 'x@example.test' }));
    expect(res.status).toBe(200);
    expect(await ownerOf(sub)).toBe(res.body.user_id);
  });

  it('refuses tokens over 2048 characters and alg none', async () => {
    const long = await issuerToken({ sub: subject(), aud: CUSTOM_AUDIENCE, email: 'x@example.test', pad: 'x'.repeat(2100) });
    expect((await logIn(long)).body.error).toBe('invalid custom auth token: token too long');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', aud: CUSTOM_AUDIENCE })).toString('base64url')}.`;
    expect((await logIn(none)).body.error_code).toBe('AuthError');
  });
});

describe('custom-token login (HS256 shared secrets)', () => {
  const secret = 'a-shared-secret-of-at-least-32-characters';
  const settings = (extra: Record<string, unknown>) => ({
    GATEHOUSE_PROVIDERS: JSON.stringify({
      'custom-token': { enabled: true, signingAlgorithm: 'HS256', keys: [{ kid: 'old', secret: 'x'.repeat(32) }, { kid: 'new', secret }], audience: ['a', 'b'], ...extra },
    }),
  });
  const sign = (claims: Record<string, unknown>, key = secret, kid = 'new') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).setSubject(subject()).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(key));

  async function reason(rt: Awaited<ReturnType<typeof runtimeAt>>, token: string): Promise<string> {
    try {
      await logInWithCustomToken(rt, token, {});
      return 'accepted';
    } catch (error) {
      return (error as AppError).message;
    }
  }

  it('accepts any configured audience by default, all of them when required', async () => {
    const anyOf = await runtimeAt(0, settings({}));
    expect(await reason(anyOf, await sign({ aud: 'b' }))).toBe('accepted');
    const allOf = await runtimeAt(0, settings({ requireAllAudiences: true }));
    expect(await reason(allOf, await sign({ aud: 'b' }))).toBe('invalid custom auth token: "aud" claim check failed');
    expect(await reason(allOf, await sign({ aud: ['a', 'b'] }))).toBe('accepted');
  });

  it('verifies with any of up to three secrets, and nothing else', async () => {
    const rt = await runtimeAt(0, settings({}));
    expect(await reason(rt, await sign({ aud: 'a' }, 'x'.repeat(32), 'unknown-kid'))).toBe('accepted');
    expect(await reason(rt, await sign({ aud: 'a' }, 'not-the-secret-but-long-enough-000'))).toBe('invalid custom auth token: signature verification failed');
  });

  it('rejects a configuration with too short a secret at load', () => {
    const providers = JSON.stringify({ 'custom-token': { enabled: true, signingAlgorithm: 'HS256', keys: [{ secret: 'short' }], audience: ['a'] } });
    expect(() => loadConfig({ ...process.env, GATEHOUSE_PROVIDERS: providers })).toThrow(/at least 32/);
  });

  it('keeps the JWKS issuer for the run', () => {
    expect(world.oidc).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});

describe('custom-token login (RS256 PEM keys)', () => {
  it('verifies with a configured PEM public key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(publicKey);
    const rt = await runtimeAt(0, {
      GATEHOUSE_PROVIDERS: JSON.stringify({ 'custom-token': { enabled: true, signingAlgorithm: 'RS256', keys: [{ pem }], audience: ['pem-app'] } }),
    });
    const sub = subject();
    const token = await new SignJWT({ aud: 'pem-app' }).setProtectedHeader({ alg: 'RS256' }).setSubject(sub).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const auth = await logInWithCustomToken(rt, token, {});
    expect(await rt.store.findIdentityOwner('custom-token', sub)).toBe(auth.user_id);
    const hs = await new SignJWT({ aud: 'pem-app' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(pem));
    await expect(logInWithCustomToken(rt, hs, {})).rejects.toMatchObject({ message: 'invalid custom auth token: algorithm not allowed' });
  });
});
