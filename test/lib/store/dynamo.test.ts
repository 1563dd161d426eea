import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { isSessionLive } from '../../../lib/sessions';
import type { Store, User } from '../../../lib/store';
import { createDocumentClient, createDynamoStore, createImportStore } from '../../../lib/store/dynamo';
import { createTables } from '../../../scripts/local-stack';

// A table of its own, as every store test has (the app settings are app-wide).
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

async function create(user: User) {
  const session = sessionFor(user);
  await store.createUserWithSession({ user, session, device: { id: session.deviceId, userId: user.id, lastSeen: 1 } });
  return session;
}

describe('dynamo store', () => {
  // Each area's contract is tested in its own file (users.test.ts, sessions.test.ts, …); this is the whole Store.
  it('composes every area on one table: what one writes, the others read', async () => {
    const user = newUser();
    const session = await create(user);
    expect((await store.getUserAndSession(user.id, session.id)).session).toEqual(session);
    expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([session.id]);
    expect((await store.userItemsPage(user.id)).keys.map((k) => k.SK).sort()).toEqual([`DEVICE#${session.deviceId}`, 'LIST', `SESSION#${session.id}`]);
    const email = `compose-${newObjectId()}@example.test`;
    await store.createCredential(email, { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 });
    expect((await store.readLimits([], email)).credential?.email).toBe(email);
    await store.setAppSettings({ refreshTokenSeconds: 120 });
    expect(await store.getAppSettings()).toEqual({ refreshTokenSeconds: 120 });
  });

  it('adds the bulk operations of an import on the same table', async () => {
    const imports = createImportStore(doc, table);
    const user = newUser();
    expect(await imports.writeImport([{ user, credentials: [] }])).toEqual([{ ok: true }]);
    expect(await imports.getUserItem(user.id)).toEqual(user);
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
