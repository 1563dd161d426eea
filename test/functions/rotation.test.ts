import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as refresh } from '../../functions/session/refresh';
import { ROTATION_RETRY_MS, authenticate, refreshAccessToken, rotateRefreshToken } from '../../lib/sessions';
import { CLIENT, invoke } from '../helpers/events';
import { anonymousUser, runtimeWithClock } from '../helpers/users';

const session = `${CLIENT}/auth/session`;


function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code ?? 'thrown',
  );
}

describe('refresh rotation (opt-in)', () => {
  it('keeps the refresh token on the SDK route and rotates it with ?rotate=true', async () => {
    const user = await anonymousUser();
    const plain = await invoke(refresh, { method: 'POST', path: session, token: user.refresh_token });
    expect(plain.status).toBe(201);
    expect(Object.keys(plain.body)).toEqual(['access_token']);
    const rotated = await invoke(refresh, { method: 'POST', path: session, token: user.refresh_token, query: { rotate: 'true' } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(rotated.body.refresh_token).not.toBe(user.refresh_token);
    const next = await invoke(refresh, { method: 'POST', path: session, token: rotated.body.refresh_token, query: { rotate: 'true' } });
    expect(next.status).toBe(201);
    expect((await invoke(profile, { path: `${CLIENT}/auth/profile`, token: next.body.access_token })).status).toBe(200);
  });

  it('answers a retry within the window with the very same pair, and a later replay ends the session', async () => {
    const { rt, clock } = await runtimeWithClock();
    const user = await anonymousUser();
    const first = await rotateRefreshToken(rt, user.refresh_token);
    clock.now += ROTATION_RETRY_MS - 1000;
    expect(await rotateRefreshToken(rt, user.refresh_token)).toEqual(first);
    expect(await code(refreshAccessToken(rt, user.refresh_token))).toBe('InvalidSession');
    expect(await code(refreshAccessToken(rt, first.refresh_token))).toBe('ok');
    clock.now += 2000;
    expect(await code(rotateRefreshToken(rt, user.refresh_token))).toBe('InvalidSession');
    expect(await code(refreshAccessToken(rt, first.refresh_token))).toBe('InvalidSession');
    expect(await code(authenticate(rt, first.access_token))).toBe('InvalidSession');
  });

  it('ends the session when a token two rotations old comes back, even within the window', async () => {
    const { rt } = await runtimeWithClock();
    const user = await anonymousUser();
    const second = await rotateRefreshToken(rt, (await rotateRefreshToken(rt, user.refresh_token)).refresh_token);
    expect(await code(refreshAccessToken(rt, user.refresh_token))).toBe('InvalidSession');
    expect(await code(refreshAccessToken(rt, second.refresh_token))).toBe('InvalidSession');
  });

  it('gives parallel rotations of one token one chain: the same successor for all', async () => {
    const user = await anonymousUser();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => invoke(refresh, { method: 'POST', path: session, token: user.refresh_token, query: { rotate: 'true' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.refresh_token)).size).toBe(1);
    const next = await invoke(refresh, { method: 'POST', path: session, token: answers[0].body.refresh_token, query: { rotate: 'true' } });
    expect(next.status).toBe(201);
  });
});
