import { describe, expect, it } from 'vitest';
import { handler as disableRoute } from '../../functions/admin/users-disable';
import { handler as enableRoute } from '../../functions/admin/users-enable';
import { handler as profile } from '../../functions/auth/profile';
import { handler as refresh } from '../../functions/session/refresh';
import { authorizeRequest, createAuthorizer } from '../../lib/authorizer';
import type { AuthInfo } from '../../lib/login';
import { logInWithPassword } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { setUserDisabled } from '../../lib/users';
import { adminSession } from '../helpers/admin';
import { CLIENT, invoke } from '../helpers/events';
import { emailUser, runtimeWithClock } from '../helpers/users';

/** The admin API's disable or enable route, as the CLI and the console call it. */
async function adminSet(handler: typeof disableRoute, userId: string, action: 'disable' | 'enable') {
  const rt = await runtime();
  const { token } = await adminSession();
  const app = { groupId: rt.config.groupId, appId: rt.config.domainId };
  const path = `/api/admin/v3.0/groups/${app.groupId}/apps/${app.appId}/users/${userId}/${action}`;
  return invoke(handler, { method: 'PUT', path, params: { ...app, userId }, token });
}

describe('disabled users', () => {
  it('cannot log in, refresh or pass the authorizer; enabled again, they are the same user', async () => {
    const rt = await runtime();
    const user = await emailUser();
    const { rt: authRt } = await runtimeWithClock({ GATEHOUSE_SESSION_CHECK_CACHE_MS: '0' });
    const check = createAuthorizer(authRt);
    await setUserDisabled(rt, user.user_id, true);
    await expect(logInWithPassword(rt, user.email, user.password, {}, '127.0.0.1')).rejects.toMatchObject({ code: 'UserDisabled', message: 'user disabled', status: 401 });
    const refreshed = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect([refreshed.status, refreshed.body.error_code]).toEqual([401, 'InvalidSession']);
    expect((await invoke(profile, { path: `${CLIENT}/auth/profile`, token: user.access_token })).body.error_code).toBe('InvalidSession');
    expect(await authorizeRequest(check, { headers: { authorization: `Bearer ${user.access_token}` } })).toEqual({ isAuthorized: false });
    await setUserDisabled(rt, user.user_id, false);
    expect((await logInWithPassword(rt, user.email, user.password, {}, '127.0.0.1')).user_id).toBe(user.user_id);
  });

  it('ends every session: after enable, the old refresh and access tokens stay refused and a new login works', async () => {
    const user = await emailUser();
    const { rt: authRt, clock } = await runtimeWithClock({ GATEHOUSE_SESSION_CHECK_CACHE_MS: '1000' });
    const check = createAuthorizer(authRt);
    const allowed = async (token: string) => (await authorizeRequest(check, { headers: { authorization: `Bearer ${token}` } })).isAuthorized;
    expect(await allowed(user.access_token)).toBe(true);
    expect((await adminSet(disableRoute, user.user_id, 'disable')).status).toBe(204);
    expect((await adminSet(enableRoute, user.user_id, 'enable')).status).toBe(204);
    const refreshed = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect([refreshed.status, refreshed.body]).toEqual([401, { error: 'invalid session: failed to find refresh token', error_code: 'InvalidSession' }]);
    expect((await invoke(profile, { path: `${CLIENT}/auth/profile`, token: user.access_token })).body.error_code).toBe('InvalidSession');
    // The authorizer may trust its last check for its cache window, never past it.
    clock.now += 1001;
    expect(await allowed(user.access_token)).toBe(false);
    const fresh = (await logInWithPassword(await runtime(), user.email, user.password, {}, '127.0.0.1')) as AuthInfo;
    expect(fresh.user_id).toBe(user.user_id);
    expect(await allowed(fresh.access_token)).toBe(true);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: fresh.refresh_token })).status).toBe(201);
  });

  it('answers UserNotFound for an unknown user', async () => {
    await expect(setUserDisabled(await runtime(), '0123456789abcdef01234567', true)).rejects.toMatchObject({ code: 'UserNotFound' });
  });
});
