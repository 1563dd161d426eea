import { describe, expect, it } from 'vitest';
import { handler as apps } from '../../functions/admin/apps-list';
import { handler as login } from '../../functions/admin/auth-login';
import { handler as logout } from '../../functions/admin/auth-logout';
import { handler as pendingConfirm } from '../../functions/admin/pending-confirm';
import { handler as pendingDelete } from '../../functions/admin/pending-delete';
import { handler as pendingRun } from '../../functions/admin/pending-run';
import { handler as pendingSend } from '../../functions/admin/pending-send';
import { handler as sendReset } from '../../functions/admin/users-send-reset';
import type { Handler } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke } from '../helpers/events';
import { ADMIN } from '../helpers/global-setup';

/**
 * Admin API v3 shapes as its public description gives them: the OpenAPI document of the App Services
 * docs (mongodb/docs-app-services, source/openapi-admin-v3.yaml) and the public admin clients that ran
 * against the real server (realm-core's test/object-store/util/sync/baas_admin_api.cpp).
 */
const ADMIN_PATH = '/api/admin/v3.0';

async function logIn(provider: string, body: Record<string, string>) {
  return invoke(login, { method: 'POST', path: `${ADMIN_PATH}/auth/providers/${provider}/login`, params: { provider }, body });
}

describe('admin API v3 shapes', () => {
  it('DELETE /auth/session answers 204 for an admin refresh token and 401 for an access token or none, as POST does', async () => {
    const session = await logIn('mongodb-cloud', { username: ADMIN.username, apiKey: ADMIN.apiKey });
    const path = `${ADMIN_PATH}/auth/session`;
    const ended = await invoke(logout, { method: 'DELETE', path, token: session.body.refresh_token });
    expect([ended.status, ended.body]).toEqual([204, undefined]);
    const access = await invoke(logout, { method: 'DELETE', path, token: session.body.access_token });
    expect([access.status, access.body]).toEqual([401, { error: 'invalid refresh token: incorrect token type', error_code: 'InvalidSession' }]);
    const none = await invoke(logout, { method: 'DELETE', path });
    expect([none.status, none.body.error_code]).toEqual([401, 'MissingAuthReq']);
  });

  it('lists the app as an AppInstance: every field, last_used and last_modified as Unix seconds', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const res = await invoke(apps, { path: `${ADMIN_PATH}/groups/${rt.config.groupId}/apps`, params: { groupId: rt.config.groupId }, token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body[0]).sort()).toEqual(
      ['_id', 'client_app_id', 'deployment_model', 'domain_id', 'environment', 'group_id', 'last_modified', 'last_used', 'location', 'name', 'product'],
    );
    expect(res.body[0]).toMatchObject({ _id: rt.config.domainId, client_app_id: rt.config.appId, group_id: rt.config.groupId, product: 'standard', environment: '' });
    expect([Number.isInteger(res.body[0].last_used), Number.isInteger(res.body[0].last_modified)]).toEqual([true, true]);
  });

  it('logs in with the body realm-core sends to local-userpass/login ({provider, username, password})', async () => {
    const res = await logIn('local-userpass', { provider: 'userpass', username: ADMIN.username, password: ADMIN.apiKey });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'device_id', 'refresh_token', 'user_id']);
    // Any other unknown field is still refused: admin bodies stay closed.
    const other = await logIn('local-userpass', { role: 'owner', username: ADMIN.username, password: ADMIN.apiKey });
    expect([other.status, other.body]).toEqual([400, { error: 'unexpected field "role"', error_code: 'InvalidParameter' }]);
  });

  it('takes an email path parameter that is not valid percent-encoding as written: a 4xx, never a 500', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const email = 'half%zz-escape@example.test';
    const base = `${ADMIN_PATH}/groups/${rt.config.groupId}/apps/${rt.config.domainId}`;
    const params = { groupId: rt.config.groupId, appId: rt.config.domainId, email };
    const calls: [Handler, string, string][] = [
      [pendingConfirm, 'POST', `/user_registrations/by_email/${email}/confirm`],
      [pendingSend, 'POST', `/user_registrations/by_email/${email}/send_confirm`],
      [pendingRun, 'POST', `/user_registrations/by_email/${email}/run_confirm`],
      [pendingDelete, 'DELETE', `/user_registrations/by_email/${email}`],
      [sendReset, 'POST', `/users/by_email/${email}/send_reset`],
    ];
    for (const [handler, method, path] of calls) {
      const res = await invoke(handler, { method, path: `${base}${path}`, params, token });
      expect([path, res.status, Object.keys(res.body ?? {}).sort()]).toEqual([path, expect.any(Number), ['error', 'error_code']]);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });
});
