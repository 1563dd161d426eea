import * as Realm from 'realm-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/events';
import { ADMIN } from '../helpers/global-setup';
import { e2eStack, newApp, rejection } from './stack';

const stack = e2eStack();
const admin = `${stack.baseUrl}/api/admin/v3.0`;
let token: string;
let appPath: string;

async function call(method: string, path: string, body?: unknown, bearer = token) {
  const res = await fetch(`${admin}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  const login = await fetch(`${admin}/auth/providers/mongodb-cloud/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, apiKey: ADMIN.apiKey }),
  });
  token = ((await login.json()) as { access_token: string }).access_token;
  const profile = await call('GET', '/auth/profile');
  const groupId = profile.body.roles[0].group_id;
  const apps = await call('GET', `/groups/${groupId}/apps`);
  appPath = `/groups/${groupId}/apps/${apps.body[0]._id}`;
});

describe('admin API', () => {
  it('check 28: login, profile roles, and the app listed with its client app id', async () => {
    const login = await fetch(`${admin}/auth/providers/mongodb-cloud/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, apiKey: ADMIN.apiKey }),
    });
    expect(Object.keys((await login.json()) as object).sort()).toEqual(['access_token', 'device_id', 'refresh_token', 'user_id']);
    const wrong = await fetch(`${admin}/auth/providers/mongodb-cloud/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, apiKey: 'nope' }) });
    expect(wrong.status).toBe(401);
    const profile = await call('GET', '/auth/profile');
    expect(profile.body.roles[0].group_id).toMatch(/^[0-9a-f]{24}$/);
    const apps = await call('GET', `/groups/${profile.body.roles[0].group_id}/apps`);
    expect(apps.body[0]).toMatchObject({ client_app_id: 'gatehouse-e2e', _id: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });

  it('ends an admin session with its refresh token (204) and refuses the access token there (401), as the Admin API v3 does', async () => {
    const login = await fetch(`${admin}/auth/providers/mongodb-cloud/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, apiKey: ADMIN.apiKey }),
    });
    const tokens = (await login.json()) as { access_token: string; refresh_token: string };
    const wrong = await call('DELETE', '/auth/session', undefined, tokens.access_token);
    expect([wrong.status, wrong.body]).toEqual([401, { error: 'invalid refresh token: incorrect token type', error_code: 'InvalidSession' }]);
    expect((await call('DELETE', '/auth/session', undefined, tokens.refresh_token)).status).toBe(204);
  });

  it('refuses client tokens on admin routes, and admin tokens on client routes', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    expect((await call('GET', '/auth/profile', undefined, user.accessToken!)).body.error_code).toBe('InvalidSession');
    const profile = await fetch(`${stack.client}/auth/profile`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await profile.json()) as { error_code: string }).error_code).toBe('InvalidSession');
  });

  it('check 29: create, get, list (paging, desc, filters), and realm-web logs in', async () => {
    const email = uniqueEmail('admin');
    const created = await call('POST', `${appPath}/users`, { email, password: 'an admin made pw' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'normal', data: { email }, disabled: false });
    expect(created.body.identities).toEqual([expect.objectContaining({ provider_type: 'local-userpass', provider_data: { email } })]);
    expect(Number.isInteger(created.body.creation_date)).toBe(true);
    expect((await call('GET', `${appPath}/users/${created.body._id}`)).body).toEqual(created.body);
    const seen: string[] = [];
    let after = '';
    for (let page = await call('GET', `${appPath}/users`); page.body.length; page = await call('GET', `${appPath}/users?after=${after}`)) {
      expect(page.body.length).toBeLessThanOrEqual(50);
      seen.push(...page.body.map((u: { _id: string }) => u._id));
      after = seen[seen.length - 1];
    }
    expect(seen).toContain(created.body._id);
    expect(new Set(seen).size).toBe(seen.length);
    const desc = await call('GET', `${appPath}/users?desc=true`);
    expect(desc.body[0]._id >= desc.body[desc.body.length - 1]._id).toBe(true);
    const anon = await call('GET', `${appPath}/users?provider_types=anon-user`);
    expect(anon.body.every((u: { identities: { provider_type: string }[] }) => u.identities.some((i) => i.provider_type === 'anon-user'))).toBe(true);
    const user = await newApp().logIn(Realm.Credentials.emailPassword(email, 'an admin made pw'));
    expect(user.id).toBe(created.body._id);
    expect((await call('GET', `${appPath}/users?email=${encodeURIComponent(email.toUpperCase())}`)).body.map((u: { _id: string }) => u._id)).toEqual([created.body._id]);
    const identity = `local-userpass:${created.body.identities[0].id}`;
    expect((await call('GET', `${appPath}/users?identity=${encodeURIComponent(identity)}`)).body[0]._id).toBe(created.body._id);
    expect((await call('GET', `${appPath}/users?email=nobody%40example.test`)).body).toEqual([]);
  });

  it('check 30: disable logs realm-web out and blocks login; enable restores the same user', async () => {
    const email = uniqueEmail('admin-disable');
    const created = await call('POST', `${appPath}/users`, { email, password: 'an admin made pw' });
    const user = await newApp().logIn(Realm.Credentials.emailPassword(email, 'an admin made pw'));
    expect((await call('PUT', `${appPath}/users/${user.id}/disable`)).status).toBe(204);
    expect((await call('GET', `${appPath}/users?status=disabled`)).body.map((u: { _id: string }) => u._id)).toContain(user.id);
    const refused = await rejection(user.refreshCustomData());
    expect([refused.statusCode, refused.errorCode]).toEqual([401, 'InvalidSession']);
    expect(user.state).toBe('logged-out');
    const login = await rejection(newApp().logIn(Realm.Credentials.emailPassword(email, 'an admin made pw')));
    expect(login.errorCode).toBe('UserDisabled');
    expect((await call('PUT', `${appPath}/users/${user.id}/enable`)).status).toBe(204);
    expect((await newApp().logIn(Realm.Credentials.emailPassword(email, 'an admin made pw'))).id).toBe(created.body._id);
  });

  it('check 31: logout revokes every refresh token; a new login works', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const refreshToken = user.refreshToken!;
    expect((await call('PUT', `${appPath}/users/${user.id}/logout`)).status).toBe(204);
    const res = await fetch(`${stack.client}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${refreshToken}` } });
    expect(res.status).toBe(401);
    expect((await newApp().logIn(Realm.Credentials.anonymous())).id).toBeTruthy();
  });

  it('check 32: delete removes the user, its refresh tokens and API keys', async () => {
    const email = uniqueEmail('admin-delete');
    await call('POST', `${appPath}/users`, { email, password: 'an admin made pw' });
    const user = await newApp().logIn(Realm.Credentials.emailPassword(email, 'an admin made pw'));
    const key = await user.apiKeys.create('doomed');
    expect((await call('DELETE', `${appPath}/users/${user.id}`)).status).toBe(204);
    expect((await call('GET', `${appPath}/users/${user.id}`)).status).toBe(404);
    const refresh = await fetch(`${stack.client}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${user.refreshToken}` } });
    expect(refresh.status).toBe(401);
    expect((await rejection(newApp().logIn(Realm.Credentials.apiKey(key.key)))).error).toBe('invalid API key');
  });

  it('check 33: server API keys log in as server users; disabled, they do not; the list never shows secrets', async () => {
    const created = await call('POST', `${appPath}/api_keys`, { name: `server-${Date.now()}` });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), key: expect.any(String), name: expect.any(String), disabled: false });
    const user = await newApp().logIn(Realm.Credentials.apiKey(created.body.key));
    expect(user.identities).toEqual([{ id: created.body._id, providerType: 'api-key' }]);
    const profile = await fetch(`${stack.client}/auth/profile`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(((await profile.json()) as { type: string }).type).toBe('server');
    expect((await call('GET', `${appPath}/users/${user.id}`)).body.type).toBe('server');
    const listed = await call('GET', `${appPath}/api_keys`);
    expect(listed.body).toContainEqual({ _id: created.body._id, name: created.body.name, disabled: false });
    expect(listed.body.every((k: object) => !('key' in k))).toBe(true);
    expect((await call('PUT', `${appPath}/api_keys/${created.body._id}/disable`)).status).toBe(204);
    expect((await call('GET', `${appPath}/api_keys/${created.body._id}`)).body.disabled).toBe(true);
    expect((await rejection(newApp().logIn(Realm.Credentials.apiKey(created.body.key)))).error).toBe('invalid API key');
    expect((await call('POST', `${appPath}/api_keys`, { name: created.body.name })).body.error_code).toBe('APIKeyAlreadyExists');
    expect((await call('DELETE', `${appPath}/api_keys/${created.body._id}`)).status).toBe(204);
    expect((await call('GET', `${appPath}/api_keys/${created.body._id}`)).body.error_code).toBe('APIKeyNotFound');
    expect((await call('GET', `${appPath}/users/${user.id}`)).status).toBe(404);
  });

  it.each([
    ['logout', 'PUT', 'logout'],
    ['disable', 'PUT', 'disable'],
    ['delete', 'DELETE', ''],
  ])('revocation: after %s the authorizer refuses old access tokens within its 1 s bound, refresh at once', async (_, method, action) => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const whoami = () => fetch(`${stack.baseUrl}/api/example/whoami`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect((await whoami()).status).toBe(200);
    expect((await call(method, `${appPath}/users/${user.id}${action ? `/${action}` : ''}`)).status).toBe(204);
    const refresh = await fetch(`${stack.client}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${user.refreshToken}` } });
    expect(refresh.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1100));
    expect([401, 403]).toContain((await whoami()).status);
  });

  it('check 34: verify_token answers the claims of a client token, 401 for garbage', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const ok = await call('POST', `${appPath}/users/verify_token`, { token: user.accessToken });
    expect(ok.body).toMatchObject({ sub: user.id, exp: expect.any(Number), iat: expect.any(Number), device_id: user.deviceId });
    const bad = await call('POST', `${appPath}/users/verify_token`, { token: 'garbage' });
    expect([bad.status, bad.body.error_code]).toEqual([401, 'InvalidSession']);
  });
});
