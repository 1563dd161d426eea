import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt } from 'jose';
import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { handler as remove } from '../../functions/auth/delete';
import { handler as getData } from '../../functions/custom-data/get';
import { handler as putData } from '../../functions/custom-data/put';
import { handler as refresh } from '../../functions/session/refresh';
import { readOwnCustomData } from '../../lib/custom-data';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { logInWithPassword, registerUser } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { createDocumentClient } from '../../lib/store/dynamo';
import { CLIENT, invoke, uniqueEmail } from '../helpers/events';
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

  it('keeps the user-id field the caller’s own, and refuses documents over 16 KB', async () => {
    const user = await anonymousUser();
    const put = await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { userId: 'someone-else' } });
    expect(put.body.userId).toBe(user.user_id);
    const big = await invoke(putData, { method: 'PUT', path, token: user.access_token, body: { blob: 'x'.repeat(17 * 1024) } });
    expect(big.status).toBe(413);
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
