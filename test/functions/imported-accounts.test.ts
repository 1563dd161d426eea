import { describe, expect, it } from 'vitest';
import { handler as sendReset } from '../../functions/admin/users-send-reset';
import { handler as login } from '../../functions/providers/local-userpass/login';
import { USERPASS } from '../../lib/emails';
import { AppError } from '../../lib/errors';
import { newObjectId } from '../../lib/ids';
import { RESET_REQUIRED } from '../../lib/imported-passwords';
import { withProviderId } from '../../lib/login';
import { logInWithPassword } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke, uniqueEmail } from '../helpers/events';
import { linkFor } from '../helpers/outbox';
import { emailUser, runtimeAt } from '../helpers/users';

/** An account as `import users` writes one that came without a password hash. */
async function importedWithoutPassword(): Promise<{ email: string; userId: string }> {
  const rt = await runtime();
  const email = uniqueEmail('imported');
  const identityId = newObjectId();
  const user = {
    id: newObjectId(),
    type: 'normal' as const,
    identities: [withProviderId(rt, { id: identityId, provider_type: USERPASS, provider_data: { email } })],
    data: { email },
    creationDate: 1_700_000_000,
    lastAuthenticationDate: 1_700_000_000,
    disabled: false,
  };
  await rt.store.createUserWithCredential(user, email.toLowerCase(), { email, identityId, passwordHash: RESET_REQUIRED, createdAt: Date.now(), userId: user.id });
  return { email, userId: user.id };
}

describe('accounts imported without a password', () => {
  it('answer PasswordResetRequired (401) to any password, InvalidPassword when accounts are concealed', async () => {
    const { email } = await importedWithoutPassword();
    for (const password of ['anything', RESET_REQUIRED]) {
      const res = await invoke(login, { method: 'POST', path: '/login', params: { app: 'gatehouse-test' }, body: { username: email, password } });
      expect([res.status, res.body.error_code]).toEqual([401, 'PasswordResetRequired']);
    }
    const concealed = await runtimeAt(0, { GATEHOUSE_CONCEAL_ACCOUNTS: 'true' });
    const error = await logInWithPassword(concealed, email, 'anything', {}, '127.0.0.9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('InvalidPassword');
  });

  it('get a reset link from the admin route; other accounts are refused', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const base = { groupId: rt.config.groupId, appId: rt.config.domainId };
    const at = (email: string) => ({
      method: 'POST',
      path: `/api/admin/v3.0/groups/${base.groupId}/apps/${base.appId}/users/by_email/${email}/send_reset`,
      params: { ...base, email: encodeURIComponent(email) },
      token,
    });
    const { email } = await importedWithoutPassword();
    expect((await invoke(sendReset, at(email))).status).toBe(204);
    const mail = await linkFor(rt.config.mail && 'outboxDir' in rt.config.mail ? rt.config.mail.outboxDir : '', email);
    expect(mail.tokenId).toMatch(/^[0-9a-f]{24}$/);
    const withPassword = await emailUser();
    const refused = await invoke(sendReset, at(withPassword.email));
    expect([refused.status, refused.body.error_code]).toEqual([400, 'BadRequest']);
    const unknown = await invoke(sendReset, at(uniqueEmail('nobody')));
    expect([unknown.status, unknown.body.error_code]).toEqual([404, 'UserNotFound']);
    const anonymous = await invoke(sendReset, { ...at(email), token: undefined });
    expect(anonymous.status).toBe(401);
  });
});
