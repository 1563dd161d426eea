import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as functionLogin } from '../../functions/providers/custom-function/login';
import { handler as customTokenLogin } from '../../functions/providers/custom-token/login';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { handler as facebookLogin } from '../../functions/providers/oauth2-facebook/login';
import { handler as googleLogin } from '../../functions/providers/oauth2-google/login';
import { withProviderId } from '../../lib/login';
import { runtime } from '../../lib/runtime';
import { ConditionFailed } from '../../lib/store';
import { CUSTOM_AUDIENCE, GOOGLE_CLIENT, facebookToken, issuerToken } from '../fakes/world';
import { APP, CLIENT, invoke, uniqueEmail } from '../helpers/events';
import { type LoggedIn, anonymousUser, emailUser, runtimeAt } from '../helpers/users';
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

describe('users racing to link one identity of another provider', () => {
  let counter = 0;
  const unique = (tag: string) => `${tag}-${Date.now()}-${++counter}`;
  type Outcome = { userId?: string; code?: string };

  /** Exactly one racer won, every other got the link conflict, and the identity is the winner's alone. */
  async function expectOneWinner(type: string, identityId: string, users: LoggedIn[], outcomes: Outcome[]) {
    const winners = outcomes.filter((o) => o.userId);
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.code === 'AccountNameInUse')).toHaveLength(users.length - 1);
    expect(await (await runtime()).store.findIdentityOwner(type, identityId)).toBe(winners[0].userId);
    const holders = [];
    for (const u of users) {
      const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: u.access_token });
      if (me.body.identities.some((i: { provider_type: string }) => i.provider_type === type)) holders.push(u.user_id);
    }
    expect(holders).toEqual([winners[0].userId]);
  }

  type Handler = Parameters<typeof invoke>[0];
  const cases: [string, Handler, (id: string) => Promise<Record<string, unknown>>][] = [
    ['oauth2-google', googleLogin, async (id) => ({ id_token: await issuerToken({ sub: id, aud: GOOGLE_CLIENT, email: 'race@example.test' }) })],
    ['oauth2-facebook', facebookLogin, async (id) => ({ accessToken: await facebookToken({ id, name: 'Race' }) })],
    ['custom-token', customTokenLogin, async (id) => ({ token: await issuerToken({ sub: id, aud: CUSTOM_AUDIENCE, email: 'race@example.test' }) })],
  ];

  // Through the routes a race is won or lost by timing; this is where it is decided, every time: the
  // identity's write is conditioned on the identity not existing, so a second user's write fails whole.
  it.each(['oauth2-google', 'oauth2-facebook', 'custom-token', 'custom-function'])('%s: the identity write itself refuses a second owner and leaves that user unchanged', async (type) => {
    const rt = await runtime();
    const racers = await Promise.all(Array.from({ length: 4 }, () => anonymousUser()));
    const users = await Promise.all(racers.map(async (u) => (await rt.store.getLoginState(u.user_id)).user!));
    const identity = withProviderId(rt, { id: unique(type), provider_type: type });
    const add = (user: (typeof users)[number]) =>
      rt.store.addIdentity({ userId: user.id, identity, profile: { identities: [...user.identities, identity], data: user.data } }).then(
        () => ({ userId: user.id }),
        (error: unknown) => ({ code: error instanceof ConditionFailed ? error.what : String(error) }),
      );
    const outcomes: Outcome[] = [];
    for (const user of users) outcomes.push(await add(user));
    expect(outcomes).toEqual([{ userId: users[0].id }, ...users.slice(1).map(() => ({ code: 'identity' }))]);
    expect(await rt.store.findIdentityOwner(type, identity.id)).toBe(users[0].id);
    for (const user of users.slice(1)) expect((await rt.store.getLoginState(user.id)).user!.identities).toEqual(user.identities);
  });

  it.each(cases)('%s: exactly one user wins, the others get AccountNameInUse, and the identity belongs to the winner alone', async (type, handler, credential) => {
    const users = await Promise.all(Array.from({ length: 8 }, () => anonymousUser()));
    const id = unique(type);
    const bodies = await Promise.all(users.map(() => credential(id)));
    const results = await Promise.all(
      users.map((u, i) => invoke(handler, { method: 'POST', path: `${providers}/${type}/login`, params: { app: APP }, query: { link: 'true' }, token: u.access_token, body: bodies[i] })),
    );
    expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
    await expectOneWinner(type, id, users, results.map((r) => ({ userId: r.status === 200 ? r.body.user_id : undefined, code: r.body.error_code })));
  });

  it('custom-function: exactly one user wins, the others get AccountNameInUse, and the identity belongs to the winner alone', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => anonymousUser()));
    const call = (username: string, token?: string) =>
      invoke(functionLogin, { method: 'POST', path: `${providers}/custom-function/login`, params: { app: APP }, ...(token ? { query: { link: 'true' }, token } : {}), body: { username } });
    // A cold function answers some racers far later than others; warm as many instances as there are racers.
    await Promise.all(users.map(() => call(unique('warm-up'))));
    const name = unique('custom-function');
    const results = await Promise.all(users.map((u) => call(name, u.access_token)));
    expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
    await expectOneWinner('custom-function', `example:${name}`, users, results.map((r) => ({ userId: r.status === 200 ? r.body.user_id : undefined, code: r.body.error_code })));
  });
});
