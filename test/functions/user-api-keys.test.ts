import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handler as keysDelete } from '../../functions/admin/users-api-keys-delete';
import { handler as keysDisable } from '../../functions/admin/users-api-keys-disable';
import { handler as keysEnable } from '../../functions/admin/users-api-keys-enable';
import { handler as keysList } from '../../functions/admin/users-api-keys-list';
import { handler as logout } from '../../functions/admin/users-logout';
import { handler as create } from '../../functions/api-keys/create';
import { handler as enable } from '../../functions/api-keys/enable';
import { handler as keyLogin } from '../../functions/providers/api-key/login';
import { handler as refresh } from '../../functions/session/refresh';
import { createServerApiKey } from '../../lib/api-keys';
import type { AuthInfo } from '../../lib/login';
import { logInWithPassword } from '../../lib/providers/local-userpass';
import { runtime } from '../../lib/runtime';
import { createDocumentClient, createDynamoStore } from '../../lib/store/dynamo';
import { callResetFunction, resetPassword, sendResetEmail } from '../../lib/providers/local-userpass/reset';
import { adminSession } from '../helpers/admin';
import { APP, CLIENT, type Result, invoke } from '../helpers/events';
import { linkFor } from '../helpers/outbox';
import { emailUser, runtimeAt } from '../helpers/users';

const outbox = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
const NOBODY = '0123456789abcdef01234567';

function withReset(env: Record<string, string> = {}) {
  const providers = {
    'local-userpass': { enabled: true, resetPasswordUrl: 'https://app.example.test/reset', runResetFunction: true, resetFunctionName: 'gatehouse-local-exampleResetPassword' },
  };
  return runtimeAt(0, { GATEHOUSE_PROVIDERS: JSON.stringify(providers), GATEHOUSE_OUTBOX_DIR: outbox, ...env });
}

async function newKey(refreshToken: string, name: string): Promise<{ _id: string; key: string }> {
  const res = await invoke(create, { method: 'POST', path: `${CLIENT}/auth/api_keys`, token: refreshToken, body: { name } });
  expect(res.status).toBe(201);
  return res.body;
}

function logIn(key: string) {
  return invoke(keyLogin, { method: 'POST', path: `${CLIENT}/app/${APP}/auth/providers/api-key/login`, params: { app: APP }, body: { key } });
}

async function admin(handler: typeof keysList, method: string, userId: string, tail: string, params: Record<string, string> = {}, body?: unknown): Promise<Result> {
  const rt = await runtime();
  const { token } = await adminSession();
  const app = { groupId: rt.config.groupId, appId: rt.config.domainId };
  const path = `/api/admin/v3.0/groups/${app.groupId}/apps/${app.appId}/users/${userId}${tail}`;
  return invoke(handler, { method, path, params: { ...app, userId, ...params }, token, ...(body === undefined ? {} : { body }) });
}

const listed = async (userId: string) => (await admin(keysList, 'GET', userId, '/api_keys')).body as { _id: string; name: string; disabled: boolean }[];
const refused = { error: 'invalid API key', error_code: 'AuthError' };

describe('a password reset ends what a stolen session minted', () => {
  it('reset with a token: the key an attacker made with a stolen refresh token no longer logs in', async () => {
    const victim = await emailUser();
    const stolen = victim.refresh_token;
    const minted = await newKey(stolen, 'attacker');
    const opened = await logIn(minted.key);
    expect(opened.body.user_id).toBe(victim.user_id);

    const rt = await withReset();
    await sendResetEmail(rt, victim.email);
    const link = await linkFor(outbox, victim.email);
    await resetPassword(rt, link.token, link.tokenId, 'a brand new password');

    expect((await logIn(minted.key)).body).toEqual(refused);
    for (const token of [stolen, opened.body.refresh_token]) {
      expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token })).body.error_code).toBe('InvalidSession');
    }
    expect(await listed(victim.user_id)).toEqual([{ _id: minted._id, name: 'attacker', disabled: true }]);

    // The owner logs in with the new password and re-enables the keys they trust.
    const owner = (await logInWithPassword(rt, victim.email, 'a brand new password', {}, '127.0.0.1')) as AuthInfo;
    const again = await invoke(enable, { method: 'PUT', path: `${CLIENT}/auth/api_keys/${minted._id}/enable`, params: { keyId: minted._id }, token: owner.refresh_token });
    expect(again.status).toBe(204);
    expect((await logIn(minted.key)).status).toBe(200);
  });

  it('reset/call: the reset function\'s success disables every key of the user', async () => {
    const victim = await emailUser();
    const keys = [await newKey(victim.refresh_token, 'one'), await newKey(victim.refresh_token, 'two')];
    await callResetFunction(await withReset(), victim.email, 'answered new password', ['the secret answer']);
    for (const key of keys) expect((await logIn(key.key)).body).toEqual(refused);
    expect((await listed(victim.user_id)).map((k) => k.disabled)).toEqual([true, true]);
  });

  it('GATEHOUSE_RESET_DISABLES_API_KEYS=false keeps App Services\' behaviour: keys survive, sessions do not', async () => {
    const victim = await emailUser();
    const key = await newKey(victim.refresh_token, 'kept');
    await callResetFunction(await withReset({ GATEHOUSE_RESET_DISABLES_API_KEYS: 'false' }), victim.email, 'answered new password', ['the secret answer']);
    expect((await logIn(key.key)).body.user_id).toBe(victim.user_id);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: victim.refresh_token })).body.error_code).toBe('InvalidSession');
  });

  it('starts over when a key is minted between listing the keys and the write: none slips through', async () => {
    const victim = await emailUser();
    await newKey(victim.refresh_token, 'first');
    const base = await withReset();
    // The reset's own DynamoDB client lets another request mint a key just before the reset's transaction.
    const doc = createDocumentClient({ tableName: base.config.tableName, region: base.config.region, endpoint: base.config.dynamoEndpoint });
    let minted = false;
    doc.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { TransactItems?: unknown }).TransactItems && !minted) {
          minted = true;
          await newKey(victim.refresh_token, 'slipped');
        }
        return next(args);
      },
      { step: 'initialize', name: 'mintBeforeTheWrite' },
    );
    const rt = { ...base, store: createDynamoStore(doc, base.config.tableName, base.config.customData) };
    await callResetFunction(rt, victim.email, 'answered new password', ['the secret answer']);
    expect(minted).toBe(true);
    expect((await listed(victim.user_id)).map((k) => [k.name, k.disabled])).toEqual([
      ['first', true],
      ['slipped', true],
    ]);
  });
});

