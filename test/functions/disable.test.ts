import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as refresh } from '../../functions/session/refresh';
import { authorizeRequest, createAuthorizer } from '../../lib/authorizer';
import { logInWithPassword } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { setUserDisabled } from '../../lib/users';
import { CLIENT, invoke } from '../helpers/events';
import { emailUser, runtimeAt } from '../helpers/users';

describe('disabled users', () => {
  it('cannot log in, refresh or pass the authorizer; enabled again, they are the same user', async () => {
    const rt = await runtime();
    const user = await emailUser();
    const check = createAuthorizer(await runtimeAt(0, { GATEHOUSE_SESSION_CHECK_CACHE_MS: '0' }));
    await setUserDisabled(rt, user.user_id, true);
    await expect(logInWithPassword(rt, user.email, user.password, {}, '127.0.0.1')).rejects.toMatchObject({ code: 'UserDisabled', message: 'user disabled', status: 401 });
    const refreshed = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect([refreshed.status, refreshed.body.error_code]).toEqual([401, 'InvalidSession']);
    expect((await invoke(profile, { path: `${CLIENT}/auth/profile`, token: user.access_token })).body.error_code).toBe('InvalidSession');
    expect(await authorizeRequest(check, { headers: { authorization: `Bearer ${user.access_token}` } })).toEqual({ isAuthorized: false });
    await setUserDisabled(rt, user.user_id, false);
    expect((await logInWithPassword(rt, user.email, user.password, {}, '127.0.0.1')).user_id).toBe(user.user_id);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token })).status).toBe(201);
  });

  it('answers UserNotFound for an unknown user', async () => {
    await expect(setUserDisabled(await runtime(), '0123456789abcdef01234567', true)).rejects.toMatchObject({ code: 'UserNotFound' });
  });
});
