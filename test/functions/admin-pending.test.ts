import { describe, expect, it } from 'vitest';
import { handler as remove } from '../../functions/admin/pending-delete';
import { handler as list } from '../../functions/admin/pending-list';
import { handler as run } from '../../functions/admin/pending-run';
import { handler as send } from '../../functions/admin/pending-send';
import { logInWithPassword, registerUser } from '../../lib/providers/local-userpass';
import { confirmUser } from '../../lib/providers/local-userpass/confirm';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke, uniqueEmail } from '../helpers/events';
import { linkFor } from '../helpers/outbox';
import { emailUser, runtimeAt } from '../helpers/users';

const providers = JSON.stringify({
  'local-userpass': { enabled: true, autoConfirm: false, emailConfirmationUrl: 'https://app.example.test/confirm' },
});

describe('admin pending registrations', () => {
  it('lists, re-sends, and deletes pending registrations; refuses confirmed and unknown ones', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const pendingRt = await runtimeAt(0, { GATEHOUSE_PROVIDERS: providers });
    const email = uniqueEmail('pending');
    await registerUser(pendingRt, email, 'a long password');
    const base = { groupId: rt.config.groupId, appId: rt.config.domainId };
    const at = (action: string, target = email) => ({
      method: action === 'delete' ? 'DELETE' : 'POST',
      path: `/api/admin/v3.0/groups/${base.groupId}/apps/${base.appId}/user_registrations/by_email/${target}/${action}`,
      params: { ...base, email: encodeURIComponent(target) },
      token,
    });
    const listed = await invoke(list, { path: '/pending_users', params: base, token });
    expect(listed.body.flatMap((p: { login_ids: { id: string }[] }) => p.login_ids.map((l) => l.id))).toContain(email);
    expect((await invoke(send, at('send_confirm'))).status).toBe(200);
    expect((await linkFor(rt.config.mail && 'outboxDir' in rt.config.mail ? rt.config.mail.outboxDir : '', email)).tokenId).toMatch(/^[0-9a-f]{24}$/);
    const ran = await invoke(run, at('run_confirm'));
    expect([ran.status, ran.body.error_code]).toEqual([400, 'BadRequest']);
    expect((await invoke(remove, at('delete'))).status).toBe(204);
    expect(await rt.store.getCredential(email)).toBeUndefined();
    const confirmed = await emailUser();
    expect((await invoke(send, at('send_confirm', confirmed.email))).body.error_code).toBe('UserAlreadyConfirmed');
    expect((await invoke(remove, at('delete', uniqueEmail('ghost')))).body.error_code).toBe('UserNotFound');
  });

  it('send_confirm answers {token, token_id}, with which the client confirm route confirms the user (as the Stitch admin client reads it)', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const pendingRt = await runtimeAt(0, { GATEHOUSE_PROVIDERS: providers });
    const email = uniqueEmail('pending-token');
    await registerUser(pendingRt, email, 'hunter2 but longer');
    const base = { groupId: rt.config.groupId, appId: rt.config.domainId };
    const sent = await invoke(send, {
      method: 'POST',
      path: `/api/admin/v3.0/groups/${base.groupId}/apps/${base.appId}/user_registrations/by_email/${email}/send_confirm`,
      params: { ...base, email: encodeURIComponent(email) },
      token,
    });
    expect(sent.status).toBe(200);
    expect(Object.keys(sent.body).sort()).toEqual(['token', 'token_id']);
    expect(sent.body.token_id).toMatch(/^[0-9a-f]{24}$/);
    await expect(logInWithPassword(pendingRt, email, 'hunter2 but longer', {}, '127.0.0.1')).rejects.toMatchObject({ message: 'confirmation required' });
    await confirmUser(pendingRt, sent.body.token, sent.body.token_id);
    expect((await logInWithPassword(pendingRt, email, 'hunter2 but longer', {}, '127.0.0.1')).user_id).toMatch(/^[0-9a-f]{24}$/);
  });
});
