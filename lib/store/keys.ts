/**
 * Key builders for the single table. Every item has `PK`, `SK` and a `type`; users also carry
 * `GSI1PK`/`GSI1SK` so the admin list can page through them in id order.
 */
export interface Key {
  PK: string;
  SK: string;
}

export const USERS_PARTITION = 'USERS';
export const PENDING_PARTITION = 'PENDING';

export function userKey(userId: string): Key {
  return { PK: `USER#${userId}`, SK: 'USER' };
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
