import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import type { Session, User } from '../../../lib/store';
import { userKey } from '../../../lib/store/keys';
import { type SessionStore, dynamoSessionStore } from '../../../lib/store/sessions';
import { type UserStore, dynamoUserStore } from '../../../lib/store/users';
import { deviceOf, newUser, ownTables, sessionFor } from './tables';

// The contract of SessionStore (lib/store/sessions.ts); users are created through UserStore.
let own: Awaited<ReturnType<typeof ownTables>>;
let store: SessionStore;
let users: UserStore;

beforeAll(async () => {
  own = await ownTables('sessions');
  store = dynamoSessionStore(own.t);
  users = dynamoUserStore(own.t, own.custom);
});

async function create(user: User) {
  const session = sessionFor(user);
  await users.createUserWithSession({ user, session, device: deviceOf(session) });
  return session;
}

/** A user with `n` sessions (each on its own device, seen at its index), in creation order. */
async function userWithSessions(n: number): Promise<{ user: User; sessions: Session[] }> {
  const user = newUser();
  const sessions = [await create(user)];
  for (let i = 1; i < n; i++) {
    const session = sessionFor(user);
    await users.startSession({ session, device: deviceOf(session, i), authenticatedAt: i });
    sessions.push(session);
  }
  return { user, sessions };
}

describe('SessionStore', () => {
  it('deletes a session only with its refresh hash', async () => {
    const user = newUser();
    const session = await create(user);
    expect(await store.deleteSession(user.id, session.id, 'cd'.repeat(32))).toBe(false);
    expect(await store.deleteSession(user.id, session.id, session.refreshHash)).toBe(true);
    expect(await store.deleteSession(user.id, session.id, session.refreshHash)).toBe(false);
  });

  it('lists every session and device of a user, expired sessions included', async () => {
    const { user, sessions } = await userWithSessions(3);
    const expired = { ...sessionFor(user), expiresAt: Math.floor(Date.now() / 1000) - 10 };
    await users.startSession({ session: expired, device: deviceOf(expired), authenticatedAt: 9 });
    expect((await store.listSessions(user.id)).map((s) => s.id).sort()).toEqual([...sessions, expired].map((s) => s.id).sort());
    expect((await store.listSessions(user.id)).find((s) => s.id === expired.id)).toEqual(expired);
    expect((await store.listDevices(user.id)).map((d) => d.id).sort()).toEqual([...sessions, expired].map((s) => s.deviceId).sort());
    expect(await store.listSessions(newObjectId())).toEqual([]);
    expect(await store.listDevices(newObjectId())).toEqual([]);
  });

  it('pages sessions newest first and devices in id order, each exactly once', async () => {
    const { user, sessions } = await userWithSessions(5);
    const pagedSessions: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.pageSessions(user.id, { after, limit: 2 });
      expect(page.items.length).toBeLessThanOrEqual(2);
      pagedSessions.push(...page.items.map((s) => s.id));
      after = page.next;
    } while (after);
    expect(pagedSessions).toEqual(sessions.map((s) => s.id).sort().reverse());
    const pagedDevices: string[] = [];
    after = undefined;
    do {
      const page = await store.pageDevices(user.id, { after, limit: 2 });
      pagedDevices.push(...page.items.map((d) => d.id));
      after = page.next;
    } while (after);
    expect(pagedDevices).toEqual(sessions.map((s) => s.deviceId).sort());
  });

  it('ends one session without its refresh token, once', async () => {
    const { user, sessions } = await userWithSessions(2);
    expect(await store.endSession(user.id, sessions[0].id)).toBe(true);
    expect(await store.endSession(user.id, sessions[0].id)).toBe(false);
    expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([sessions[1].id]);
  });

  it('rotates a refresh hash only from the current one, remembering the one it replaced', async () => {
    const user = newUser();
    const session = await create(user);
    const next = 'ef'.repeat(32);
    expect(await store.rotateRefreshHash(user.id, session.id, session.refreshHash, next, 1234)).toBe(true);
    // A parallel rotation from the same hash lost.
    expect(await store.rotateRefreshHash(user.id, session.id, session.refreshHash, '01'.repeat(32), 1235)).toBe(false);
    const [rotated] = await store.listSessions(user.id);
    expect(rotated).toMatchObject({ refreshHash: next, previousHash: session.refreshHash, rotatedAt: 1234 });
    expect(await store.rotateRefreshHash(user.id, newObjectId(), next, '02'.repeat(32), 1236)).toBe(false);
  });

  it('revokes every session of a user with one write, and writes nothing for an unknown user', async () => {
    const user = newUser();
    const session = await create(user);
    await store.revokeSessions(user.id, 777);
    expect((await users.getUserAndSession(user.id, session.id)).user).toMatchObject({ sessionsValidAfter: 777 });
    const unknown = newObjectId();
    await store.revokeSessions(unknown, 778);
    expect((await own.doc.send(new GetCommand({ TableName: own.table, Key: userKey(unknown) }))).Item).toBeUndefined();
  });
});
