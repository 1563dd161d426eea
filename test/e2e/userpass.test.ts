import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { outboxDir } from '../../scripts/local-stack';
import { uniqueEmail } from '../helpers/events';
import { linkFor } from '../helpers/outbox';
import { type Exchange, e2eStack, newApp, rejection } from './stack';

const stack = e2eStack();
const outbox = outboxDir(Number(new URL(stack.baseUrl).port));
const PASSWORD = 'a long password';

async function registered(app: Realm.App) {
  const email = uniqueEmail('e2e-userpass');
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  return email;
}

describe('realm-web 2.0.1 email/password lifecycle', () => {
  it('check 10: bad tokens, and confirmations of confirmed or unknown users, are refused', async () => {
    const app = newApp();
    const bad = await rejection(app.emailPasswordAuth.confirmUser({ token: 'a', tokenId: 'b' }));
    expect([bad.statusCode, bad.errorCode, bad.error]).toEqual([400, 'UserpassTokenInvalid', 'invalid token data']);
    const email = await registered(app);
    const confirmed = await rejection(app.emailPasswordAuth.resendConfirmationEmail({ email }));
    expect([confirmed.statusCode, confirmed.error]).toEqual([400, 'already confirmed']);
    const retried = await rejection(app.emailPasswordAuth.retryCustomConfirmation({ email }));
    expect([retried.statusCode, retried.error]).toEqual([400, `cannot run confirmation for ${email}: automatic confirmation is enabled`]);
    const unknown = await rejection(app.emailPasswordAuth.resendConfirmationEmail({ email: uniqueEmail('nobody') }));
    expect([unknown.statusCode, unknown.errorCode, unknown.error]).toEqual([404, 'UserNotFound', 'user not found']);
  });

  it('check 11: the reset function gets EJSON arguments and changes the password', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const email = await registered(app);
    await app.emailPasswordAuth.callResetPasswordFunction({ email, password: 'a new long password' }, 'the secret answer', 5);
    const call = log.find((e) => e.url.endsWith('/reset/call'))!;
    expect(JSON.parse(call.body!).arguments).toEqual(['the secret answer', { $numberInt: '5' }]);
    expect((await app.logIn(Realm.Credentials.emailPassword(email, 'a new long password'))).profile.email).toBe(email);
    const old = await rejection(app.logIn(Realm.Credentials.emailPassword(email, PASSWORD)));
    expect(old.errorCode).toBe('InvalidPassword');
  });

  it('resets by email: sendResetPasswordEmail, then resetPassword with the mailed token', async () => {
    const app = newApp();
    const email = await registered(app);
    await app.emailPasswordAuth.sendResetPasswordEmail({ email });
    const { token, tokenId } = await linkFor(outbox, email);
    await app.emailPasswordAuth.resetPassword({ token, tokenId, password: 'reset by mail pw' });
    expect((await app.logIn(Realm.Credentials.emailPassword(email, 'reset by mail pw'))).profile.email).toBe(email);
    const reused = await rejection(app.emailPasswordAuth.resetPassword({ token, tokenId, password: 'another one pw' }));
    expect(reused.errorCode).toBe('UserpassTokenInvalid');
  });
});
