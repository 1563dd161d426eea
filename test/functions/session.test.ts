import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { handler as logout } from '../../functions/session/logout';
import { handler as refresh } from '../../functions/session/refresh';
import { CLIENT, invoke } from '../helpers/events';
import { anonymousUser, runtimeAt } from '../helpers/users';

const path = `${CLIENT}/auth/session`;
const NOT_FOUND = { error: 'invalid session: failed to find refresh token', error_code: 'InvalidSession' };

describe('POST /auth/session (refresh)', () => {
  it('answers 201 with a new access token only, for the same user and session', async () => {
    const user = await anonymousUser();
    const res = await invoke(refresh, { method: 'POST', path, token: user.refresh_token });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['access_token']);
    const [before, after] = [decodeJwt(user.access_token), decodeJwt(res.body.access_token)];
    expect(after).toMatchObject({ sub: user.user_id, baas_id: before.baas_id, baas_device_id: user.device_id });
  });

  it('accepts an empty body sent as application/json;charset=utf-8', async () => {
    const user = await anonymousUser();
    const headers = { 'content-type': 'application/json;charset=utf-8' };
    const res = await invoke(refresh, { method: 'POST', path, token: user.refresh_token, headers, body: '' });
    expect(res.status).toBe(201);
  });

  it('refuses an access token with InvalidSession', async () => {
    const user = await anonymousUser();
    const res = await invoke(refresh, { method: 'POST', path, token: user.access_token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid refresh token: incorrect token type', error_code: 'InvalidSession' });
  });

  it('refuses garbage, expired and foreign refresh tokens with InvalidSession', async () => {
    const user = await anonymousUser();
    const old = await runtimeAt(-70 * 24 * 3600 * 1000);
    const expired = await old.tokens.signRefresh({ userId: user.user_id, sessionId: decodeJwt(user.access_token).baas_id as string }, Math.floor(Date.now() / 1000) - 10);
    const [header, payload] = user.refresh_token.split('.');
    for (const token of ['garbage', expired, `${header}.${payload}.AAAA`, `${header}.${payload}.`]) {
      const res = await invoke(refresh, { method: 'POST', path, token });
      expect(res.status, token).toBe(401);
      expect(res.body).toEqual(NOT_FOUND);
    }
  });

  it('answers MissingAuthReq without a token', async () => {
    const res = await invoke(refresh, { method: 'POST', path });
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('MissingAuthReq');
  });
});

describe('DELETE /auth/session (logout)', () => {
  it('answers 204 without Content-Type, then the refresh token is dead', async () => {
    const user = await anonymousUser();
    const res = await invoke(logout, { method: 'DELETE', path, token: user.refresh_token });
    expect(res.status).toBe(204);
    expect(res.headers['Content-Type']).toBeUndefined();
    for (const handler of [refresh, logout]) {
      const again = await invoke(handler, { method: 'POST', path, token: user.refresh_token });
      expect(again.status).toBe(401);
      expect(again.body).toEqual(NOT_FOUND);
    }
  });

  it('ends only its own session', async () => {
    const user = await anonymousUser();
    const other = await anonymousUser();
    await invoke(logout, { method: 'DELETE', path, token: other.refresh_token });
    expect((await invoke(refresh, { method: 'POST', path, token: user.refresh_token })).status).toBe(201);
  });
});
