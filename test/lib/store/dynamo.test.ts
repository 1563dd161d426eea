import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { isSessionLive } from '../../../lib/sessions';
import { ConditionFailed, type Store, type User } from '../../../lib/store';
import { createDocumentClient, createDynamoStore } from '../../../lib/store/dynamo';
import { identityKey, userKey } from '../../../lib/store/keys';
import { createTables } from '../../../scripts/local-stack';

// A table of its own: the paging test walks every user in it, and the run's shared table holds the
// users of every other file of the project, written side by side.
let doc: ReturnType<typeof createDocumentClient>;
let table: string;
let store: Store;

beforeAll(async () => {
  [table] = await createTables(inject('dynamoEndpoint'), 'store-test');
  doc = createDocumentClient({ tableName: table, region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
  store = createDynamoStore(doc, table);
});

function newUser(identityId = newObjectId()): User {
  return {
    id: newObjectId(),
    type: 'normal',
    identities: [{ id: identityId, provider_type: 'anon-user', provider_id: 'p' }],
    data: {},
    creationDate: 1,
    lastAuthenticationDate: 1,
    disabled: false,
  };
}

function sessionFor(user: User, createdAt = Date.now()) {
  return { id: newObjectId(), userId: user.id, deviceId: newObjectId(), refreshHash: 'ab'.repeat(32), createdAt, expiresAt: Math.floor(Date.now() / 1000) + 60 };
}

async function create(user: User, claimEmail?: string) {
  const session = sessionFor(user);
  await store.createUserWithSession({ user, session, device: { id: session.deviceId, userId: user.id, lastSeen: 1 }, claimEmail });
  return session;
}

async function partition(userId: string) {
  const out = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `USER#${userId}` } }));
  return out.Items ?? [];
}

describe('dynamo store', () => {
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
    await store.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 });
    await expect(store.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 })).rejects.toBeInstanceOf(ConditionFailed);
    const [a, b] = [newUser(), newUser()];
    await create(a, email);
    await expect(create(b, email)).rejects.toEqual(new ConditionFailed('credential'));
    expect((await store.getCredential(email))?.userId).toBe(a.id);
  });

  it('deletes a session only with its refresh hash', async () => {
    const user = newUser();
    const session = await create(user);
    expect(await store.deleteSession(user.id, session.id, 'cd'.repeat(32))).toBe(false);
    expect(await store.deleteSession(user.id, session.id, session.refreshHash)).toBe(true);
    expect(await store.deleteSession(user.id, session.id, session.refreshHash)).toBe(false);
  });

  it('refuses a session on a user that is gone', async () => {
    const user = newUser();
    const session = sessionFor(user);
    await expect(store.startSession({ session, device: { id: session.deviceId, userId: user.id, lastSeen: 1 }, authenticatedAt: 1 })).rejects.toEqual(new ConditionFailed('user'));
    expect(await partition(user.id)).toEqual([]);
  });

  it('deletes a user in one write that also refuses every later session, identity or key on it', async () => {
    const user = newUser();
    await create(user);
    const at = Date.now();
    expect(await store.markUserDeleted(user.id, at)).toBe(true);
    expect(await store.markUserDeleted(user.id, at + 1)).toBe(false);
    expect(await store.getUserItem(user.id)).toMatchObject({ id: user.id, deletedAt: at, sessionsValidAfter: at });
    const session = sessionFor(user);
    await expect(store.startSession({ session, device: { id: session.deviceId, userId: user.id, lastSeen: 1 }, authenticatedAt: 2 })).rejects.toEqual(new ConditionFailed('user'));
    const identity = { id: newObjectId(), provider_type: 'custom-token', provider_id: 'p' };
    await expect(store.addIdentity({ userId: user.id, identity, profile: { identities: [...user.identities, identity], data: {} } })).rejects.toEqual(new ConditionFailed('user'));
    expect(await store.markUserDeleted(newObjectId(), at)).toBe(false);
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
});

describe('isSessionLive', () => {
  const user = newUser();
  const now = Date.now();
  it('checks expiry in code, not only by TTL', () => {
    expect(isSessionLive({ ...sessionFor(user), expiresAt: Math.floor(now / 1000) - 1 }, user, now)).toBe(false);
    expect(isSessionLive(sessionFor(user), user, now)).toBe(true);
  });

  it('honours the revocation marker and disabled users', () => {
    expect(isSessionLive(sessionFor(user, now - 10), { ...user, sessionsValidAfter: now }, now)).toBe(false);
    expect(isSessionLive(sessionFor(user, now), { ...user, sessionsValidAfter: now }, now)).toBe(true);
    expect(isSessionLive(sessionFor(user), { ...user, disabled: true }, now)).toBe(false);
  });
});