describe('admin: a user\'s API keys', () => {
  it('lists them without secrets, disables, enables and deletes one', async () => {
    const user = await emailUser();
    const key = await newKey(user.refresh_token, 'laptop');
    const list = await admin(keysList, 'GET', user.user_id, '/api_keys');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ _id: key._id, name: 'laptop', disabled: false }]);
    expect(JSON.stringify(list.body)).not.toContain(key.key);

    const on = { apiKeyId: key._id };
    expect((await admin(keysDisable, 'PUT', user.user_id, `/api_keys/${key._id}/disable`, on)).status).toBe(204);
    expect((await logIn(key.key)).body).toEqual(refused);
    expect((await listed(user.user_id))[0].disabled).toBe(true);
    expect((await admin(keysEnable, 'PUT', user.user_id, `/api_keys/${key._id}/enable`, on)).status).toBe(204);
    expect((await logIn(key.key)).status).toBe(200);
    expect((await admin(keysDelete, 'DELETE', user.user_id, `/api_keys/${key._id}`, on)).status).toBe(204);
    expect((await logIn(key.key)).status).toBe(401);
    expect(await listed(user.user_id)).toEqual([]);
    const gone = await admin(keysDelete, 'DELETE', user.user_id, `/api_keys/${key._id}`, on);
    expect([gone.status, gone.body.error_code]).toEqual([404, 'APIKeyNotFound']);
  });

  it('answers UserNotFound, and APIKeyNotFound for another user\'s or a malformed key id', async () => {
    const [owner, other] = [await emailUser(), await emailUser()];
    const key = await newKey(owner.refresh_token, 'mine');
    const nobody = await admin(keysList, 'GET', NOBODY, '/api_keys');
    expect([nobody.status, nobody.body.error_code]).toEqual([404, 'UserNotFound']);
    for (const keyId of [key._id, 'x'.repeat(2000), NOBODY]) {
      for (const [handler, method] of [[keysDisable, 'PUT'], [keysEnable, 'PUT'], [keysDelete, 'DELETE']] as const) {
        const res = await admin(handler, method, other.user_id, `/api_keys/${keyId}`, { apiKeyId: keyId });
        expect([res.status, res.body.error_code]).toEqual([404, 'APIKeyNotFound']);
      }
    }
    expect((await logIn(key.key)).body.user_id).toBe(owner.user_id);
  });

  it('deletes no server key through its user (that is the app\'s api_keys route)', async () => {
    const server = await createServerApiKey(await runtime(), `server-${Date.now()}`);
    const res = await admin(keysDelete, 'DELETE', server.user_id, `/api_keys/${server._id}`, { apiKeyId: server._id });
    expect([res.status, res.body.error_code]).toEqual([400, 'BadRequest']);
    expect((await logIn(server.key)).status).toBe(200);
  });

  it('refuses a client token', async () => {
    const user = await emailUser();
    const rt = await runtime();
    const res = await invoke(keysList, {
      path: `/api/admin/v3.0/groups/${rt.config.groupId}/apps/${rt.config.domainId}/users/${user.user_id}/api_keys`,
      params: { groupId: rt.config.groupId, appId: rt.config.domainId, userId: user.user_id },
      token: user.access_token,
    });
    expect([res.status, res.body.error_code]).toEqual([401, 'InvalidSession']);
  });
});

describe('admin: revoke all sessions, optionally with the API keys', () => {
  it('without the option, sessions end and keys keep working', async () => {
    const user = await emailUser();
    const key = await newKey(user.refresh_token, 'kept');
    expect((await admin(logout, 'PUT', user.user_id, '/logout')).status).toBe(204);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token })).body.error_code).toBe('InvalidSession');
    expect((await logIn(key.key)).status).toBe(200);
  });

  it('with disable_api_keys, every key of the user is disabled too', async () => {
    const user = await emailUser();
    const keys = [await newKey(user.refresh_token, 'a'), await newKey(user.refresh_token, 'b')];
    expect((await admin(logout, 'PUT', user.user_id, '/logout', {}, { disable_api_keys: true })).status).toBe(204);
    expect((await invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token })).body.error_code).toBe('InvalidSession');
    for (const key of keys) expect((await logIn(key.key)).body).toEqual(refused);
    expect((await listed(user.user_id)).map((k) => k.disabled)).toEqual([true, true]);
  });

  it('refuses a malformed option and an unknown user', async () => {
    const user = await emailUser();
    const bad = await admin(logout, 'PUT', user.user_id, '/logout', {}, { disable_api_keys: 'yes' });
    expect([bad.status, bad.body.error_code]).toEqual([400, 'InvalidParameter']);
    const nobody = await admin(logout, 'PUT', NOBODY, '/logout', {}, { disable_api_keys: true });
    expect([nobody.status, nobody.body.error_code]).toEqual([404, 'UserNotFound']);
  });
});
