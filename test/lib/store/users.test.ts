import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { ConditionFailed, type User } from '../../../lib/store';
import { type ApiKeyStore, dynamoApiKeyStore } from '../../../lib/store/api-keys';
import { type CleanupStore, dynamoCleanupStore } from '../../../lib/store/cleanup';
import { type CredentialStore, dynamoCredentialStore } from '../../../lib/store/credentials';
import { limitItem } from '../../../lib/store/items';
import { identityKey, limitKey, userKey } from '../../../lib/store/keys';
import { type UserStore, dynamoUserStore } from '../../../lib/store/users';
import { deviceOf, newUser, ownTables, sessionFor, uniqueEmailKey } from './tables';

// The contract of UserStore (lib/store/users.ts), on tables of its own: the paging test walks every
// user in them, and the run's shared table holds the users of every other file, written side by side.
let doc: Awaited<ReturnType<typeof ownTables>>['doc'];
let table: string;
let store: UserStore;
let credentials: CredentialStore;
let apiKeys: ApiKeyStore;
let cleanup: CleanupStore;

beforeAll(async () => {
  const own = await ownTables('users');
  ({ doc, table } = own);
  store = dynamoUserStore(own.t, own.custom);
  credentials = dynamoCredentialStore(own.t);
  apiKeys = dynamoApiKeyStore(own.t);
  cleanup = dynamoCleanupStore(own.t, own.custom);
});

async function create(user: User, claimEmail?: string) {
  const session = sessionFor(user);
  await store.createUserWithSession({ user, session, device: deviceOf(session), claimEmail });
  return session;
}

async function partition(userId: string) {
  const out = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `USER#${userId}` } }));
  return out.Items ?? [];
}

const item = async (key: { PK: string; SK: string }) => (await doc.send(new GetCommand({ TableName: table, Key: key }))).Item;

