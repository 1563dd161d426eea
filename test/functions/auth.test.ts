import { describe, expect, it } from 'vitest';
import { handler as remove } from '../../functions/auth/delete';
import { handler as profile } from '../../functions/auth/profile';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as refresh } from '../../functions/session/refresh';
import { handler as logout } from '../../functions/session/logout';
import { APP, CLIENT, invoke } from '../helpers/events';
import { anonymousUser, emailUser, runtimeAt } from '../helpers/users';

const profilePath = `${CLIENT}/auth/profile`;

describe('GET /auth/profile', () => {
  it('returns type, identities and data for an email user', async () => {
    const user = await emailUser();
    const res = await invoke(profile, { path: profilePath, token: user.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: user.user_id, type: 'normal', data: { email: user.email } });
    expect(res.body.domain_id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body.identities).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{24}$/), provider_type: 'local-userpass', provider_id: expect.any(String), provider_data: { email: user.email } },
    ]);
  });

  it('returns an anonymous identity and empty data for an anonymous user', async () => {
    const user = await anonymousUser();
    const res = await invoke(profile, { path: profilePath, token: user.access_token });
    expect(res.body.identities).toHaveLength(1);
    expect(res.body.identities[0]).toMatchObject({ provider_type: 'anon-user', id: expect.stringMatching(/^[0-9a-f]{24}-[a-z]{24}$/) });
    expect(res.body.data).toEqual({});
  });

  it('refuses expired, refresh, malformed and logged-out tokens with InvalidSession', async () => {
    const user = await anonymousUser();
    const claims = { userId: user.user_id, sessionId: JSON.parse(Buffer.from(user.access_token.split('.')[1], 'base64url').toString()).baas_id, deviceId: user.device_id };
    const expired = await (await runtimeAt(-31 * 60 * 1000)).tokens.signAccess(claims);
    for (const token of [expired, user.refresh_token, 'not-a-jwt', `${user.access_token}x`]) {
      const res = await invoke(profile, { path: profilePath, token });
      expect(res.status, token.slice(0, 20)).toBe(401);
      expect(res.headers['Content-Type']).toBe('application/json');
      expect(res.body.error_code).toBe('InvalidSession');
    }
    await invoke(logout, { method: 'DELETE', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect((await invoke(profile, { path: profilePath, token: user.access_token })).body.error_code).toBe('InvalidSession');
  });

  it('refuses a token of another app with UserAppDomainMismatch', async () => {
    const user = await anonymousUser();
    const other = await runtimeAt(0, { GATEHOUSE_APP_ID: 'another-app' });
    const token = await other.tokens.signAccess({ userId: user.user_id, sessionId: 'x', deviceId: user.device_id });
    const res = await invoke(profile, { path: profilePath, token });
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('UserAppDomainMismatch');
  });
});

describe('DELETE /auth/delete', () => {
  it('deletes the user, its credential and sessions', async () => {
    const user = await emailUser();
    const res = await invoke(remove, { method: 'DELETE', path: `${CLIENT}/auth/delete`, token: user.access_token });
    expect(res).toMatchObject({ status: 204, body: undefined });
    const refreshed = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect(refreshed.body.error).toContain('failed to find refresh token');
    const login = await invoke(userpassLogin, {
      method: 'POST',
      path: `${CLIENT}/app/${APP}/auth/providers/local-userpass/login`,
      params: { app: APP },
      body: { username: user.email, password: user.password },
    });
    expect(login.body.error_code).toBe('InvalidPassword');
    expect((await invoke(profile, { path: profilePath, token: user.access_token })).status).toBe(401);
  });
});
