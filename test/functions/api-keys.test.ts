import { describe, expect, it } from 'vitest';
import { handler as create } from '../../functions/api-keys/create';
import { handler as remove } from '../../functions/api-keys/delete';
import { handler as disable } from '../../functions/api-keys/disable';
import { handler as enable } from '../../functions/api-keys/enable';
import { handler as get } from '../../functions/api-keys/get';
import { handler as list } from '../../functions/api-keys/list';
import { handler as profile } from '../../functions/auth/profile';
import { handler as deleteSelf } from '../../functions/auth/delete';
import { handler as keyLogin } from '../../functions/providers/api-key/login';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deleteServerKey } from '../../lib/admin/server-keys';
import { createServerApiKey } from '../../lib/api-keys';
import { createDocumentClient } from '../../lib/store/dynamo';
import { runtime } from '../../lib/runtime';
import { APP, CLIENT, invoke } from '../helpers/events';
import { anonymousUser, emailUser } from '../helpers/users';

const keys = `${CLIENT}/auth/api_keys`;

function newKey(token: string, name: string) {
  return invoke(create, { method: 'POST', path: keys, token, body: { name } });
}

function logIn(key: string) {
  return invoke(keyLogin, { method: 'POST', path: `${CLIENT}/app/${APP}/auth/providers/api-key/login`, params: { app: APP }, body: { key } });
}

const on = (keyId: string) => ({ params: { keyId }, path: `${keys}/${keyId}` });

describe('user API keys', () => {
  it('creates a key shown once, lists and gets it without the secret', async () => {
    const user = await emailUser();
    const res = await newKey(user.refresh_token, 'k1');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), key: expect.stringMatching(/^[A-Za-z0-9]{64}$/), name: 'k1', disabled: false });
    await newKey(user.refresh_token, 'k2');
    const all = await invoke(list, { path: keys, token: user.refresh_token });
    expect(all.body.map((k: { name: string }) => k.name)).toEqual(['k1', 'k2']);
    expect(all.body[0]).toEqual({ _id: res.body._id, name: 'k1', disabled: false });
    expect((await invoke(get, { ...on(res.body._id), token: user.refresh_token })).body).toEqual(all.body[0]);
  });

  it('logs in as the owner, who gains an api-key identity', async () => {
    const user = await emailUser();
    const { body: key } = await newKey(user.refresh_token, 'login');
    const res = await logIn(key.key);
    expect(res.status).toBe(200);
    expect(res.body.user_id).toBe(user.user_id);
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: res.body.access_token });
    expect(me.body.identities.map((i: { provider_type: string; id: string }) => [i.provider_type, i.id])).toEqual([
      ['local-userpass', expect.any(String)],
      ['api-key', key._id],
    ]);
    expect((await logIn(key.key)).body.user_id).toBe(user.user_id);
  });

  it('refuses disabled, deleted and unknown keys with AuthError, and enables again', async () => {
    const user = await emailUser();
    const { body: key } = await newKey(user.refresh_token, 'toggle');
    expect((await invoke(disable, { method: 'PUT', ...on(key._id), token: user.refresh_token })).status).toBe(204);
    expect((await logIn(key.key)).body).toEqual({ error: 'invalid API key', error_code: 'AuthError' });
    expect((await invoke(enable, { method: 'PUT', ...on(key._id), token: user.refresh_token })).status).toBe(204);
    expect((await logIn(key.key)).status).toBe(200);
    expect((await invoke(remove, { method: 'DELETE', ...on(key._id), token: user.refresh_token })).status).toBe(204);
    expect((await logIn(key.key)).status).toBe(401);
    expect((await logIn('x'.repeat(64))).body.error_code).toBe('AuthError');
    const gone = await invoke(get, { ...on(key._id), token: user.refresh_token });
    expect([gone.status, gone.body.error_code]).toEqual([404, 'APIKeyNotFound']);
  });

  it("answers APIKeyNotFound for another user's key on every route", async () => {
    const [owner, other] = [await emailUser(), await emailUser()];
    const { body: key } = await newKey(owner.refresh_token, 'mine');
    for (const [handler, method] of [[get, 'GET'], [enable, 'PUT'], [disable, 'PUT'], [remove, 'DELETE']] as const) {
      const res = await invoke(handler, { method, ...on(key._id), token: other.refresh_token });
      expect([res.status, res.body.error_code]).toEqual([404, 'APIKeyNotFound']);
    }
    expect((await logIn(key.key)).body.user_id).toBe(owner.user_id);
  });

  it('enforces the name rule, unique names, the limit of 20 and no anonymous owners', async () => {
    const user = await emailUser();
    const bad = await newKey(user.refresh_token, 'My key');
    expect([bad.status, bad.body.error_code]).toEqual([400, 'InvalidParameter']);
    await newKey(user.refresh_token, 'dup');
    expect((await newKey(user.refresh_token, 'dup')).body.error_code).toBe('APIKeyAlreadyExists');
    for (let i = 1; i < 20; i++) expect((await newKey(user.refresh_token, `k${i}`)).status).toBe(201);
    const over = await newKey(user.refresh_token, 'k20');
    expect([over.status, over.body.error]).toEqual([400, 'a user can have at most 20 API keys']);
    const anon = await anonymousUser();
    expect((await newKey(anon.refresh_token, 'anon')).body.error_code).toBe('BadRequest');
  });

  it('uses the refresh token: an access token is refused', async () => {
    const user = await emailUser();
    const res = await invoke(list, { path: keys, token: user.access_token });
    expect([res.status, res.body.error_code]).toEqual([401, 'InvalidSession']);
  });

  it('stops logging in once its user is deleted', async () => {
    const user = await emailUser();
    const { body: key } = await newKey(user.refresh_token, 'doomed');
    await invoke(deleteSelf, { method: 'DELETE', path: `${CLIENT}/auth/delete`, token: user.access_token });
    expect((await logIn(key.key)).body).toEqual({ error: 'invalid API key', error_code: 'AuthError' });
  });
});

