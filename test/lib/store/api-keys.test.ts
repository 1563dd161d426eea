import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { type ApiKey, ConditionFailed, type User } from '../../../lib/store';
import { type ApiKeyStore, dynamoApiKeyStore } from '../../../lib/store/api-keys';
import { type CredentialStore, dynamoCredentialStore } from '../../../lib/store/credentials';
import { type UserStore, dynamoUserStore } from '../../../lib/store/users';
import { deviceOf, newUser, ownTables, sessionFor, uniqueEmailKey } from './tables';

// The contract of ApiKeyStore (lib/store/api-keys.ts), on tables of its own: server keys are app-wide.
let store: ApiKeyStore;
let users: UserStore;
let credentials: CredentialStore;

beforeAll(async () => {
  const own = await ownTables('api-keys');
  store = dynamoApiKeyStore(own.t);
  users = dynamoUserStore(own.t, own.custom);
  credentials = dynamoCredentialStore(own.t);
});

async function create(user: User = newUser()) {
  const session = sessionFor(user);
  await users.createUserWithSession({ user, session, device: deviceOf(session) });
  return { user, session };
}

const keyOf = (userId: string, name = `key-${newObjectId()}`): ApiKey => ({ id: newObjectId(), userId, name, disabled: false, keyHash: newObjectId(), createdAt: 5 });

describe('ApiKeyStore', () => {
  it('creates a user key, found by its owner, its id and the hash of its secret', async () => {
    const { user } = await create();
    const key = keyOf(user.id);
    await store.createApiKey({ key, limit: 3 });
    expect(await store.getApiKey(user.id, key.id)).toEqual(key);
    expect(await store.listApiKeys(user.id)).toEqual([key]);
    expect(await store.findApiKey(key.keyHash)).toEqual({ userId: user.id, keyId: key.id, name: key.name });
    expect(await store.findApiKey(newObjectId())).toBeUndefined();
    expect(await store.getApiKey(user.id, newObjectId())).toBeUndefined();
  });

  it('refuses a second key of the same name, a key over the limit, and a key of a user that is gone', async () => {
    const { user } = await create();
    const first = keyOf(user.id, 'twice');
    await store.createApiKey({ key: first, limit: 2 });
    await expect(store.createApiKey({ key: keyOf(user.id, 'twice'), limit: 2 })).rejects.toEqual(new ConditionFailed('name'));
    await store.createApiKey({ key: keyOf(user.id), limit: 2 });
    await expect(store.createApiKey({ key: keyOf(user.id), limit: 2 })).rejects.toEqual(new ConditionFailed('limit'));
    expect(await store.listApiKeys(user.id)).toHaveLength(2);
    await expect(store.createApiKey({ key: keyOf(newObjectId()) })).rejects.toEqual(new ConditionFailed('limit'));
  });

  it('disables and enables a key, false for a key there is not', async () => {
    const { user } = await create();
    const key = keyOf(user.id);
    await store.createApiKey({ key });
    expect(await store.setApiKeyDisabled(user.id, key.id, true)).toBe(true);
    expect((await store.getApiKey(user.id, key.id))?.disabled).toBe(true);
    expect(await store.setApiKeyDisabled(user.id, key.id, false)).toBe(true);
    expect((await store.getApiKey(user.id, key.id))?.disabled).toBe(false);
    expect(await store.setApiKeyDisabled(user.id, newObjectId(), true)).toBe(false);
  });

  it('deletes a key with its name and lookup, giving back its place under the limit', async () => {
    const { user } = await create();
    const key = keyOf(user.id, 'reused');
    await store.createApiKey({ key, limit: 1 });
    expect(await store.deleteApiKey(user.id, key.id)).toBe(true);
    expect(await store.deleteApiKey(user.id, key.id)).toBe(false);
    expect(await store.getApiKey(user.id, key.id)).toBeUndefined();
    expect(await store.findApiKey(key.keyHash)).toBeUndefined();
    await store.createApiKey({ key: keyOf(user.id, 'reused'), limit: 1 });
  });

  it('creates server keys with their server users, lists them in id order, and forgets them', async () => {
    const made: ApiKey[] = [];
    for (const name of ['server-b', 'server-a']) {
      const serverUser = { ...newUser(newObjectId(), 'api-key'), type: 'server' as const };
      const key = keyOf(serverUser.id, name);
      await store.createApiKey({ key, serverUser, limit: 2 });
      made.push(key);
      expect(await store.findServerKey(key.id)).toEqual({ userId: serverUser.id, name });
      expect((await users.getLoginState(serverUser.id)).user).toEqual(serverUser);
    }
    expect(await store.listServerKeys()).toEqual([...made].sort((a, b) => a.id.localeCompare(b.id)));
    const over = { ...newUser(newObjectId(), 'api-key'), type: 'server' as const };
    await expect(store.createApiKey({ key: keyOf(over.id, 'server-c'), serverUser: over, limit: 2 })).rejects.toEqual(new ConditionFailed('limit'));
    const serverUser2 = { ...newUser(newObjectId(), 'api-key'), type: 'server' as const };
    await expect(store.createApiKey({ key: keyOf(serverUser2.id, 'server-a'), serverUser: serverUser2 })).rejects.toEqual(new ConditionFailed('name'));

    await store.forgetServerKey(made[0].id, made[0].name);
    expect(await store.findServerKey(made[0].id)).toBeUndefined();
    expect((await store.listServerKeys()).map((k) => k.id)).toEqual([made[1].id]);
    // Its place under the app's limit is free again.
    await store.createApiKey({ key: keyOf(over.id, 'server-c'), serverUser: over, limit: 2 });
  });

  it('revokes access: every session, every key disabled and the password replaced, in one transaction', async () => {
    const { user, session } = await create();
    const keys = [keyOf(user.id), keyOf(user.id)];
    for (const key of keys) await store.createApiKey({ key });
    const email = uniqueEmailKey('revoke');
    await credentials.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'old', createdAt: 1, userId: user.id });
    expect(await store.revokeAccess({ userId: user.id, at: 900, disableApiKeys: true, password: { emailKey: email, passwordHash: 'new' } })).toBe(true);
    expect((await users.getUserAndSession(user.id, session.id)).user).toMatchObject({ sessionsValidAfter: 900 });
    expect((await store.listApiKeys(user.id)).map((k) => k.disabled)).toEqual([true, true]);
    expect((await credentials.getCredential(email))?.passwordHash).toBe('new');

    const other = await create();
    const kept = keyOf(other.user.id);
    await store.createApiKey({ key: kept });
    expect(await store.revokeAccess({ userId: other.user.id, at: 901, disableApiKeys: false })).toBe(true);
    expect((await store.getApiKey(other.user.id, kept.id))?.disabled).toBe(false);
    expect(await store.revokeAccess({ userId: newObjectId(), at: 902, disableApiKeys: true })).toBe(false);
  });
});
