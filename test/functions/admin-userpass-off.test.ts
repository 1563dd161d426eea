import { describe, expect, it } from 'vitest';
import { handler as run } from '../../functions/admin/pending-run';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke, uniqueEmail } from '../helpers/events';

// Handlers read their configuration at cold start: every handler of this file runs without email/password.
process.env.GATEHOUSE_PROVIDERS = JSON.stringify({ 'anon-user': { enabled: true } });

describe('admin API v3 with email/password authentication off', () => {
  it('run_confirm answers 400, as the Admin API v3 describes it (not the client routes\' 404 AuthProviderNotFound)', async () => {
    // Source: mongodb/docs-app-services, source/openapi-admin-v3.yaml, adminRerunPendingUserConfirmation:
    // "400: User is already confirmed or Email/Password authentication is not enabled. 404: User does not exist."
    const rt = await runtime();
    expect(rt.config.providers.enabled.has('local-userpass')).toBe(false);
    const { token } = await adminSession();
    const email = uniqueEmail('userpass-off');
    const params = { groupId: rt.config.groupId, appId: rt.config.domainId, email: encodeURIComponent(email) };
    const res = await invoke(run, {
      method: 'POST',
      path: `/api/admin/v3.0/groups/${params.groupId}/apps/${params.appId}/user_registrations/by_email/${params.email}/run_confirm`,
      params,
      token,
    });
    expect([res.status, res.body]).toEqual([400, { error: 'email/password authentication is not enabled', error_code: 'BadRequest' }]);
  });
});
