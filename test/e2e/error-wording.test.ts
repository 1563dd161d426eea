import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/events';
import { type Exchange, newApp, rejection } from './stack';

/**
 * The server messages realm-web's and the Stitch SDK's public suites compare word for word, as App
 * Services (in its newer versions, where realm-js followed it) said them: one case per message, driven
 * through realm-web 2.0.1 against the shared stack (auto-confirm, reset function and reset URL, the
 * app-services password policy). The two that need another provider configuration run in
 * test/functions/userpass-lifecycle.test.ts.
 */
async function member(app: Realm.App, password = 'sturdy enough') {
  const email = uniqueEmail('wording');
  await app.emailPasswordAuth.registerUser({ email, password });
  return { email, password, user: await app.logIn(Realm.Credentials.emailPassword(email, password)) };
}

describe('server messages, word for word', () => {
  it('"unauthorized": a wrong password, an unknown address, and a user deleted since', async () => {
    const app = newApp();
    const { email, password, user } = await member(app);
    const wrong = await rejection(app.logIn(Realm.Credentials.emailPassword(email, 'not the password')));
    const unknown = await rejection(app.logIn(Realm.Credentials.emailPassword(uniqueEmail('never-registered'), password)));
    await app.deleteUser(user);
    const deleted = await rejection(app.logIn(Realm.Credentials.emailPassword(email, password)));
    for (const error of [wrong, unknown, deleted]) expect([error.statusCode, error.errorCode, error.error]).toEqual([401, 'InvalidPassword', 'unauthorized']);
    expect(deleted.message).toContain('unauthorized');
  });

  it('a link with a wrong password keeps "invalid username/password", so realm-web does not refresh and retry forever', async () => {
    const log: Exchange[] = [];
    const app = newApp(log);
    const { email } = await member(app);
    const anonymous = await app.logIn(Realm.Credentials.anonymous());
    log.length = 0;
    const error = await rejection(anonymous.linkCredentials(Realm.Credentials.emailPassword(email, 'a wrong guess')));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([401, 'InvalidPassword', 'invalid username/password']);
    expect(log.filter((e) => e.url.includes('/auth/session'))).toEqual([]);
    expect(log.filter((e) => e.url.includes('/local-userpass/login'))).toHaveLength(1);
  });

  it('"password must be between 6 and 128 characters" under the app-services policy', async () => {
    const error = await rejection(newApp().emailPasswordAuth.registerUser({ email: uniqueEmail('wording'), password: 'abcde' }));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([400, 'BadRequest', 'password must be between 6 and 128 characters']);
  });

  it('"invalid token data" for a token the server never issued', async () => {
    const error = await rejection(newApp().emailPasswordAuth.confirmUser({ token: 'bm90IGEgdG9rZW4=', tokenId: 'made-up-id' }));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([400, 'UserpassTokenInvalid', 'invalid token data']);
  });

  it('"already confirmed" when a confirmed user asks for the email again', async () => {
    const app = newApp();
    const { email } = await member(app);
    const error = await rejection(app.emailPasswordAuth.resendConfirmationEmail({ email }));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([400, 'UserAlreadyConfirmed', 'already confirmed']);
  });

  it('"cannot run confirmation for <email>: automatic confirmation is enabled" on confirm/call', async () => {
    const app = newApp();
    const { email } = await member(app);
    const error = await rejection(app.emailPasswordAuth.retryCustomConfirmation({ email }));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([400, 'BadRequest', `cannot run confirmation for ${email}: automatic confirmation is enabled`]);
  });

  it('"failed to reset password for user "<email>"" when the reset function says fail', async () => {
    const app = newApp();
    const { email } = await member(app);
    const error = await rejection(app.emailPasswordAuth.callResetPasswordFunction({ email, password: 'some new one' }, 'no answer'));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([400, 'BadRequest', `failed to reset password for user "${email}"`]);
  });

  it(`"function not found: '<name>'" for a function the app does not have, never a 401`, async () => {
    const { user } = await member(newApp());
    const error = await rejection(user.functions.greetTheWorld('in French'));
    expect([error.statusCode, error.errorCode, error.error]).toEqual([404, 'FunctionNotFound', "function not found: 'greetTheWorld'"]);
  });
});
