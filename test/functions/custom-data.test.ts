import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { handler as authorizer } from '../../functions/authorizer';
import { handler as remove } from '../../functions/auth/delete';
import { handler as profile } from '../../functions/auth/profile';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as getData } from '../../functions/custom-data/get';
import { handler as putData } from '../../functions/custom-data/put';
import { handler as refresh } from '../../functions/session/refresh';
import { readOwnCustomData } from '../../lib/custom-data';
import { REQUEST_HEAD_LIMIT, requestHeadSize } from '../../lib/http';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { logInWithPassword, registerUser } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { createDocumentClient } from '../../lib/store/dynamo';
import { ACCESS_TOKEN_BUDGET } from '../../lib/tokens';
import { APP, BROWSER_HEADERS, CLIENT, apiEvent, invoke, uniqueEmail } from '../helpers/events';
import { captureStdout } from '../helpers/logs';
import { anonymousUser, emailUser, runtimeAt } from '../helpers/users';

const path = `${CLIENT}/auth/custom_data`;
const HOOK = { GATEHOUSE_USER_CREATION_FUNCTION: 'gatehouse-local-exampleUserCreation' };
const doc = createDocumentClient({ tableName: inject('tableName'), region: 'us-east-1', endpoint: inject('dynamoEndpoint') });

async function itemCount(): Promise<number> {
  let total = 0;
  for (const table of [inject('tableName'), inject('customDataTable')]) {
    total += (await doc.send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;
  }
  return total;
}

async function refreshed(refreshToken: string) {
  const res = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: refreshToken });
  return decodeJwt(res.body.access_token);
}

