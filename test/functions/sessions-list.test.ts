import { describe, expect, it } from 'vitest';
import { handler as refresh } from '../../functions/session/refresh';
import { handler as end } from '../../functions/sessions/end';
import { handler as list } from '../../functions/sessions/list';
import { handler as devices } from '../../functions/admin/users-devices';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import type { AuthInfo } from '../../lib/login';
import { logInWithPassword } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { APP, CLIENT, invoke } from '../helpers/events';
import { adminSession } from '../helpers/admin';
import { emailUser } from '../helpers/users';

describe('the caller’s sessions (extension)', () => {
  it('lists each live session with its device, marks the current one, and ends another', async () => {
    const user = await emailUser();
    const rt = await runtime();
    const second = (await logInWithPassword(rt, user.email, user.password, { platform: 'node' }, '127.0.0.1')) as AuthInfo;
    const res = await invoke(list, { path: `${CLIENT}/auth/sessions`, token: second.access_token });
    expect(res.body).toHaveLength(2);
    expect(res.body.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const other = res.body.find((s: { current: boolean }) => !s.current);
    expect((await invoke(end, { method: 'DELETE', path: `${CLIENT}/auth/sessions/${other.id}`, params: { sessionId: other.id }, token: second.access_token })).status).toBe(204);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token })).status).toBe(401);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: second.refresh_token })).status).toBe(201);
    const again = await invoke(end, { method: 'DELETE', path: `${CLIENT}/auth/sessions/${other.id}`, params: { sessionId: other.id }, token: second.access_token });
    expect([again.status, again.body.error_code]).toEqual([404, 'NotFound']);
  });
});

describe('admin devices', () => {
  it('lists the devices a user logged in from', async () => {
    const user = await emailUser();
    const rt = await runtime();
    const { token } = await adminSession();
    const res = await invoke(devices, {
      path: `/api/admin/v3.0/groups/${rt.config.groupId}/apps/${rt.config.domainId}/users/${user.user_id}/devices`,
      params: { groupId: rt.config.groupId, appId: rt.config.domainId, userId: user.user_id },
      token,
    });
    expect(res.body).toEqual([expect.objectContaining({ _id: user.device_id, user_id: user.user_id })]);
  });

  it('keeps what a native SDK reports of its device, extra fields and all, and shows it to the operator', async () => {
    const user = await emailUser();
    const rt = await runtime();
    // As realm-core sends it: a plain-string device id once it has one, and fields realm-web never sends.
    const native = {
      appId: 'com.example.votes',
      appVersion: '3.1.4 (build 271)',
      platform: 'iOS',
      platformVersion: '17.4.1',
      sdk: 'Swift',
      sdkVersion: '10.49.1',
      cpuArch: 'arm64',
      deviceName: 'iPhone15,2',
      deviceVersion: '17.4.1',
      frameworkName: 'SwiftUI',
      frameworkVersion: '5.10',
      coreVersion: '14.5.1',
      bundleId: 'com.example.votes',
    };
    const login = (device: Record<string, unknown>) =>
      invoke(userpassLogin, {
        method: 'POST',
        path: `${CLIENT}/app/${APP}/auth/providers/local-userpass/login`,
        params: { app: APP },
        body: { username: user.email, password: user.password, options: { device } },
      });
    const first = await login({ deviceId: '000000000000000000000000', ...native });
    expect(first.status).toBe(200);
    const second = await login({ deviceId: first.body.device_id, ...native, appVersion: '3.1.5 (build 272)' });
    expect([second.status, second.body.device_id]).toEqual([200, first.body.device_id]);
    const { token } = await adminSession();
    const res = await invoke(devices, {
      path: `/api/admin/v3.0/groups/${rt.config.groupId}/apps/${rt.config.domainId}/users/${user.user_id}/devices`,
      params: { groupId: rt.config.groupId, appId: rt.config.domainId, userId: user.user_id },
      token,
    });
    expect(res.body).toContainEqual({
      _id: first.body.device_id,
      user_id: user.user_id,
      platform: 'iOS',
      platform_version: '17.4.1',
      sdk_version: '10.49.1',
      app_id: 'com.example.votes',
      app_version: '3.1.5 (build 272)',
      last_seen: expect.any(Number),
    });
  });
});
