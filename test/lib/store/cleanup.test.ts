import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import type { ItemRef, User } from '../../../lib/store';
import { type ApiKeyStore, dynamoApiKeyStore } from '../../../lib/store/api-keys';
import { type CleanupStore, dynamoCleanupStore } from '../../../lib/store/cleanup';
import { type CredentialStore, dynamoCredentialStore } from '../../../lib/store/credentials';
import { type CustomDataStore, dynamoCustomDataStore } from '../../../lib/store/custom-data';
import { identityItem } from '../../../lib/store/items';
import { apiKeyLookupKey, credentialKey, identityKey, sessionKey, userKey } from '../../../lib/store/keys';
import { type UserStore, dynamoUserStore } from '../../../lib/store/users';
import { deviceOf, newUser, ownTables, sessionFor, uniqueEmailKey } from './tables';

// The contract of CleanupStore (lib/store/cleanup.ts): every removal may be repeated.
let own: Awaited<ReturnType<typeof ownTables>>;
let store: CleanupStore;
let users: UserStore;
let apiKeys: ApiKeyStore;
let credentials: CredentialStore;
let customData: CustomDataStore;

beforeAll(async () => {
  own = await ownTables('cleanup');
  store = dynamoCleanupStore(own.t, own.custom);
  users = dynamoUserStore(own.t, own.custom);
  apiKeys = dynamoApiKeyStore(own.t);
  credentials = dynamoCredentialStore(own.t);
  customData = dynamoCustomDataStore(own.t, own.custom);
});

const item = async (key: ItemRef) => (await own.doc.send(new GetCommand({ TableName: own.table, Key: key }))).Item;

/** A user with `n` sessions, the i-th on its own device last seen at `seen[i]` (default i). */
async function userWithSessions(n: number, seen: number[] = []) {
  const user = newUser();
  const sessions = [];
  for (let i = 0; i < n; i++) {
    const session = sessionFor(user);
    const device = deviceOf(session, seen[i] ?? i);
    if (i === 0) await users.createUserWithSession({ user, session, device });
    else await users.startSession({ session, device, authenticatedAt: i });
    sessions.push(session);
  }
  return { user, sessions };
}

const keysOf = (refs: ItemRef[]) => refs.map((r) => `${r.PK}|${r.SK}`).sort();

describe('CleanupStore', () => {
  it('reads the user item as it is, deleted included', async () => {
    const { user } = await userWithSessions(1);
    expect(await store.getUserItem(user.id)).toEqual(user);
    await users.markUserDeleted(user.id, 50);
    expect(await store.getUserItem(user.id)).toMatchObject({ id: user.id, deletedAt: 50 });
    expect(await store.getUserItem(newObjectId())).toBeUndefined();
  });

  it('pages the keys of a user partition without the user item, with the lookups of its API keys, and removes them', async () => {
    const { user, sessions } = await userWithSessions(2);
    const key = { id: newObjectId(), userId: user.id, name: 'k', disabled: false, keyHash: newObjectId(), createdAt: 1 };
    await apiKeys.createApiKey({ key });
    const keys: ItemRef[] = [];
    const lookups: ItemRef[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const page = await store.userItemsPage(user.id, start, 2);
      keys.push(...page.keys);
      lookups.push(...page.lookups);
      start = page.next;
      pages += 1;
    } while (start);
    expect(pages).toBeGreaterThan(1);
    // Two sessions, two devices, the list pointer, the key and its name.
    expect(keys).toHaveLength(7);
    expect(keys).not.toContainEqual(userKey(user.id));
    expect(keys).toContainEqual(sessionKey(user.id, sessions[0].id));
    expect(lookups).toEqual([apiKeyLookupKey(key.keyHash)]);

    let writes = 0;
    await store.removeItems([...keys, ...lookups, sessionKey(user.id, newObjectId())], () => writes++);
    expect(writes).toBe(1);
    expect((await store.userItemsPage(user.id)).keys).toEqual([]);
    expect(await item(apiKeyLookupKey(key.keyHash))).toBeUndefined();
    expect(await store.getUserItem(user.id)).toMatchObject({ id: user.id });
    await store.removeItems(keys);
  });

  it('removes an identity or a credential only while the user owns it (or it is gone)', async () => {
    const { user } = await userWithSessions(1);
    const identity = user.identities[0];
    const email = uniqueEmailKey('cleanup');
    await credentials.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1, userId: user.id });
    const other = newObjectId();
    expect(await store.removeIdentityOf(other, identity.provider_type, identity.id)).toBe(false);
    expect(await store.removeCredentialOf(other, email)).toBe(false);
    expect(await item(identityKey(identity.provider_type, identity.id))).toBeDefined();
    expect(await item(credentialKey(email))).toBeDefined();
    expect(await store.removeIdentityOf(user.id, identity.provider_type, identity.id)).toBe(true);
    expect(await store.removeCredentialOf(user.id, email)).toBe(true);
    expect(await item(identityKey(identity.provider_type, identity.id))).toBeUndefined();
    expect(await item(credentialKey(email))).toBeUndefined();
    // Gone already: the repeat succeeds.
    expect(await store.removeIdentityOf(user.id, identity.provider_type, identity.id)).toBe(true);
    expect(await store.removeCredentialOf(user.id, email)).toBe(true);
    // Taken again by another user meanwhile: left alone.
    await own.doc.send(new PutCommand({ TableName: own.table, Item: identityItem(identity, other) }));
    expect(await store.removeIdentityOf(user.id, identity.provider_type, identity.id)).toBe(false);
  });

  it('removes the custom data document', async () => {
    const userId = newObjectId();
    await customData.putCustomData(userId, { a: 1 });
    await store.removeCustomDataOf(userId);
    expect(await customData.getCustomData(userId)).toBeUndefined();
    await store.removeCustomDataOf(userId);
  });

  it('removes the user item only if it is still the one deleted at that time', async () => {
    const { user } = await userWithSessions(1);
    await users.markUserDeleted(user.id, 70);
    expect(await store.removeDeletedUser(user.id, 71)).toBe(false);
    expect(await store.getUserItem(user.id)).toBeDefined();
    expect(await store.removeDeletedUser(user.id, 70)).toBe(true);
    expect(await store.getUserItem(user.id)).toBeUndefined();
    expect(await store.removeDeletedUser(user.id, 70)).toBe(true);
    const live: User = (await userWithSessions(1)).user;
    expect(await store.removeDeletedUser(live.id, 70)).toBe(false);
  });

  it('finds the sessions beyond the newest and the devices beyond the most recently seen', async () => {
    const { user, sessions } = await userWithSessions(4, [30, 10, 40, 20]);
    expect(keysOf(await store.sessionsBeyond(user.id, 2))).toEqual(keysOf(sessions.slice(0, 2).map((s) => sessionKey(user.id, s.id))));
    expect(await store.sessionsBeyond(user.id, 4)).toEqual([]);
    const beyond = await store.devicesBeyond(user.id, 2);
    expect(keysOf(beyond)).toEqual(keysOf([sessions[1], sessions[3]].map((s) => ({ PK: `USER#${user.id}`, SK: `DEVICE#${s.deviceId}` }))));
    expect(await store.devicesBeyond(user.id, 4)).toEqual([]);
  });
});
