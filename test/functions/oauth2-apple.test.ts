import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUser } from '../../lib/admin/users';
import type { AuthInfo } from '../../lib/login';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { appleClientSecret, exchangeAppleCode, logInWithApple } from '../../lib/providers/oauth2-apple';
import type { Runtime } from '../../lib/runtime';
import { type FakeApple, startFakeApple } from '../fakes/apple';
import { APPLE_BUNDLE_ID as BUNDLE_ID, APPLE_SERVICES_ID as SERVICES_ID, appleProvider } from '../fakes/world';
import { runtimeAt } from '../helpers/users';

let apple: FakeApple;
let rt: Runtime;

beforeAll(async () => {
  apple = await startFakeApple();
  const providers = {
    'anon-user': { enabled: true },
    'oauth2-apple': appleProvider(apple),
  };
  rt = await runtimeAt(0, { GATEHOUSE_PROVIDERS: JSON.stringify(providers) });
});
afterAll(() => apple.stop());

const sub = () => `001234.${Math.random().toString(16).slice(2)}.0987`;
const login = async (idToken: string, nonce?: string) => (await logInWithApple(rt, { idToken, nonce }, {}, undefined)) as AuthInfo;

describe('oauth2-apple ID-token login', () => {
  it('logs in with a token for the Services ID or a bundle id, once per Apple user, keeping the verified (relay) email', async () => {
    const id = sub();
    const relay = `${id.slice(7, 15)}@privaterelay.appleid.com`;
    const first = await login(await apple.idToken({ sub: id, aud: BUNDLE_ID, email: relay, email_verified: 'true', is_private_email: 'true' }));
    const user = await getUser(rt, first.user_id);
    expect(user.identities).toEqual([expect.objectContaining({ id, provider_type: 'oauth2-apple', provider_data: { email: relay, is_private_email: true } })]);
    const again = await login(await apple.idToken({ sub: id, aud: SERVICES_ID }));
    expect(again.user_id).toBe(first.user_id);
    // A later token without the email (Apple says some things only at the first authorization) keeps what was said.
    const later = await getUser(rt, first.user_id);
    expect(later.identities[0].provider_data).toEqual({ email: relay, is_private_email: true });
    expect(later.data).toMatchObject({ email: relay });
  });

  it('drops an email Apple does not say is verified ("false" as a string)', async () => {
    const id = sub();
    const info = await login(await apple.idToken({ sub: id, aud: BUNDLE_ID, email: 'maybe@example.test', email_verified: 'false' }));
    const user = await getUser(rt, info.user_id);
    expect(user.identities[0].provider_data).toEqual({});
  });

  it.each([
    ['another audience', { aud: 'com.example.other' }, {}, '"aud" claim check failed'],
    ['another issuer', { aud: BUNDLE_ID, iss: 'https://appleid.example' }, {}, '"iss" claim check failed'],
    ['a key not in Apple\'s set', { aud: BUNDLE_ID }, { key: 'stranger' as const }, 'signature verification failed'],
    ['HS256 instead of RS256', { aud: BUNDLE_ID }, { alg: 'HS256' as const }, 'algorithm not allowed'],
  ])('refuses %s', async (_what, claims, options, reason) => {
    await expect(login(await apple.idToken({ sub: sub(), ...claims }, options))).rejects.toMatchObject({ code: 'AuthError', message: `invalid Apple ID token: ${reason}` });
  });

  it('checks the nonce when the app gives one, raw or as its SHA-256', async () => {
    const raw = 'a nonce the app made';
    const hashed = 'ea3e3b0a7e5b3d2c4d1b4fdcf7d54f7e1b0f2c8a9d7f1d1a3e1e5b8c1f0d2a6b';
    await expect(login(await apple.idToken({ sub: sub(), aud: BUNDLE_ID, nonce: raw }), raw)).resolves.toMatchObject({ user_id: expect.any(String) });
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(raw).digest('hex');
    await expect(login(await apple.idToken({ sub: sub(), aud: BUNDLE_ID, nonce: digest }), raw)).resolves.toMatchObject({ user_id: expect.any(String) });
    await expect(login(await apple.idToken({ sub: sub(), aud: BUNDLE_ID, nonce: hashed }), raw)).rejects.toMatchObject({ message: 'invalid Apple ID token: "nonce" claim check failed' });
  });

  it('links to a signed-in user as Google does: the anonymous user keeps its id and gains the Apple identity', async () => {
    const anon = (await logInAnonymously(rt, {}, '127.0.0.1')) as AuthInfo;
    const id = sub();
    const linked = await logInWithApple(rt, { idToken: await apple.idToken({ sub: id, aud: BUNDLE_ID }) }, {}, anon.access_token);
    expect(linked.user_id).toBe(anon.user_id);
    const user = await getUser(rt, anon.user_id);
    expect(user.identities.map((i) => i.provider_type)).toEqual(['anon-user', 'oauth2-apple']);
  });
});

describe('oauth2-apple client secret and code exchange', () => {
  it('signs a short ES256 client secret with the team key, which Apple\'s token endpoint accepts for a code', async () => {
    const settings = rt.config.providers.apple!;
    const secret = await appleClientSecret(settings, Date.now());
    expect(decodeProtectedHeader(secret)).toEqual({ alg: 'ES256', kid: apple.keyId });
    const claims = decodeJwt(secret);
    expect(claims).toMatchObject({ iss: apple.teamId, sub: SERVICES_ID, aud: apple.issuer });
    expect(claims.exp! - claims.iat!).toBe(300);
    const id = sub();
    const idToken = await exchangeAppleCode(rt, settings, apple.code({ sub: id }), 'https://gatehouse.test/callback');
    expect(decodeJwt(idToken)).toMatchObject({ sub: id, aud: SERVICES_ID });
    expect(apple.acceptedSecrets.at(-1)).toMatchObject({ iss: apple.teamId, sub: SERVICES_ID });
    await expect(exchangeAppleCode(rt, settings, 'a code Apple never issued', 'https://gatehouse.test/callback')).rejects.toMatchObject({ code: 'AuthError', message: 'invalid Apple auth code' });
  });
});