describe('UserStore', () => {
  it('writes user, identity lookup, session and device together', async () => {
    const user = newUser();
    const session = await create(user);
    const items = await partition(user.id);
    expect(items.map((i) => i.type).sort()).toEqual(['device', 'session', 'user', 'user-list']);
    // Only the pointer is in GSI1 (a shard of the user list); the user item, which logins update, is not.
    expect(items.find((i) => i.type === 'user')).not.toHaveProperty('GSI1PK');
    expect(items.find((i) => i.type === 'user-list')).toMatchObject({ GSI1PK: expect.stringMatching(/^USERS#[0-9a-f]{2}$/), GSI1SK: user.id });
    const found = await store.getUserAndSession(user.id, session.id);
    expect(found.user).toEqual(user);
    expect(found.session).toEqual(session);
    const ident = await doc.send(new GetCommand({ TableName: table, Key: identityKey('anon-user', user.identities[0].id) }));
    expect(ident.Item?.userId).toBe(user.id);
  });

  it('refuses a second user for the same identity and leaves no trace of it', async () => {
    const first = newUser();
    await create(first);
    const second = newUser(first.identities[0].id);
    await expect(create(second)).rejects.toEqual(new ConditionFailed('identity'));
    expect(await partition(second.id)).toEqual([]);
    expect((await doc.send(new GetCommand({ TableName: table, Key: userKey(second.id) }))).Item).toBeUndefined();
  });

  it('lets only one user claim an email credential', async () => {
    const email = `claim-${newObjectId()}@example.test`;
    await credentials.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 });
    await expect(credentials.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 })).rejects.toBeInstanceOf(ConditionFailed);
    const [a, b] = [newUser(), newUser()];
    await create(a, email);
    await expect(create(b, email)).rejects.toEqual(new ConditionFailed('credential'));
    expect((await credentials.getCredential(email))?.userId).toBe(a.id);
  });

  it('writes the custom data and the limit writes of a first login in its transaction', async () => {
    const user = newUser();
    const session = sessionFor(user);
    const markId = `mark-${newObjectId()}`;
    await store.createUserWithSession({ user, session, device: deviceOf(session), customData: { colour: 'blue' }, limits: { mark: { id: markId, windowEndsAt: Date.now() + 60_000 } } });
    expect((await store.getUserAndSession(user.id, session.id, true)).customData).toMatchObject({ colour: 'blue', userId: user.id });
    expect((await store.getUserAndSession(user.id, session.id)).customData).toBeUndefined();
    expect(await item(limitKey(markId))).toMatchObject({ type: 'limit', count: 1 });
  });

  it('refuses a session on a user that is gone', async () => {
    const user = newUser();
    const session = sessionFor(user);
    await expect(store.startSession({ session, device: { id: session.deviceId, userId: user.id, lastSeen: 1 }, authenticatedAt: 1 })).rejects.toEqual(new ConditionFailed('user'));
    expect(await partition(user.id)).toEqual([]);
  });

  it('opens a session on an existing user and records the login, its profile, expiry and limit writes', async () => {
    const user = newUser();
    await create(user);
    const cleared = `cleared-${newObjectId()}`;
    await doc.send(new PutCommand({ TableName: table, Item: limitItem(cleared, { count: 3, windowEndsAt: Date.now() + 60_000, last: 1 }) }));
    const session = sessionFor(user);
    const profile = { identities: user.identities, data: { name: 'Ada' } };
    await store.startSession({ session, device: deviceOf(session, 5), authenticatedAt: 42, profile, userExpiresAt: 99, limits: { clear: cleared } });
    const found = await store.getUserAndSession(user.id, session.id);
    expect(found.session).toEqual(session);
    expect(found.user).toMatchObject({ lastAuthenticationDate: 42, data: { name: 'Ada' }, expiresAt: 99 });
    await store.startSession({ session: sessionFor(user), device: deviceOf(session, 6), authenticatedAt: 43 });
    expect(await item(limitKey(cleared))).toBeUndefined();
    expect((await store.getLoginState(user.id, session.deviceId)).device).toMatchObject({ lastSeen: 6 });
    expect((await store.getLoginState(user.id)).user).toMatchObject({ lastAuthenticationDate: 43, data: { name: 'Ada' } });
  });

  it('finds the owner of an identity, and none for an unknown one', async () => {
    const user = newUser();
    await create(user);
    expect(await store.findIdentityOwner('anon-user', user.identities[0].id)).toBe(user.id);
    expect(await store.findIdentityOwner('anon-user', newObjectId())).toBeUndefined();
  });

  it('adds an identity to a user, which stops it expiring, and refuses one another user owns', async () => {
    const user = { ...newUser(), expiresAt: 1e10 };
    await create(user);
    const identity = { id: newObjectId(), provider_type: 'custom-token', provider_id: 'p' };
    const profile = { identities: [...user.identities, identity], data: { linked: true } };
    const email = uniqueEmailKey('link');
    await credentials.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 });
    await store.addIdentity({ userId: user.id, identity, profile, claimEmail: email });
    expect(await store.findIdentityOwner('custom-token', identity.id)).toBe(user.id);
    expect((await credentials.getCredential(email))?.userId).toBe(user.id);
    const { user: linked } = await store.getLoginState(user.id);
    expect(linked).toMatchObject({ identities: profile.identities, data: { linked: true } });
    expect(linked).not.toHaveProperty('expiresAt');
    const other = newUser();
    await create(other);
    await expect(store.addIdentity({ userId: other.id, identity, profile: { identities: [...other.identities, identity], data: {} } })).rejects.toEqual(new ConditionFailed('identity'));
  });

  it('reads a login state in one: the user, its device, its API key and custom data', async () => {
    const user = newUser();
    const session = await create(user);
    const key = { id: newObjectId(), userId: user.id, name: 'login', disabled: false, keyHash: newObjectId(), createdAt: 3 };
    await apiKeys.createApiKey({ key });
    const state = await store.getLoginState(user.id, session.deviceId, key.id);
    expect(state.user).toEqual(user);
    expect(state.device).toEqual(deviceOf(session));
    expect(state.apiKey).toEqual(key);
    expect(state.customData).toBeUndefined();
    expect(await store.getLoginState(newObjectId())).toEqual({ user: undefined, device: undefined, apiKey: undefined, customData: undefined });
  });

  it('creates an admin-made user with its claimed credential, and refuses a taken email', async () => {
    const email = uniqueEmailKey('admin-made');
    const user = newUser(newObjectId(), 'local-userpass');
    const credential = { email, identityId: user.identities[0].id, passwordHash: 'h', createdAt: 1, userId: user.id };
    await store.createUserWithCredential(user, email, credential);
    expect(await credentials.getCredential(email)).toEqual(credential);
    expect((await store.getLoginState(user.id)).user).toEqual(user);
    expect(await store.findIdentityOwner('local-userpass', user.identities[0].id)).toBe(user.id);
    const again = newUser(newObjectId(), 'local-userpass');
    await expect(store.createUserWithCredential(again, email, { ...credential, userId: again.id })).rejects.toEqual(new ConditionFailed('credential'));
    expect(await partition(again.id)).toEqual([]);
  });

  it('deletes a user in one write that also refuses every later session, identity or key on it', async () => {
    const user = newUser();
    await create(user);
    const at = Date.now();
    expect(await store.markUserDeleted(user.id, at)).toBe(true);
    expect(await store.markUserDeleted(user.id, at + 1)).toBe(false);
    expect(await cleanup.getUserItem(user.id)).toMatchObject({ id: user.id, deletedAt: at, sessionsValidAfter: at });
    const session = sessionFor(user);
    await expect(store.startSession({ session, device: { id: session.deviceId, userId: user.id, lastSeen: 1 }, authenticatedAt: 2 })).rejects.toEqual(new ConditionFailed('user'));
    const identity = { id: newObjectId(), provider_type: 'custom-token', provider_id: 'p' };
    await expect(store.addIdentity({ userId: user.id, identity, profile: { identities: [...user.identities, identity], data: {} } })).rejects.toEqual(new ConditionFailed('user'));
    expect(await store.markUserDeleted(newObjectId(), at)).toBe(false);
  });

  it('disables a user with a revocation in the same write, enables it without one', async () => {
    const user = newUser();
    await create(user);
    expect(await store.setUserDisabled(user.id, true, 500)).toBe(true);
    expect((await store.getLoginState(user.id)).user).toMatchObject({ disabled: true, sessionsValidAfter: 500 });
    expect(await store.setUserDisabled(user.id, false, 600)).toBe(true);
    expect((await store.getLoginState(user.id)).user).toMatchObject({ disabled: false, sessionsValidAfter: 500 });
    expect(await store.setUserDisabled(newObjectId(), true, 700)).toBe(false);
  });

  it('pages through users in id order, each exactly once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) {
      const user = newUser();
      await create(user);
      ids.add(user.id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.listUsers({ after, limit: 3 });
      seen.push(...page.users.map((u) => u.id));
      after = page.next;
    } while (after);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });

  it('pages through users newest id first with desc', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.listUsers({ after, limit: 4, desc: true });
      seen.push(...page.users.map((u) => u.id));
      after = page.next;
    } while (after);
    expect(seen.length).toBeGreaterThan(7);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
