import type { ApiKey, Credential, Device, Identity, LimitCounter, Session, User } from './types';
import { apiKeyKey, credentialKey, deviceKey, identityKey, limitKey, pendingListPartition, sessionKey, userKey, userListKey, usersListPartition } from './keys';

/** Mapping between domain records and table items; the only place that knows attribute names. */

export type Item = Record<string, unknown>;

export function userItem(user: User): Item {
  return {
    ...userKey(user.id),
    type: 'user',
    userId: user.id,
    userType: user.type,
    identities: user.identities,
    data: user.data,
    creationDate: user.creationDate,
    lastAuthenticationDate: user.lastAuthenticationDate,
    disabled: user.disabled,
    ...(user.sessionsValidAfter === undefined ? {} : { sessionsValidAfter: user.sessionsValidAfter }),
    ...(user.expiresAt === undefined ? {} : { expiresAt: user.expiresAt }),
    ...(user.deletedAt === undefined ? {} : { deletedAt: user.deletedAt }),
  };
}

/**
 * The user's pointer in GSI1 (its shard of the user list): immutable, so the index is written when the
 * user is created and deleted, never when it logs in.
 */
export function userListItem(userId: string): Item {
  return { ...userListKey(userId), type: 'user-list', GSI1PK: usersListPartition(), GSI1SK: userId };
}

export function toUser(item: Item): User {
  return {
    id: item.userId as string,
    type: item.userType as User['type'],
    identities: (item.identities as User['identities']) ?? [],
    data: (item.data as User['data']) ?? {},
    creationDate: item.creationDate as number,
    lastAuthenticationDate: item.lastAuthenticationDate as number,
    disabled: item.disabled === true,
    sessionsValidAfter: item.sessionsValidAfter as number | undefined,
    ...(item.expiresAt === undefined ? {} : { expiresAt: item.expiresAt as number }),
    ...(item.deletedAt === undefined ? {} : { deletedAt: item.deletedAt as number }),
  };
}

export function sessionItem(session: Session): Item {
  return { ...sessionKey(session.userId, session.id), type: 'session', ...sessionFields(session) };
}

function sessionFields(s: Session): Item {
  return {
    sessionId: s.id,
    userId: s.userId,
    deviceId: s.deviceId,
    refreshHash: s.refreshHash,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    ...(s.rotatedAt === undefined ? {} : { previousHash: s.previousHash, rotatedAt: s.rotatedAt }),
  };
}

export function toSession(item: Item): Session {
  return {
    id: item.sessionId as string,
    userId: item.userId as string,
    deviceId: item.deviceId as string,
    refreshHash: item.refreshHash as string,
    createdAt: item.createdAt as number,
    expiresAt: item.expiresAt as number,
    ...(item.rotatedAt === undefined ? {} : { previousHash: item.previousHash as string, rotatedAt: item.rotatedAt as number }),
  };
}

export function deviceItem(device: Device): Item {
  const { id, ...rest } = device;
  return { ...deviceKey(device.userId, id), type: 'device', deviceId: id, ...rest };
}

export function toDevice(item: Item): Device {
  const { PK: _pk, SK: _sk, type: _type, deviceId, ...rest } = item;
  return { id: deviceId as string, ...(rest as Omit<Device, 'id'>) };
}

/** Pending registrations are also listed in GSI1 (`PENDING#<shard>`, by registration id) for operators. */
export function credentialItem(emailKey: string, cred: Credential): Item {
  const pending = cred.confirmed === false ? { GSI1PK: pendingListPartition(), GSI1SK: cred.identityId } : {};
  return { ...credentialKey(emailKey), type: 'credential', ...cred, ...pending };
}

export function toCredential(item: Item): Credential {
  const { PK: _pk, SK: _sk, type: _type, GSI1PK: _g, GSI1SK: _s, ...rest } = item;
  return rest as unknown as Credential;
}

export function identityItem(identity: Identity, userId: string): Item {
  return { ...identityKey(identity.provider_type, identity.id), type: 'identity', userId };
}

export function apiKeyItem(key: ApiKey): Item {
  const { id, ...rest } = key;
  return { ...apiKeyKey(key.userId, id), type: 'apikey', keyId: id, ...rest };
}

export function toApiKey(item: Item): ApiKey {
  return {
    id: item.keyId as string,
    userId: item.userId as string,
    name: item.name as string,
    disabled: item.disabled === true,
    keyHash: item.keyHash as string,
    createdAt: item.createdAt as number,
  };
}

/** A limit counter; TTL removes it a while after its window ends, code ignores it at once. */
export function limitItem(id: string, counter: LimitCounter): Item {
  return { ...limitKey(id), type: 'limit', limitId: id, ...counter, expiresAt: Math.ceil(counter.windowEndsAt / 1000) };
}

export function toLimit(item: Item): LimitCounter {
  return { count: item.count as number, windowEndsAt: item.windowEndsAt as number, last: item.last as number };
}
