import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handler as confirmSend } from '../../functions/providers/local-userpass/confirm-send';
import { handler as refresh } from '../../functions/session/refresh';
import { logInWithPassword, registerUser } from '../../lib/providers/local-userpass';
import { confirmUser, resendConfirmationEmail, retryConfirmationFunction } from '../../lib/providers/local-userpass/confirm';
import { callResetFunction, resetPassword, sendResetEmail } from '../../lib/providers/local-userpass/reset';
import { APP, CLIENT, invoke, uniqueEmail } from '../helpers/events';
import { linkFor } from '../helpers/outbox';
import { emailUser, runtimeAt } from '../helpers/users';

const PASSWORD = 'a long password';
const outbox = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));

function withUserpass(settings: Record<string, unknown>, offsetMs = 0, env: Record<string, string> = {}) {
  const providers = { 'local-userpass': { enabled: true, resetPasswordUrl: 'https://app.example.test/reset', ...settings } };
  return runtimeAt(offsetMs, { GATEHOUSE_PROVIDERS: JSON.stringify(providers), GATEHOUSE_OUTBOX_DIR: outbox, ...env });
}

const byEmail = { autoConfirm: false, emailConfirmationUrl: 'https://app.example.test/confirm', confirmEmailSubject: 'Welcome aboard' };
const byFunction = { autoConfirm: false, runConfirmationFunction: true, confirmationFunctionName: 'gatehouse-local-exampleConfirmUser' };

describe('confirmation by email', () => {
  it('keeps the user pending until the emailed token confirms it, once', async () => {
    const rt = await withUserpass(byEmail);
    const email = uniqueEmail('confirm');
    await registerUser(rt, email, PASSWORD);
    await expect(logInWithPassword(rt, email, PASSWORD, {}, '127.0.0.1')).rejects.toMatchObject({ code: 'AuthError', message: 'confirmation required' });
    const link = await linkFor(outbox, email);
    expect(link.subject).toBe('Welcome aboard');
    await confirmUser(rt, link.token, link.tokenId);
    expect((await logInWithPassword(rt, email, PASSWORD, {}, '127.0.0.1')).user_id).toMatch(/^[0-9a-f]{24}$/);
    await expect(confirmUser(rt, link.token, link.tokenId)).rejects.toMatchObject({ code: 'UserpassTokenInvalid', message: 'invalid token data' });
  });

  it('refuses a wrong, a foreign-purpose and an expired token', async () => {
    const rt = await withUserpass(byEmail);
    const email = uniqueEmail('expire');
    await registerUser(rt, email, PASSWORD);
    const link = await linkFor(outbox, email);
    // A wrong guess uses the token up: only a new email helps.
    await expect(confirmUser(rt, 'x'.repeat(43), link.tokenId)).rejects.toMatchObject({ code: 'UserpassTokenInvalid' });
    await expect(confirmUser(rt, link.token, link.tokenId)).rejects.toMatchObject({ code: 'UserpassTokenInvalid' });
    await resendConfirmationEmail(rt, email);
    const fresh = await linkFor(outbox, email);
    const later = await withUserpass(byEmail, 31 * 60 * 1000);
    await expect(confirmUser(later, fresh.token, fresh.tokenId)).rejects.toMatchObject({ code: 'UserpassTokenInvalid' });
    await expect(resetPassword(rt, fresh.token, fresh.tokenId, 'another long password')).rejects.toMatchObject({ code: 'UserpassTokenInvalid' });
  });

  it('answers confirm/send for confirmed and unknown emails as the protocol says', async () => {
    const user = await emailUser();
    const path = `${CLIENT}/app/${APP}/auth/providers/local-userpass/confirm/send`;
    const confirmed = await invoke(confirmSend, { method: 'POST', path, params: { app: APP }, body: { email: user.email } });
    expect([confirmed.status, confirmed.body]).toEqual([400, { error: 'already confirmed', error_code: 'UserAlreadyConfirmed' }]);
    const unknown = await invoke(confirmSend, { method: 'POST', path, params: { app: APP }, body: { email: uniqueEmail('nobody') } });
    expect([unknown.status, unknown.body]).toEqual([404, { error: 'user not found', error_code: 'UserNotFound' }]);
  });
});

describe('confirmation by function (through serverless offline’s Lambda endpoint)', () => {
  it('confirms at once on success', async () => {
    const rt = await withUserpass(byFunction);
    const email = uniqueEmail('fn').replace('@example.test', '@trusted.example');
    await registerUser(rt, email, PASSWORD);
    expect((await logInWithPassword(rt, email, PASSWORD, {}, '127.0.0.1')).user_id).toBeTruthy();
  });

  it('refuses the registration on fail, leaving the email free', async () => {
    const rt = await withUserpass(byFunction);
    const email = uniqueEmail('fn').replace('@example.test', '@refused.example');
    await expect(registerUser(rt, email, PASSWORD)).rejects.toMatchObject({ code: 'BadRequest', message: `failed to confirm user "${email}"` });
    expect(await rt.store.getCredential(email)).toBeUndefined();
  });

  it('leaves the user pending, and confirm/call runs the function again', async () => {
    const rt = await withUserpass(byFunction);
    const email = uniqueEmail('pending');
    await registerUser(rt, email, PASSWORD);
    await expect(logInWithPassword(rt, email, PASSWORD, {}, '127.0.0.1')).rejects.toMatchObject({ message: 'confirmation required' });
    await retryConfirmationFunction(rt, email);
    expect((await rt.store.getCredential(email))?.confirmed).toBe(false);
  });
});

