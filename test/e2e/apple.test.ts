import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { APPLE_BUNDLE_ID, APPLE_SERVICES_ID, appleIdToken } from '../fakes/world';
import { type Exchange, newApp, rejection } from './stack';

const appleUser = () => `000${Math.floor(Math.random() * 1e6)}.${Math.random().toString(16).slice(2)}.1200`;

describe('realm-web 2.0.1 Sign in with Apple (ID token)', () => {
  it('logs in with Credentials.apple(idToken), again as the same user, with the private-relay email kept', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const sub = appleUser();
    const relay = `${sub.slice(3, 9)}@privaterelay.appleid.com`;
    const user = await app.logIn(Realm.Credentials.apple(await appleIdToken({ sub, aud: APPLE_BUNDLE_ID, email: relay, email_verified: 'true', is_private_email: 'true' })));
    expect(user.providerType).toBe('oauth2-apple');
    expect(user.profile.email).toBe(relay);
    expect(JSON.parse(log.find((e) => e.url.endsWith('/oauth2-apple/login'))!.body!)).toMatchObject({ id_token: expect.any(String), options: { device: expect.any(Object) } });
    const again = await newApp().logIn(Realm.Credentials.apple(await appleIdToken({ sub, aud: APPLE_SERVICES_ID })));
    expect(again.id).toBe(user.id);
  });

  it('links an Apple account to an anonymous user, and refuses a token for another audience', async () => {
    const app = newApp();
    const anonymous = await app.logIn(Realm.Credentials.anonymous());
    await anonymous.linkCredentials(Realm.Credentials.apple(await appleIdToken({ sub: appleUser(), aud: APPLE_BUNDLE_ID })));
    expect(anonymous.identities.map((i) => i.providerType)).toEqual(['anon-user', 'oauth2-apple']);
    const foreign = await rejection(newApp().logIn(Realm.Credentials.apple(await appleIdToken({ sub: appleUser(), aud: 'com.example.someone-else' }))));
    expect([foreign.statusCode, foreign.errorCode, foreign.error]).toEqual([401, 'AuthError', 'invalid Apple ID token: "aud" claim check failed']);
  });
});
