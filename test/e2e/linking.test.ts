import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/events';
import { type Exchange, newApp, rejection } from './stack';





async function registered(app: Realm.App) {
  const [email, password] = [uniqueEmail('e2e-link'), 'a long password'];
  await app.emailPasswordAuth.registerUser({ email, password });
  return { email, password };
}

describe('realm-web 2.0.1 account linking', () => {
  it('check 19: an anonymous user links a registered email and keeps its id', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const user = await app.logIn(Realm.Credentials.anonymous());
    const { email, password } = await registered(app);
    log.length = 0;
    await user.linkCredentials(Realm.Credentials.emailPassword(email, password));
    expect(user.identities.map((i) => i.providerType)).toEqual(['anon-user', 'local-userpass']);
    const link = log.find((e) => e.url.includes('/local-userpass/login'))!;
    expect(new URL(link.url).searchParams.get('link')).toBe('true');
    expect(link.authorization).toMatch(/^Bearer /);
    expect(Object.keys(JSON.parse(link.responseText)).sort()).toEqual(['access_token', 'device_id', 'user_id']);
    const again = await newApp().logIn(Realm.Credentials.emailPassword(email, password));
    expect(again.id).toBe(user.id);
  });

  it('check 20: linking a credential of another user fails at once with AccountNameInUse', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const { email, password } = await registered(app);
    await newApp().logIn(Realm.Credentials.emailPassword(email, password));
    const anon = await app.logIn(Realm.Credentials.anonymous());
    log.length = 0;
    const error = await rejection(anon.linkCredentials(Realm.Credentials.emailPassword(email, password)));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([401, 'AccountNameInUse', 'a user already exists with the specified provider']);
    expect(log.filter((e) => e.url.endsWith('/auth/session'))).toEqual([]);
    expect(anon.state).toBe('active');
  });

  it('check 21: anonymous and second email/password links are refused with 500', async () => {
    const app = newApp();
    const { email, password } = await registered(app);
    const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
    const anonymous = await rejection(user.linkCredentials(Realm.Credentials.anonymous()));
    expect([anonymous.statusCode, anonymous.error]).toEqual([500, 'linking an anonymous identity is not allowed']);
    const other = await registered(app);
    const second = await rejection(user.linkCredentials(Realm.Credentials.emailPassword(other.email, other.password)));
    expect([second.statusCode, second.error]).toEqual([500, 'linking a local-userpass identity is not allowed when one is already linked']);
  });
});