describe('password reset', () => {
  it('by email: the new password works, the old one not, and every session is revoked', async () => {
    const rt = await withUserpass({});
    const user = await emailUser();
    await sendResetEmail(rt, user.email);
    const link = await linkFor(outbox, user.email);
    await resetPassword(rt, link.token, link.tokenId, 'a brand new password');
    await expect(logInWithPassword(rt, user.email, user.password, {}, '127.0.0.1')).rejects.toMatchObject({ code: 'InvalidPassword' });
    expect((await logInWithPassword(rt, user.email, 'a brand new password', {}, '127.0.0.1')).user_id).toBe(user.user_id);
    const old = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect(old.body.error_code).toBe('InvalidSession');
    await expect(resetPassword(rt, link.token, link.tokenId, 'yet another password')).rejects.toMatchObject({ code: 'UserpassTokenInvalid' });
  });

  it('by function: success changes the password, pending and fail do not', async () => {
    const rt = await withUserpass({ runResetFunction: true, resetFunctionName: 'gatehouse-local-exampleResetPassword' });
    const user = await emailUser();
    await expect(callResetFunction(rt, user.email, 'wrong answer pw', ['nope'])).rejects.toMatchObject({ code: 'BadRequest', message: `failed to reset password for user "${user.email}"` });
    await callResetFunction(rt, user.email, 'pending new password', ['send me a link']);
    expect((await logInWithPassword(rt, user.email, user.password, {}, '127.0.0.1')).user_id).toBe(user.user_id);
    await callResetFunction(rt, user.email, 'answered new password', ['the secret answer', 5]);
    expect((await logInWithPassword(rt, user.email, 'answered new password', {}, '127.0.0.1')).user_id).toBe(user.user_id);
  });

  it('answers UserNotFound for unknown emails, and refuses common or short passwords', async () => {
    const rt = await withUserpass({});
    await expect(sendResetEmail(rt, uniqueEmail('ghost'))).rejects.toMatchObject({ code: 'UserNotFound', message: 'user not found' });
    await expect(registerUser(rt, uniqueEmail('weak'), '12345678')).rejects.toMatchObject({ code: 'BadRequest', message: 'password is too common, choose another one' });
    await expect(registerUser(rt, uniqueEmail('weak'), 'Password1')).rejects.toMatchObject({ message: 'password is too common, choose another one' });
    await expect(registerUser(rt, uniqueEmail('weak'), 'seven77')).rejects.toMatchObject({ code: 'BadRequest', message: 'password must be between 8 and 128 characters' });
  });

  it('reset/send says "please use reset password via function" when resets go through the function and no URL is set', async () => {
    const rt = await withUserpass({ resetPasswordUrl: undefined, runResetFunction: true, resetFunctionName: 'gatehouse-local-exampleResetPassword' });
    const user = await emailUser();
    for (const email of [user.email, uniqueEmail('ghost')]) {
      await expect(sendResetEmail(rt, email)).rejects.toMatchObject({ code: 'BadRequest', message: 'please use reset password via function' });
    }
  });

  it('under the app-services policy takes any password of 6 to 128 characters, as App Services did', async () => {
    const rt = await withUserpass({}, 0, { GATEHOUSE_PASSWORD_POLICY: 'app-services' });
    for (const password of ['password', 'hunter2', '123456', 'x'.repeat(128)]) {
      const email = uniqueEmail('lenient');
      await registerUser(rt, email, password);
      expect((await logInWithPassword(rt, email, password, {}, '127.0.0.1')).user_id).toMatch(/^[0-9a-f]{24}$/);
    }
    for (const password of ['12345', 'x'.repeat(129)]) {
      await expect(registerUser(rt, uniqueEmail('lenient'), password)).rejects.toMatchObject({
        code: 'BadRequest',
        message: 'password must be between 6 and 128 characters',
      });
    }
    const user = await emailUser();
    await callResetFunction(await withUserpass({ runResetFunction: true, resetFunctionName: 'gatehouse-local-exampleResetPassword' }, 0, { GATEHOUSE_PASSWORD_POLICY: 'app-services' }), user.email, 'hunter2', ['the secret answer', 5]);
    expect((await logInWithPassword(rt, user.email, 'hunter2', {}, '127.0.0.1')).user_id).toBe(user.user_id);
  });
});