describe('server API keys', () => {
  it('log in as a server user whose single identity is the key', async () => {
    const rt = await runtime();
    const key = await createServerApiKey(rt, `server-${Date.now()}`);
    const res = await logIn(key.key);
    expect(res.body.user_id).toBe(key.user_id);
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: res.body.access_token });
    expect(me.body).toMatchObject({ type: 'server', identities: [{ id: key._id, provider_type: 'api-key' }] });
  });
});

describe('server key limit', () => {
  it('allows 100 server keys per app; deleting one makes room again', async () => {
    const rt = await runtime();
    const doc = createDocumentClient({ tableName: rt.config.tableName, region: 'us-east-1', endpoint: rt.config.dynamoEndpoint });
    const counter = { TableName: rt.config.tableName, Key: { PK: 'APP', SK: 'SERVERKEYS' } };
    const before = (await doc.send(new GetCommand(counter))).Item?.serverKeyCount as number | undefined;
    try {
      await doc.send(new PutCommand({ TableName: rt.config.tableName, Item: { ...counter.Key, serverKeyCount: 99 } }));
      const last = await createServerApiKey(rt, `limit-${Date.now()}-a`);
      await expect(createServerApiKey(rt, `limit-${Date.now()}-b`)).rejects.toMatchObject({ code: 'BadRequest', message: 'an app can have at most 100 server API keys' });
      await deleteServerKey(rt, last._id);
      await expect(createServerApiKey(rt, `limit-${Date.now()}-c`)).resolves.toMatchObject({ name: expect.any(String) });
    } finally {
      await doc.send(new PutCommand({ TableName: rt.config.tableName, Item: { ...counter.Key, serverKeyCount: (before ?? 0) + 1 } }));
    }
  });
});