describe('custom user data', () => {
  it('is replaced by its user and rides in the next access token, with a version claim', async () => {
    const user = await anonymousUser();
    expect(decodeJwt(user.access_token).user_data).toBeUndefined();
    const put = await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { theme: 'dark', age: { $numberInt: '7' } } });
    expect(put.body).toEqual({ theme: 'dark', age: 7, userId: user.user_id });
    const first = await refreshed(user.refresh_token);
    expect(first.user_data).toEqual({ theme: 'dark', age: 7, userId: user.user_id });
    await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { theme: 'light' } });
    const second = await refreshed(user.refresh_token);
    expect(second.user_data).toEqual({ theme: 'light', userId: user.user_id });
    expect(second.custom_data_version).not.toBe(first.custom_data_version);
    expect((await invoke(getData, { path, token: user.access_token })).body).toEqual({ theme: 'light', userId: user.user_id });
  });

  it('keeps the user-id field the caller’s own', async () => {
    const user = await anonymousUser();
    const put = await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { userId: 'someone-else' } });
    expect(put.body.userId).toBe(user.user_id);
  });

  it('is embedded at login', async () => {
    const user = await emailUser();
    await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { plan: 'pro' } });
    const again = await logInWithPassword(await runtime(), user.email, user.password, {}, '127.0.0.1');
    expect(decodeJwt(again.access_token).user_data).toEqual({ plan: 'pro', userId: user.user_id });
  });

  it('has no self-service route unless configured', async () => {
    const rt = await runtimeAt(0, { GATEHOUSE_CUSTOM_DATA_SELF_SERVICE: 'false' });
    const user = await anonymousUser();
    const { user: stored } = await rt.store.getLoginState(user.user_id);
    await expect(readOwnCustomData(rt, stored!)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('outlives its user unless configured otherwise', async () => {
    const kept = await anonymousUser();
    await invoke(putData, { method: 'PUT', path, token: kept.access_token, body: { a: 1 } });
    await invoke(remove, { method: 'DELETE', path: `${CLIENT}/auth/delete`, token: kept.access_token });
    expect(await (await runtime()).store.getCustomData(kept.user_id)).toEqual({ a: 1, userId: kept.user_id });
  });
});

function authorizerEvent(token: string): APIGatewayRequestAuthorizerEventV2 {
  const base = apiEvent({ path: '/api/example/whoami', headers: BROWSER_HEADERS, token });
  return { ...base, type: 'REQUEST', routeArn: 'arn:aws:execute-api:us-east-1:123456789012:local/$default/GET/api/example/whoami', identitySource: [`Bearer ${token}`] } as unknown as APIGatewayRequestAuthorizerEventV2;
}

describe(`the access-token budget (${ACCESS_TOKEN_BUDGET} bytes, under API Gateway's ${REQUEST_HEAD_LIMIT}-byte request head)`, () => {
  it('refuses a self-service document whose token would pass the budget, to the byte, naming the limit', async () => {
    const user = await anonymousUser();
    const rt = await runtime();
    const claims = decodeJwt(user.access_token);
    const grant = { userId: user.user_id, sessionId: String(claims.baas_id), deviceId: user.device_id };
    // The longest blob whose token fits, found on the tokens' own measure; the test then holds the route to it.
    let fits = 0;
    for (let step = 4096; step >= 1; step /= 2) {
      if (rt.tokens.accessTokenLength({ ...grant, userData: { blob: 'x'.repeat(fits + step), userId: user.user_id } }) <= ACCESS_TOKEN_BUDGET) fits += step;
    }
    const over = await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { blob: 'x'.repeat(fits + 1) } });
    expect(over.status).toBe(400);
    expect(over.body).toEqual({
      error: `custom user data is too large: the access token that carries it must be at most ${ACCESS_TOKEN_BUDGET} bytes`,
      error_code: 'InvalidParameter',
    });
    const ok = await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { blob: 'x'.repeat(fits) } });
    expect(ok.status).toBe(200);
    const res = await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token });
    const token: string = res.body.access_token;
    expect(decodeJwt(token).user_data).toEqual({ blob: 'x'.repeat(fits), userId: user.user_id });
    expect(token.length).toBeLessThanOrEqual(ACCESS_TOKEN_BUDGET);
    expect(token.length).toBeGreaterThan(ACCESS_TOKEN_BUDGET - 3);
    const used = await invoke(profile, { path: `${CLIENT}/auth/profile`, headers: BROWSER_HEADERS, token });
    expect(used.status).toBe(200);
  });

  it('leaves out a document a backend wrote straight into the table, so its user is never locked out', async () => {
    const user = await emailUser();
    const blob = 'x'.repeat(7600);
    await doc.send(new PutCommand({ TableName: inject('customDataTable'), Item: { blob, userId: user.user_id } }));

    const { lines, result: login } = await captureStdout(() =>
      invoke(userpassLogin, {
        method: 'POST',
        path: `${CLIENT}/app/${APP}/auth/providers/local-userpass/login`,
        params: { app: APP },
        headers: BROWSER_HEADERS,
        body: { username: user.email, password: user.password },
      }),
    );
    expect(login.status).toBe(200);
    const token: string = login.body.access_token;
    expect(decodeJwt(token).user_data).toBeUndefined();
    expect(token.length).toBeLessThanOrEqual(ACCESS_TOKEN_BUDGET);
    const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 'WARN');
    expect(warning).toMatchObject({ level: 'WARN', message: `custom user data left out of the access token: the token would pass ${ACCESS_TOKEN_BUDGET} bytes`, userId: user.user_id, service: 'gatehouse' });

    expect((await invoke(profile, { path: `${CLIENT}/auth/profile`, headers: BROWSER_HEADERS, token })).status).toBe(200);
    expect(requestHeadSize(apiEvent({ path: '/api/example/whoami', headers: BROWSER_HEADERS, token }))).toBeLessThanOrEqual(REQUEST_HEAD_LIMIT);
    expect(await authorizer(authorizerEvent(token))).toMatchObject({ isAuthorized: true, context: { userId: user.user_id } });
    expect((await refreshed(login.body.refresh_token)).user_data).toBeUndefined();

    const shrunk = await invoke(putData, { method: 'PUT', path, headers: BROWSER_HEADERS, token, body: { plan: 'pro' } });
    expect(shrunk.status).toBe(200);
    expect((await refreshed(login.body.refresh_token)).user_data).toEqual({ plan: 'pro', userId: user.user_id });
  });
});

describe('user-creation function (through serverless offline’s Lambda endpoint)', () => {
  it('seeds the new user’s custom data, in the first access token', async () => {
    const rt = await runtimeAt(0, HOOK);
    const auth = await logInAnonymously(rt, {}, '127.0.0.1');
    expect(decodeJwt(auth.access_token).user_data).toEqual({ plan: 'free', signedUpWith: 'anon-user', userId: auth.user_id });
  });

  it('refuses a user it throws for, writing nothing at all', async () => {
    const rt = await runtimeAt(0, HOOK);
    const email = uniqueEmail('hook').replace('@example.test', '@blocked.example');
    await registerUser(rt, email, 'a long password');
    const before = await itemCount();
    await expect(logInWithPassword(rt, email, 'a long password', {}, '127.0.0.1')).rejects.toMatchObject({ code: 'AuthError', message: 'user creation function threw an error' });
    expect(await itemCount()).toBe(before);
  });

  it('refuses the user when the function does not answer in time, writing nothing', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
    try {
      const { port } = silent.address() as { port: number };
      const rt = await runtimeAt(0, { ...HOOK, GATEHOUSE_USER_CREATION_TIMEOUT_MS: '200', GATEHOUSE_LAMBDA_ENDPOINT: `http://127.0.0.1:${port}` });
      const before = await itemCount();
      await expect(logInAnonymously(rt, {}, '127.0.0.1')).rejects.toMatchObject({ code: 'AuthError', message: 'user creation function timed out' });
      expect(await itemCount()).toBe(before);
    } finally {
      silent.close();
    }
  });
});
