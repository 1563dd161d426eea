/**
 * Key builders for the single table. Every item has `PK`, `SK` and a `type`. GSI1 lists users, pending
 * registrations and server keys in id order; no item that a login writes carries GSI1 keys
 * (docs/data-model.md: a user is listed through a pointer item written once, so logins write no index entry).
 */
export interface Key {
  PK: string;
  SK: string;
}

/**
 * GSI1 partitions of the user list and of pending registrations are sharded, so no partition takes more
 * than about 1/LIST_SHARDS of their writes; a page is a merge of every shard in id order. An entry is
 * found through its table item, never by its shard, so the shard need not follow from the id: each
 * container deals shards in turn from a random start, which spreads writes evenly (a hash of the id
 * would leave some shards twice as busy as others by chance). 256 shards keep the hottest under 1% of
 * the index's writes with room to spare.
 */
export const LIST_SHARDS = 256;

let dealt = Math.floor(Math.random() * LIST_SHARDS);

/** The next shard in turn: two hex digits. */
export function nextShard(): string {
  dealt = (dealt + 1) % LIST_SHARDS;
  return dealt.toString(16).padStart(2, '0');
}

export const usersListPartition = (): string => `USERS#${nextShard()}`;
export const pendingListPartition = (): string => `PENDING#${nextShard()}`;

/** Every GSI1 partition of one list: its shards, and the single key it had before sharding (until migrated). */
export function listPartitions(prefix: 'USERS' | 'PENDING'): string[] {
  return [prefix, ...Array.from({ length: LIST_SHARDS }, (_, i) => `${prefix}#${i.toString(16).padStart(2, '0')}`)];
}

/** Before sharding, users (projected whole) and pending registrations were listed under one key each. */
export const LEGACY_USERS_PARTITION = 'USERS';
export const LEGACY_PENDING_PARTITION = 'PENDING';

export function userKey(userId: string): Key {
  return { PK: `USER#${userId}`, SK: 'USER' };
}

/** The user's entry in the admin list: written once with the user, never updated, so logins never touch GSI1. */
export function userListKey(userId: string): Key {
  return { PK: `USER#${userId}`, SK: 'LIST' };
}

export function userPartition(userId: string): string {
  return `USER#${userId}`;
}

export function sessionKey(userId: string, sessionId: string): Key {
  return { PK: `USER#${userId}`, SK: `SESSION#${sessionId}` };
}

export function deviceKey(userId: string, deviceId: string): Key {
  return { PK: `USER#${userId}`, SK: `DEVICE#${deviceId}` };
}

export function identityKey(providerType: string, identityId: string): Key {
  return { PK: `IDENT#${providerType}#${identityId}`, SK: 'IDENT' };
}

/** `emailKey` is the normalised (lower-case) email: one account per address. */
export function credentialKey(emailKey: string): Key {
  return { PK: `EMAIL#${emailKey}`, SK: 'EMAIL' };
}

export function apiKeyKey(userId: string, keyId: string): Key {
  return { PK: `USER#${userId}`, SK: `APIKEY#${keyId}` };
}

/** Reserves an API key name within its owner: names are unique per user. */
export function apiKeyNameKey(userId: string, name: string): Key {
  return { PK: `USER#${userId}`, SK: `APIKEYNAME#${name}` };
}

/** Finds a key by the hash of its secret, which is all a login presents. */
export function apiKeyLookupKey(keyHash: string): Key {
  return { PK: `APIKEY#${keyHash}`, SK: 'APIKEY' };
}

export function oauthStateKey(id: string): Key {
  return { PK: `OAUTH#${id}`, SK: 'OAUTH' };
}

export function userpassTokenKey(tokenId: string): Key {
  return { PK: `UPTOKEN#${tokenId}`, SK: 'UPTOKEN' };
}

export const SERVER_KEYS_PARTITION = 'SERVERKEYS';

/** Finds a server key (and its server user) by key id; also lists them through GSI1. */
export function serverKeyKey(keyId: string): Key {
  return { PK: `SERVERKEY#${keyId}`, SK: 'SERVERKEY' };
}

/** Server key names are unique across the app. */
export function serverKeyNameKey(name: string): Key {
  return { PK: `SERVERKEYNAME#${name}`, SK: 'SERVERKEYNAME' };
}

/** App-wide settings operators change at run time (the refresh-token lifetime). */
export const APP_SETTINGS_KEY: Key = { PK: 'APP', SK: 'SETTINGS' };
/** Counts the app's server keys against their limit. */
export const SERVER_KEY_COUNT_KEY: Key = { PK: 'APP', SK: 'SERVERKEYS' };

/** A counter of an abuse limit; `id` is already a hash (no emails or addresses in keys). */
export function limitKey(id: string): Key {
  return { PK: `LIMIT#${id}`, SK: 'LIMIT' };
}
