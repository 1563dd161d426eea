import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { APP, CLIENT, invoke, uniqueEmail } from '../helpers/events';
import { anonymousUser, emailUser, runtimeAt } from '../helpers/users';
import { logInWithPassword } from '../../lib/providers/local-userpass';

const providers = `${CLIENT}/app/${APP}/auth/providers`;

async function registeredEmail(password = 'correct horse') {
  const email = uniqueEmail('link');
  await invoke(register, { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP }, body: { email, password } });
  return { email, password };
}

function linkPassword(token: string, username: string, password: string) {
  return invoke(userpassLogin, {
    method: 'POST',
    path: `${providers}/local-userpass/login`,
    params: { app: APP },
    query: { link: 'true' },
    token,
    body: { username, password },
  });
}

function loginPassword(username: string, password: string) {
  return invoke(userpassLogin, { method: 'POST', path: `${providers}/local-userpass/login`, params: { app: APP }, body: { username, password } });
}

describe('linking', () => {
  it('adds an email/password identity to an anonymous user, which that login then returns', async () => {
    const anon = await anonymousUser();
    const { email, password } = await registeredEmail();
    const res = await linkPassword(anon.access_token, email, password);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), user_id: anon.user_id, device_id: anon.device_id });
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: res.body.access_token });
    expect(me.body.identities.map((i: { provider_type: string }) => i.provider_type)).toEqual(['anon-user', 'local-userpass']);
    expect(me.body.data).toEqual({ email });
    expect((await loginPassword(email, password)).body.user_id).toBe(anon.user_id);
  });

  it('is a no-op when the same credential is linked again', async () => {
    const anon = await anonymousUser();
    const { email, password } = await registeredEmail();
    await linkPassword(anon.access_token, email, password);
    const again = await linkPassword(anon.access_token, email, password);
    expect(again.status).toBe(200);
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: again.body.access_token });
    expect(me.body.identities).toHaveLength(2);
  });

  it('never moves an identity from another user: AccountNameInUse, 401, nothing changed', async () => {
    const owner = await emailUser();
    const anon = await anonymousUser();
    const res = await linkPassword(anon.access_token, owner.email, owner.password);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'a user already exists with the specified provider', error_code: 'AccountNameInUse' });
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: anon.access_token });
    expect(me.body.identities).toHaveLength(1);
    expect((await loginPassword(owner.email, owner.password)).body.user_id).toBe(owner.user_id);
  });

  it('answers InvalidSession for a conflict when the strict switch is on', async () => {
    const owner = await emailUser();
    const anon = await anonymousUser();
    const rt = await runtimeAt(0, { GATEHOUSE_STRICT_LINK_CONFLICT_CODE: 'true' });
    const error = await logInWithPassword(rt, owner.email, owner.password, {}, '127.0.0.1', anon.access_token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidSession', status: 401, message: 'a user already exists with the specified provider' });
  });

  it('attaches a contested identity to exactly one of the users racing for it', async () => {
    const users = await Promise.all([anonymousUser(), anonymousUser(), anonymousUser()]);
    const { email, password } = await registeredEmail();
    const results = await Promise.all(users.map((u) => linkPassword(u.access_token, email, password)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error_code === 'AccountNameInUse')).toHaveLength(2);
  });

  it('refuses to link an anonymous identity or a second email/password identity with 500', async () => {
    const user = await emailUser();
    const anon = await invoke(anonLogin, { method: 'POST', path: `${providers}/anon-user/login`, params: { app: APP }, query: { link: 'true' }, token: user.access_token, body: {} });
    expect(anon.status).toBe(500);
    expect(anon.body).toEqual({ error: 'linking an anonymous identity is not allowed', error_code: 'InternalServerError' });
    const other = await registeredEmail();
    const second = await linkPassword(user.access_token, other.email, other.password);
    expect(second.status).toBe(500);
    expect(second.body.error).toBe('linking a local-userpass identity is not allowed when one is already linked');
  });

  it('answers a wrong password with InvalidPassword, never InvalidSession', async () => {
    const anon = await anonymousUser();
    const { email } = await registeredEmail();
    const res = await linkPassword(anon.access_token, email, 'wrong password');
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('InvalidPassword');
  });

  it('ignores Authorization without ?link=true', async () => {
    const anon = await anonymousUser();
    const { email, password } = await registeredEmail();
    const res = await invoke(userpassLogin, { method: 'POST', path: `${providers}/local-userpass/login`, params: { app: APP }, token: anon.access_token, body: { username: email, password } });
    expect(res.body.user_id).not.toBe(anon.user_id);
    expect(res.body.refresh_token).toEqual(expect.any(String));
  });
});
