import { conditionMet } from './errors';
import { type Item, toDevice, toSession } from './items';
import { type Key, deviceKey, sessionKey, userKey, userPartition } from './keys';
import { EXISTS, type Table } from './table';
import type { Device, Session } from './types';

/** A user's sessions (refresh, rotation, logout, revocation) and devices. */
export interface SessionStore {
  /** The user's sessions, expired ones included until TTL removes them. */
  listSessions(userId: string): Promise<Session[]>;
  /** A page of the user's sessions, newest first, after the session id `after`. */
  pageSessions(userId: string, page: { after?: string; limit: number }): Promise<{ items: Session[]; next?: string }>;
  /** Ends one session of the user (no refresh token needed); false when there is none. */
  endSession(userId: string, sessionId: string): Promise<boolean>;
  /**
   * Replaces the session's refresh hash `from` with `to`, remembering `from` and when (ms); false when
   * the session is gone or its hash is no longer `from` (a parallel rotation won).
   */
  rotateRefreshHash(userId: string, sessionId: string, from: string, to: string, at: number): Promise<boolean>;
  /** Deletes the session if its refresh hash matches; false when there was none. */
  deleteSession(userId: string, sessionId: string, refreshHash: string): Promise<boolean>;
  /** Revokes every session of a user created before `at` (ms): refresh and access tokens alike. */
  revokeSessions(userId: string, at: number): Promise<void>;
  listDevices(userId: string): Promise<Device[]>;
  /** A page of the user's devices in id order, after the device id `after`. */
  pageDevices(userId: string, page: { after?: string; limit: number }): Promise<{ items: Device[]; next?: string }>;
}

/** Sessions and devices under their user's partition of the single table. */
export function dynamoSessionStore(t: Table): SessionStore {
  /** One page of the user's items under `prefix`, after `start`; `next` is the last id when more may follow. */
  const pageOf = async <T extends { id: string }>(userId: string, prefix: string, start: Key | undefined, limit: number, forward: boolean, read: (item: Item) => T) => {
    const out = await t.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': userPartition(userId), ':prefix': prefix },
      ExclusiveStartKey: start,
      ScanIndexForward: forward,
      Limit: limit,
    });
    const items = ((out.Items ?? []) as Item[]).map(read);
    return { items, ...(out.LastEvaluatedKey && items.length ? { next: items[items.length - 1].id } : {}) };
  };

  return {
    async listDevices(userId) {
      return (await t.allUnder(userPartition(userId), 'DEVICE#')).map(toDevice);
    },

    async listSessions(userId) {
      return (await t.allUnder(userPartition(userId), 'SESSION#')).map(toSession);
    },

    async pageSessions(userId, { after, limit }) {
      // Newest first: session ids are time-ordered.
      return pageOf(userId, 'SESSION#', after ? sessionKey(userId, after) : undefined, limit, false, toSession);
    },

    async pageDevices(userId, { after, limit }) {
      return pageOf(userId, 'DEVICE#', after ? deviceKey(userId, after) : undefined, limit, true, toDevice);
    },

    endSession: (userId, sessionId) => t.deleteIf(sessionKey(userId, sessionId)),

    async rotateRefreshHash(userId, sessionId, from, to, at) {
      return conditionMet(t.updateOne(
        {
          Key: sessionKey(userId, sessionId),
          UpdateExpression: 'SET #hash = :to, #previous = :from, #at = :at',
          ConditionExpression: `${EXISTS} AND #hash = :from`,
          ExpressionAttributeNames: { '#hash': 'refreshHash', '#previous': 'previousHash', '#at': 'rotatedAt' },
          ExpressionAttributeValues: { ':from': from, ':to': to, ':at': at },
        },
        'session',
      ));
    },

    deleteSession: (userId, sessionId, refreshHash) =>
      t.deleteIf(sessionKey(userId, sessionId), { expression: '#hash = :hash', names: { '#hash': 'refreshHash' }, values: { ':hash': refreshHash } }),

    async revokeSessions(userId, at) {
      await t.setIfExists(userKey(userId), { sessionsValidAfter: at });
    },
  };
}
