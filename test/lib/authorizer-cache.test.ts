import { describe, expect, it } from 'vitest';
import { authorizeRequest, createAuthorizer } from '../../lib/authorizer';
import { loadConfig } from '../../lib/config';
import { type Runtime, buildRuntime } from '../../lib/runtime';
import { setUserDisabled } from '../../lib/users';
import { anonymousUser } from '../helpers/users';

/** A runtime whose clock the test moves, counting signature verifications. */
async function controlled(env: Record<string, string> = {}) {
  const state = { now: Date.now(), verifications: 0 };
  const base = await buildRuntime(loadConfig({ ...process.env, ...env }), () => state.now);
  const tokens = {
    ...base.tokens,
    verifyAccess: (token: string) => {
      state.verifications++;
      return base.tokens.verifyAccess(token);
    },
  };
  const rt: Runtime = { ...base, tokens };
  return { rt, state };
}

function expOf(token: string): number {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp;
}

describe('authorizer token cache', () => {
  it('verifies a token once while it stays cached, and answers the same principal', async () => {
    const { rt, state } = await controlled();
    const check = createAuthorizer(rt);
    const user = await anonymousUser();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await authorizeRequest(check, { headers: { authorization: `Bearer ${user.access_token}` } }));
    expect(state.verifications).toBe(1);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ isAuthorized: true, context: { userId: user.user_id, deviceId: user.device_id } });
  });

  it('refuses a cached token from its exp on, to the millisecond', async () => {
    const { rt, state } = await controlled();
    const check = createAuthorizer(rt);
    const user = await anonymousUser();
    const allowed = async () => (await authorizeRequest(check, { headers: { authorization: `Bearer ${user.access_token}` } })).isAuthorized;
    expect(await allowed()).toBe(true);
    state.now = expOf(user.access_token) * 1000 - 1;
    expect(await allowed()).toBe(true);
    expect(state.verifications).toBe(1);
    state.now += 1;
    expect(await allowed()).toBe(false);
  });

  it('still refuses a cached token once its window has passed after revoke-all or disable', async () => {
    const { rt, state } = await controlled({ GATEHOUSE_SESSION_CHECK_CACHE_MS: '1000' });
    const check = createAuthorizer(rt);
    const [revoked, disabled] = [await anonymousUser(), await anonymousUser()];
    const allowed = async (token: string) => (await authorizeRequest(check, { headers: { authorization: `Bearer ${token}` } })).isAuthorized;
    expect([await allowed(revoked.access_token), await allowed(disabled.access_token)]).toEqual([true, true]);
    await rt.store.revokeSessions(revoked.user_id, Date.now());
    await setUserDisabled(rt, disabled.user_id, true);
    state.now += 999;
    expect([await allowed(revoked.access_token), await allowed(disabled.access_token)]).toEqual([true, true]);
    state.now += 2;
    expect([await allowed(revoked.access_token), await allowed(disabled.access_token)]).toEqual([false, false]);
    expect(state.verifications).toBe(2);
  });

  it('keeps at most maxTokens verified tokens, forgetting the oldest first', async () => {
    const { rt, state } = await controlled();
    const check = createAuthorizer(rt, { maxTokens: 2 });
    const [a, b, c] = [await anonymousUser(), await anonymousUser(), await anonymousUser()];
    for (const user of [a, b, c, c, b]) await check(user.access_token);
    expect(state.verifications).toBe(3);
    await check(a.access_token);
    expect(state.verifications).toBe(4);
  });

  it('does not remember refused tokens', async () => {
    const { rt, state } = await controlled();
    const check = createAuthorizer(rt);
    const user = await anonymousUser();
    const [header, payload, signature] = user.access_token.split('.');
    const forged = [header, payload, `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`].join('.');
    for (let i = 0; i < 2; i++) expect(await authorizeRequest(check, { headers: { authorization: `Bearer ${forged}` } })).toEqual({ isAuthorized: false });
    expect(state.verifications).toBe(2);
  });
});
