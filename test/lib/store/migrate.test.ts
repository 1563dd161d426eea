import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { createDocumentClient, createDynamoStore } from '../../../lib/store/dynamo';
import { credentialKey, userKey, userListKey } from '../../../lib/store/keys';
import { migrateListKeys } from '../../../lib/store/migrate';

const table = inject('tableName');
const doc = createDocumentClient({ tableName: table, region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
const store = createDynamoStore(doc, table);

/** The id just before `id`, so a page `after` it starts at `id`. */
const justBefore = (id: string) => (BigInt(`0x${id}`) - 1n).toString(16).padStart(24, '0');

/** Items as the table held them before the user list was sharded: the user itself under `USERS`. */
async function legacyUser(identities: object[] = []): Promise<string> {
  const id = newObjectId();
  const now = Math.floor(Date.now() / 1000);
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...userKey(id), type: 'user', GSI1PK: 'USERS', GSI1SK: id, userId: id, userType: 'normal', identities, data: {}, creationDate: now, lastAuthenticationDate: now, disabled: false },
    }),
  );
  return id;
}

async function legacyPending(): Promise<{ emailKey: string; registration: string }> {
  const registration = newObjectId();
  const emailKey = `legacy-${registration}@example.test`;
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { ...credentialKey(emailKey), type: 'credential', email: emailKey, identityId: registration, passwordHash: 'x', createdAt: Date.now(), confirmed: false, GSI1PK: 'PENDING', GSI1SK: registration },
    }),
  );
  return { emailKey, registration };
}

const item = async (key: { PK: string; SK: string }) => (await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

describe('moving a table to the sharded user list', () => {
  it('lists old items before the move, moves them once, and lists them after', async () => {
    const [a, b] = [await legacyUser(), await legacyUser()];
    const pending = await legacyPending();
    // Before the move: the list merges the old key with the shards.
    expect((await store.listUsers({ after: justBefore(a), limit: 1 })).users[0]?.id).toBe(a);
    expect((await store.listPending(justBefore(pending.registration), 1))[0]?.identityId).toBe(pending.registration);

    const moved = await migrateListKeys(doc, table);
    expect(moved.users).toBeGreaterThanOrEqual(2);
    expect(moved.pending).toBeGreaterThanOrEqual(1);
    for (const id of [a, b]) {
      const user = await item(userKey(id));
      expect(user).not.toHaveProperty('GSI1PK');
      expect(user).not.toHaveProperty('GSI1SK');
      expect(await item(userListKey(id))).toMatchObject({ type: 'user-list', GSI1PK: expect.stringMatching(/^USERS#[0-9a-f]{2}$/), GSI1SK: id });
    }
    expect(await item(credentialKey(pending.emailKey))).toMatchObject({ GSI1PK: expect.stringMatching(/^PENDING#[0-9a-f]{2}$/), GSI1SK: pending.registration });

    // After: the same answers, now from the shards; a second run has nothing left to do.
    expect((await store.listUsers({ after: justBefore(a), limit: 1 })).users[0]?.id).toBe(a);
    expect((await store.listUsers({ after: justBefore(b), limit: 1 })).users[0]?.id).toBe(b);
    expect((await store.listPending(justBefore(pending.registration), 1))[0]?.identityId).toBe(pending.registration);
    expect(await migrateListKeys(doc, table)).toEqual({ users: 0, pending: 0 });
  });

  it('gives an anonymous user from before expiry existed its expiry, last login + the TTL, and no other user one', async () => {
    const anonymous = await legacyUser([{ id: newObjectId(), provider_type: 'anon-user', provider_id: 'p' }]);
    const linked = await legacyUser([{ id: newObjectId(), provider_type: 'anon-user', provider_id: 'p' }, { id: 'x@example.test', provider_type: 'local-userpass', provider_id: 'q' }]);
    await migrateListKeys(doc, table, { anonymousUserTtlSeconds: 90 * 86_400 });
    const user = await item(userKey(anonymous));
    expect(user?.expiresAt).toBe((user?.lastAuthenticationDate as number) + 90 * 86_400);
    expect(await item(userKey(linked))).not.toHaveProperty('expiresAt');
  });
});
