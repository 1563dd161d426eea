import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_BUDGET } from '../../lib/tokens';
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

  it('never locks a user out over serverless offline: a document a backend wrote past the token budget stays out of tokens', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    // Straight into the table, as a backend would: no budget check on this path.
    await (await stack.runtimeAt(0)).store.putCustomData(user.id, { blob: 'x'.repeat(7600), userId: user.id });
    expect(await user.refreshCustomData()).toEqual({});
    expect(user.accessToken!.length).toBeLessThanOrEqual(ACCESS_TOKEN_BUDGET);
    await user.refreshProfile();
    const put = (body: unknown) =>
      fetch(`${stack.client}/auth/custom_data`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const over = await put({ blob: 'x'.repeat(7600) });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error_code: string }).error_code).toBe('InvalidParameter');
    expect((await put({ plan: 'pro' })).status).toBe(200);
    expect(await user.refreshCustomData()).toEqual({ plan: 'pro', userId: user.id });
  });
});
