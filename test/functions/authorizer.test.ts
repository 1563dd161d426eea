import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as authorizer } from '../../functions/authorizer';
import { handler as whoami } from '../../functions/example/whoami';
import { handler as remove } from '../../functions/auth/delete';
import { handler as logout } from '../../functions/session/logout';
import { createAuthorizer, authorizeRequest } from '../../lib/authorizer';
import { apiEvent, CLIENT, invoke } from '../helpers/events';
import { anonymousUser, runtimeAt } from '../helpers/users';

function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEventV2 {
  const base = apiEvent({ path: '/api/example/whoami', headers });
  return { ...base, type: 'REQUEST', routeArn: 'arn:aws:execute-api:us-east-1:123456789012:local/$default/GET/api/example/whoami', identitySource: [headers.Authorization ?? headers.authorization ?? ''] } as unknown as APIGatewayRequestAuthorizerEventV2;
}

describe('authorizer', () => {
  it('passes user id, user type, device and session to the route, reading the header in any case', async () => {
    const user = await anonymousUser();
    const result = await authorizer(authorizerEvent({ AUTHORIZATION: `Bearer ${user.access_token}` }));
    expect(result).toEqual({
      isAuthorized: true,
      context: { userId: user.user_id, userType: 'normal', deviceId: user.device_id, sessionId: expect.stringMatching(/^[0-9a-f]{24}$/) },
    });
    const event = { ...apiEvent({ path: '/api/example/whoami' }), requestContext: { ...apiEvent({ path: '/' }).requestContext, authorizer: { lambda: result.context } } };
    const res = await whoami(event);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual(result.context);
  });

  it('refuses missing, malformed, refresh and expired tokens', async () => {
    const user = await anonymousUser();
    const sessionId = JSON.parse(Buffer.from(user.access_token.split('.')[1], 'base64url').toString()).baas_id;
    const expired = await (await runtimeAt(-3600_000)).tokens.signAccess({ userId: user.user_id, sessionId, deviceId: user.device_id });
    for (const header of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: `Bearer ${user.refresh_token}` }, { authorization: `Bearer ${expired}` }]) {
      expect(await authorizer(authorizerEvent(header))).toEqual({ isAuthorized: false });
    }
  });

  it('refuses tokens of a logged-out session and of a deleted user once the cache window has passed', async () => {
    const rt = await runtimeAt(0, { GATEHOUSE_SESSION_CHECK_CACHE_MS: '0' });
    const check = createAuthorizer(rt);
    const [a, b] = [await anonymousUser(), await anonymousUser()];
    const allowed = (token: string) => authorizeRequest(check, { headers: { authorization: `Bearer ${token}` } });
    expect((await allowed(a.access_token)).isAuthorized).toBe(true);
    await invoke(logout, { method: 'DELETE', path: `${CLIENT}/auth/session`, token: a.refresh_token });
    expect((await allowed(a.access_token)).isAuthorized).toBe(false);
    expect((await allowed(b.access_token)).isAuthorized).toBe(true);
    await invoke(remove, { method: 'DELETE', path: `${CLIENT}/auth/delete`, token: b.access_token });
    expect((await allowed(b.access_token)).isAuthorized).toBe(false);
  });

  it('trusts a session check for the configured window only', async () => {
    let now = Date.now();
    const rt = await runtimeAt(0, { GATEHOUSE_SESSION_CHECK_CACHE_MS: '1000' });
    const check = createAuthorizer({ ...rt, clock: () => now });
    const user = await anonymousUser();
    const allowed = async () => (await authorizeRequest(check, { headers: { authorization: `Bearer ${user.access_token}` } })).isAuthorized;
    expect(await allowed()).toBe(true);
    await invoke(logout, { method: 'DELETE', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    expect(await allowed()).toBe(true);
    now += 1001;
    expect(await allowed()).toBe(false);
  });
});
