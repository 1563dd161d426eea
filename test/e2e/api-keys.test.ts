import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { createServerApiKey } from '../../lib/api-keys';
import { uniqueEmail } from '../helpers/events';
import { type Exchange, e2eStack, newApp, rejection } from './stack';

const stack = e2eStack();



async function emailUser(app: Realm.App) {
  const [email, password] = [uniqueEmail('e2e-keys'), 'a long password'];
  await app.emailPasswordAuth.registerUser({ email, password });
  return app.logIn(Realm.Credentials.emailPassword(email, password));
}

describe('realm-web 2.0.1 API keys', () => {
  it('check 22: create, list, disable, log in, enable, delete, name rule', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const user = await emailUser(app);
    log.length = 0;
    const key = await user.apiKeys.create('k1');
    expect(key).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), key: expect.any(String), name: 'k1', disabled: false });
    expect(log[0].authorization).toBe(`Bearer ${user.refreshToken}`);
    const all = await user.apiKeys.fetchAll();
    expect(all).toEqual([{ _id: key._id, name: 'k1', disabled: false }]);
    await user.apiKeys.disable(key._id);
    const refused = await rejection(newApp().logIn(Realm.Credentials.apiKey(key.key)));
    expect([refused.statusCode, refused.errorCode, refused.error]).toEqual([401, 'AuthError', 'invalid API key']);
    await user.apiKeys.enable(key._id);
    const viaKey = await newApp().logIn(Realm.Credentials.apiKey(key.key));
    expect(viaKey.id).toBe(user.id);
    expect(viaKey.identities).toContainEqual({ id: key._id, providerType: 'api-key' });
    await user.apiKeys.delete(key._id);
    const missing = await rejection(user.apiKeys.fetch(key._id));
    expect([missing.statusCode, missing.errorCode]).toEqual([404, 'APIKeyNotFound']);
    const badName = await rejection(user.apiKeys.create('My key'));
    expect([badName.statusCode, badName.errorCode]).toEqual([400, 'InvalidParameter']);
  });

  it("check 24: another user's key id is not found on every route", async () => {
    const owner = await emailUser(newApp());
    const other = await emailUser(newApp());
    const key = await owner.apiKeys.create('owned');
    for (const call of [() => other.apiKeys.fetch(key._id), () => other.apiKeys.enable(key._id), () => other.apiKeys.disable(key._id), () => other.apiKeys.delete(key._id)]) {
      const error = await rejection(call());
      expect([error.statusCode, error.errorCode]).toEqual([404, 'APIKeyNotFound']);
    }
  });

  it('a server key logs in as a server user whose one identity is the key', async () => {
    const { runtimeAt } = stack;
    const key = await createServerApiKey(await runtimeAt(0), `e2e-server-${Date.now()}`);
    const user = await newApp().logIn(Realm.Credentials.apiKey(key.key));
    expect(user.identities).toEqual([{ id: key._id, providerType: 'api-key' }]);
    const profile = await fetch(`${stack.client}/auth/profile`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(((await profile.json()) as { type: string }).type).toBe('server');
  });
});
