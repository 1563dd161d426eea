import { decodeJwt } from 'jose';
import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/events';
import { E2E_APP, e2eStack, type Exchange, newApp, rejection, type Stack } from './stack';

const stack: Stack = e2eStack();
const exchanges: Exchange[] = [];
const HEX24 = /^[0-9a-f]{24}$/;




async function jsonOf(res: Response): Promise<any> {
  return res.json();
}

function sessionIdOf(token: string): string {
  return decodeJwt(token).baas_id as string;
}

describe('realm-web 2.0.1 against serverless offline', () => {
  it('check 1: location answers with exact JSON and a usable hostname', async () => {
    const res = await fetch(`${stack.client}/app/${E2E_APP}/location`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await jsonOf(res);
    expect(body).toMatchObject({ hostname: stack.baseUrl, ws_hostname: expect.any(String), deployment_model: 'GLOBAL', location: expect.any(String) });
    expect(body.hostname.endsWith('/')).toBe(false);
  });

  it('checks 2–3: anonymous login, client-side reuse, a new app gets a new user', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const user = await app.logIn(Realm.Credentials.anonymous());
    expect(user.id).toMatch(HEX24);
    expect(user.deviceId).toMatch(HEX24);
    expect(typeof user.profile).toBe('object');
    expect(user.identities).toEqual([{ id: expect.any(String), providerType: 'anon-user' }]);
    expect(user.customData).toEqual({});
    log.length = 0;
    const again = await app.logIn(Realm.Credentials.anonymous());
    expect(again).toBe(user);
    expect(log.map((e) => `${e.method} ${new URL(e.url).pathname}`)).toEqual(['GET /api/client/v2.0/auth/profile']);
    const other = await newApp().logIn(Realm.Credentials.anonymous());
    expect(other.id).not.toBe(user.id);
    exchanges.push(...log);
  });

  it('check 4: a raw login answers the four fields and a 30-minute token', async () => {
    const res = await fetch(`${stack.client}/app/${E2E_APP}/auth/providers/anon-user/login`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const body = await jsonOf(res);
    expect(body.device_id).toMatch(HEX24);
    const claims = decodeJwt(body.access_token);
    expect(typeof claims.exp).toBe('number');
    expect(claims.exp! - claims.iat!).toBe(1800);
    expect(claims).toMatchObject({ sub: body.user_id, baas_device_id: body.device_id });
    expect(typeof body.refresh_token).toBe('string');
  });

  it('checks 5–8: register, log in, device reuse, duplicate and wrong credentials', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const [email, password] = [uniqueEmail('e2e'), 'a long password'];
    await app.emailPasswordAuth.registerUser({ email, password });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
    expect(user.profile.email).toBe(email);
    const again = await app.logIn(Realm.Credentials.emailPassword(email, password));
    const login = log.filter((e) => e.url.endsWith('/local-userpass/login')).at(-1)!;
    expect(JSON.parse(login.body!).options.device.deviceId).toEqual({ $oid: user.deviceId });
    expect(again.deviceId).toBe(user.deviceId);
    const stitchStyle = await fetch(`${stack.client}/app/${E2E_APP}/auth/providers/local-userpass/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: email, password, options: { device: { deviceId: user.deviceId, platform: 'js-server' } } }),
    });
    expect((await jsonOf(stitchStyle)).device_id).toBe(user.deviceId);

    const duplicate = await rejection(app.emailPasswordAuth.registerUser({ email, password }));
    expect([duplicate.errorCode, duplicate.error]).toEqual(['AccountNameInUse', 'name already in use']);
    for (const [name, pw] of [[email, 'wrong password'], ['nobody@x.y', 'pw']]) {
      const error = await rejection(app.logIn(Realm.Credentials.emailPassword(name, pw)));
      expect([error.statusCode, error.errorCode, error.error]).toEqual([401, 'InvalidPassword', 'unauthorized']);
    }
    exchanges.push(...log);
  });

  it('check 12: refreshCustomData refreshes with the refresh token and gets only an access token', async () => {
    const log: Exchange[] = [];
    const user = await newApp(log).logIn(Realm.Credentials.anonymous());
    log.length = 0;
    expect(await user.refreshCustomData()).toEqual({});
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ method: 'POST', authorization: `Bearer ${user.refreshToken}` });
    expect(log[0].status).toBeGreaterThanOrEqual(200);
    expect(Object.keys(JSON.parse(log[0].responseText))).toEqual(['access_token']);
    exchanges.push(...log);
  });

  it('checks 13–14: refresh refuses an access token and accepts an empty charset body', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const wrong = await fetch(`${stack.client}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(wrong.status).toBe(401);
    expect((await jsonOf(wrong)).error_code).toBe('InvalidSession');
    const empty = await fetch(`${stack.client}/auth/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.refreshToken}`, 'content-type': 'application/json;charset=utf-8' },
    });
    expect(empty.status).toBe(201);
  });

  it('check 15: an expired access token costs one refresh and one retry', async () => {
    const log: Exchange[] = [];
    const user = await newApp(log).logIn(Realm.Credentials.anonymous());
    const past = await stack.runtimeAt(-31 * 60 * 1000);
    const expired = await past.tokens.signAccess({ userId: user.id, sessionId: sessionIdOf(user.accessToken!), deviceId: user.deviceId! });
    const raw = await fetch(`${stack.client}/auth/profile`, { headers: { authorization: `Bearer ${expired}` } });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect((await jsonOf(raw)).error_code).toBe('InvalidSession');
    (user as unknown as { accessToken: string }).accessToken = expired;
    log.length = 0;
    await user.refreshProfile();
    expect(log.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual([
      'GET /api/client/v2.0/auth/profile 401',
      'POST /api/client/v2.0/auth/session 201',
      'GET /api/client/v2.0/auth/profile 200',
    ]);
    exchanges.push(...log);
  });

  it('check 17: logOut ends the session; its refresh token then fails with the known message', async () => {
    const log: Exchange[] = [];
    const user = await newApp(log).logIn(Realm.Credentials.anonymous());
    const refreshToken = user.refreshToken!;
    await user.logOut();
    const logout = log.find((e) => e.method === 'DELETE')!;
    expect([logout.status, logout.contentType]).toEqual([204, null]);
    for (const method of ['POST', 'DELETE']) {
      const res = await fetch(`${stack.client}/auth/session`, { method, headers: { authorization: `Bearer ${refreshToken}` } });
      expect(res.status).toBe(401);
      const body = await jsonOf(res);
      expect(body.error_code).toBe('InvalidSession');
      expect(body.error).toContain('failed to find refresh token');
    }
    exchanges.push(...log);
  });

  it('check 18: deleteUser removes the user; the same credentials no longer log in', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const [email, password] = [uniqueEmail('e2e-delete'), 'a long password'];
    await app.emailPasswordAuth.registerUser({ email, password });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
    await app.deleteUser(user);
    expect(user.state).toBe('removed');
    const error = await rejection(app.logIn(Realm.Credentials.emailPassword(email, password)));
    expect(error.errorCode).toBe('InvalidPassword');
    exchanges.push(...log);
  });

  it('check 26: registering while the current token is expired needs no refresh', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const user = await app.logIn(Realm.Credentials.anonymous());
    const past = await stack.runtimeAt(-31 * 60 * 1000);
    (user as unknown as { accessToken: string }).accessToken = await past.tokens.signAccess({ userId: user.id, sessionId: sessionIdOf(user.accessToken!), deviceId: user.deviceId! });
    log.length = 0;
    await app.emailPasswordAuth.registerUser({ email: uniqueEmail('e2e-26'), password: 'a long password' });
    expect(log.map((e) => `${e.method} ${new URL(e.url).pathname}`)).toEqual([`POST /api/client/v2.0/app/${E2E_APP}/auth/providers/local-userpass/register`]);
    exchanges.push(...log);
  });

  it('check 27: the browser preflight is answered', async () => {
    const res = await fetch(`${stack.client}/auth/profile`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-BaaS-Location');
  });

  it('check 25: every empty success has no Content-Type, every error exact JSON', () => {
    expect(exchanges.length).toBeGreaterThan(20);
    for (const e of exchanges) {
      const where = `${e.method} ${e.url} ${e.status}`;
      if (e.status < 300 && e.responseText === '') expect(e.contentType, where).toBeNull();
      if (e.status >= 400) {
        expect(e.contentType, where).toBe('application/json');
        const body = JSON.parse(e.responseText);
        expect(typeof body.error, where).toBe('string');
        expect(typeof body.error_code, where).toBe('string');
      }
    }
    expect(exchanges.some((e) => e.status >= 400)).toBe(true);
    expect(exchanges.some((e) => e.status === 204)).toBe(true);
  });
});

describe('authorizer through serverless offline', () => {
  it('lets a live access token reach the example route and refuses others', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const ok = await fetch(`${stack.baseUrl}/api/example/whoami`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(ok.status).toBe(200);
    expect(await jsonOf(ok)).toMatchObject({ userId: user.id, userType: 'normal', deviceId: user.deviceId });
    const refused = await fetch(`${stack.baseUrl}/api/example/whoami`, { headers: { authorization: `Bearer ${user.refreshToken}` } });
    expect([401, 403]).toContain(refused.status);
  });
});
