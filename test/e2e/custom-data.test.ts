import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { type Exchange, e2eStack, newApp } from './stack';

const stack = e2eStack();

describe('realm-web 2.0.1 custom user data', () => {
  it('check 12: refreshCustomData returns the document written for the user', async () => {
    const log: Exchange[] = [];
    const user = await newApp(log).logIn(Realm.Credentials.anonymous());
    expect(user.customData).toEqual({});
    const put = await fetch(`${stack.client}/auth/custom_data`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ favouriteColour: 'teal', visits: 3 }),
    });
    expect(put.status).toBe(200);
    log.length = 0;
    const data = await user.refreshCustomData();
    expect(data).toEqual({ favouriteColour: 'teal', visits: 3, userId: user.id });
    expect(user.customData).toEqual(data);
    expect(log.map((e) => [e.method, new URL(e.url).pathname, e.authorization])).toEqual([['POST', '/api/client/v2.0/auth/session', `Bearer ${user.refreshToken}`]]);
    expect(Object.keys(JSON.parse(log[0].responseText))).toEqual(['access_token']);
  });
});
