import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { CUSTOM_AUDIENCE, GOOGLE_CLIENT, facebookToken, googleCode, issuerToken } from '../fakes/world';
import { newApp, rejection } from './stack';

let counter = 0;
const unique = (tag: string) => `${tag}-${Date.now()}-${++counter}`;



describe('realm-web 2.0.1 logs in with every provider', () => {
  it('custom JWT: Credentials.jwt', async () => {
    const sub = unique('jwt');
    const token = await issuerToken({ sub, aud: CUSTOM_AUDIENCE, email: 'jwt@example.test', profile: { name: 'J W T' } });
    const user = await newApp().logIn(Realm.Credentials.jwt(token));
    expect(user.identities).toEqual([{ id: sub, providerType: 'custom-token' }]);
    expect(user.profile).toMatchObject({ email: 'jwt@example.test', name: 'J W T' });
    const bad = await rejection(newApp().logIn(Realm.Credentials.jwt(await issuerToken({ sub, aud: 'nope', email: 'x@y.z' }))));
    expect([bad.statusCode, bad.errorCode, bad.error]).toEqual([401, 'AuthError', 'invalid custom auth token: "aud" claim check failed']);
  });

  it('custom function: Credentials.function', async () => {
    const username = unique('fn');
    const user = await newApp().logIn(Realm.Credentials.function({ username, name: 'Function User' }));
    expect(user.identities).toEqual([{ id: `example:${username}`, providerType: 'custom-function' }]);
    expect(user.profile.name).toBe('Function User');
    const refused = await rejection(newApp().logIn(Realm.Credentials.function({ username: '!' })));
    expect([refused.statusCode, refused.errorCode]).toEqual([401, 'AuthError']);
  });

  it('Google: Credentials.google({ idToken }) and ({ authCode })', async () => {
    const sub = unique('google');
    const claims = { sub, aud: GOOGLE_CLIENT, email: 'g@example.test', name: 'Gee', picture: 'https://pic.test/gee' };
    const byToken = await newApp().logIn(Realm.Credentials.google({ idToken: await issuerToken(claims) }));
    expect(byToken.identities).toEqual([{ id: sub, providerType: 'oauth2-google' }]);
    expect(byToken.profile).toMatchObject({ email: 'g@example.test', name: 'Gee', pictureUrl: 'https://pic.test/gee' });
    const byCode = await newApp().logIn(Realm.Credentials.google({ authCode: await googleCode(claims, 'postmessage') }));
    expect(byCode.id).toBe(byToken.id);
  });

  it('Facebook: Credentials.facebook(accessToken)', async () => {
    const id = unique('fb');
    const user = await newApp().logIn(Realm.Credentials.facebook(await facebookToken({ id, name: 'Eff Bee', email: 'fb@example.test' })));
    expect(user.identities).toEqual([{ id, providerType: 'oauth2-facebook' }]);
    expect(user.profile).toMatchObject({ name: 'Eff Bee', email: 'fb@example.test' });
    const invalid = await rejection(newApp().logIn(Realm.Credentials.facebook('EAAinvalid')));
    expect([invalid.statusCode, invalid.errorCode]).toEqual([401, 'AuthError']);
  });

  it('links Google, Facebook and a custom JWT to one anonymous user, data merged', async () => {
    const app = newApp();
    const user = await app.logIn(Realm.Credentials.anonymous());
    const sub = unique('link-google');
    await user.linkCredentials(Realm.Credentials.google({ idToken: await issuerToken({ sub, aud: GOOGLE_CLIENT, name: 'Linked', email: 'l@example.test' }) }));
    await user.linkCredentials(Realm.Credentials.facebook(await facebookToken({ id: unique('link-fb'), first_name: 'Lin' })));
    await user.linkCredentials(Realm.Credentials.jwt(await issuerToken({ sub: unique('link-jwt'), aud: CUSTOM_AUDIENCE, email: 'l@example.test' })));
    expect(user.identities.map((i) => i.providerType)).toEqual(['anon-user', 'oauth2-google', 'oauth2-facebook', 'custom-token']);
    expect(user.profile).toMatchObject({ name: 'Linked', email: 'l@example.test', firstName: 'Lin' });
    const again = await newApp().logIn(Realm.Credentials.google({ idToken: await issuerToken({ sub, aud: GOOGLE_CLIENT }) }));
    expect(again.id).toBe(user.id);
  });
});
