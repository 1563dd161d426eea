import { ConditionFailed, StoreUnavailable } from './errors';
import { apiKeyItem, identityItem, toApiKey, userItem, userListItem } from './items';
import { SERVER_KEYS_PARTITION, SERVER_KEY_COUNT_KEY, apiKeyKey, apiKeyLookupKey, apiKeyNameKey, credentialKey, serverKeyKey, serverKeyNameKey, userKey } from './keys';
import { EXISTS, LIVE_USER, LIVE_USER_NAMES, NOT_EXISTS, type Table, type TransactItem } from './table';
import type { ApiKey, User } from './types';

/** User and server API keys, and revoking a user's access (which disables its keys). */
export interface ApiKeyStore {
  /**
   * Creates an API key with its name reservation and secret lookup; a user key also counts against
   * the user's limit, a server key creates its server user and counts against the app's. ConditionFailed('limit' | 'name').
   */
  createApiKey(input: { key: ApiKey; limit?: number; serverUser?: User }): Promise<void>;
  /** Owner and id of the key whose secret hashes to `keyHash`. */
  findApiKey(keyHash: string): Promise<{ userId: string; keyId: string; name: string } | undefined>;
  listApiKeys(userId: string): Promise<ApiKey[]>;
  getApiKey(userId: string, keyId: string): Promise<ApiKey | undefined>;
  /** False when the user has no such key. */
  setApiKeyDisabled(userId: string, keyId: string, disabled: boolean): Promise<boolean>;
  /** Deletes the key, its name and its lookup; false when the user has no such key. */
  deleteApiKey(userId: string, keyId: string): Promise<boolean>;
  /** Every server API key of the app, in id order. */
  listServerKeys(): Promise<ApiKey[]>;
  /** The server user and name of a server key. */
  findServerKey(keyId: string): Promise<{ userId: string; name: string } | undefined>;
  /** Removes a server key's app-wide pointer and name (its user is deleted separately). */
  forgetServerKey(keyId: string, name: string): Promise<void>;
  /**
   * Revokes every session of the user as revokeSessions does and, in the same transaction, disables
   * every one of its API keys and, with `password`, replaces that credential's hash. The user's key
   * count is a condition of the transaction, so a key created meanwhile makes it start over. False
   * when there is no such user.
   */
  revokeAccess(input: { userId: string; at: number; disableApiKeys: boolean; password?: { emailKey: string; passwordHash: string } }): Promise<boolean>;
}

/** Attempts at revokeAccess while keys come and go under it; each conflict is another writer's progress. */
const REVOKE_ATTEMPTS = 4;

/** User and server API keys: the key under its owner, a name reservation, and a lookup by secret hash. */
export function dynamoApiKeyStore(t: Table): ApiKeyStore {
  /** The app's server-key count moves with each key; with `limit`, only while under it. */
  function countServerKeys(by: 1 | -1, limit?: number): TransactItem {
    return t.update({
      Key: SERVER_KEY_COUNT_KEY,
      UpdateExpression: 'ADD #count :by',
      ...(limit === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit' }),
      ExpressionAttributeNames: { '#count': 'serverKeyCount' },
      ExpressionAttributeValues: { ':by': by, ...(limit === undefined ? {} : { ':limit': limit }) },
    });
  }

  async function listKeys(userId: string) {
    const out = await t.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':prefix': 'APIKEY#' },
    });
    return (out.Items ?? []).map(toApiKey);
  }

  return {
    async revokeAccess({ userId, at, disableApiKeys, password }) {
      for (let attempt = 1; ; attempt++) {
        const [user, keys] = await Promise.all([t.get(userKey(userId)), disableApiKeys ? listKeys(userId) : []]);
        if (!user) return false;
        // A user key counts itself on the user item (createApiKey, deleteApiKey): an unchanged count
        // means the keys listed are all the keys there are.
        const count = user.apiKeyCount as number | undefined;
        const counted = !disableApiKeys ? '' : count === undefined ? ' AND attribute_not_exists(#count)' : ' AND #count = :count';
        const items = [
          t.update({
            Key: userKey(userId),
            UpdateExpression: 'SET #after = :at',
            ConditionExpression: EXISTS + counted,
            ExpressionAttributeNames: { '#after': 'sessionsValidAfter', ...(counted ? { '#count': 'apiKeyCount' } : {}) },
            ExpressionAttributeValues: { ':at': at, ...(counted && count !== undefined ? { ':count': count } : {}) },
          }),
          ...(password
            ? [
                t.update({
                  Key: credentialKey(password.emailKey),
                  UpdateExpression: 'SET #hash = :hash',
                  ConditionExpression: EXISTS,
                  ExpressionAttributeNames: { '#hash': 'passwordHash' },
                  ExpressionAttributeValues: { ':hash': password.passwordHash },
                }),
              ]
            : []),
          ...keys.map((key) =>
            t.update({
              Key: apiKeyKey(userId, key.id),
              UpdateExpression: 'SET #disabled = :yes',
              ConditionExpression: EXISTS,
              ExpressionAttributeNames: { '#disabled': 'disabled' },
              ExpressionAttributeValues: { ':yes': true },
            }),
          ),
        ];
        try {
          await t.transact(items, ['user', ...(password ? ['credential'] : []), ...keys.map(() => 'key')]);
          return true;
        } catch (error) {
          const raced = (error instanceof ConditionFailed && error.what !== 'credential') || error instanceof StoreUnavailable;
          if (!raced) throw error;
          if (attempt === REVOKE_ATTEMPTS) throw error instanceof StoreUnavailable ? error : new StoreUnavailable(error);
        }
      }
    },

    async createApiKey({ key, limit, serverUser }) {
      const owner = serverUser
        ? [
            t.put(userItem(serverUser), NOT_EXISTS),
            ...serverUser.identities.map((i) => t.put(identityItem(i, serverUser.id), NOT_EXISTS)),
            t.put({ ...serverKeyNameKey(key.name), type: 'server-key-name', keyId: key.id }, NOT_EXISTS),
            t.put(
              { ...serverKeyKey(key.id), type: 'server-key', keyId: key.id, userId: key.userId, name: key.name, GSI1PK: SERVER_KEYS_PARTITION, GSI1SK: key.id },
              NOT_EXISTS,
            ),
            countServerKeys(1, limit),
            t.put(userListItem(serverUser.id)),
          ]
        : [
            t.update({
              Key: userKey(key.userId),
              UpdateExpression: 'ADD #count :one',
              ConditionExpression: `${LIVE_USER} AND (attribute_not_exists(#count) OR #count < :limit)`,
              ExpressionAttributeNames: { ...LIVE_USER_NAMES, '#count': 'apiKeyCount' },
              ExpressionAttributeValues: { ':one': 1, ':limit': limit ?? 20 },
            }),
          ];
      const labels = serverUser ? ['user', ...serverUser.identities.map(() => 'identity'), 'name', 'key', 'limit', 'list', 'key', 'name', 'lookup'] : ['limit', 'key', 'name', 'lookup'];
      await t.transact(
        [
          ...owner,
          t.put(apiKeyItem(key), NOT_EXISTS),
          t.put({ ...apiKeyNameKey(key.userId, key.name), type: 'apikey-name', keyId: key.id }, NOT_EXISTS),
          t.put({ ...apiKeyLookupKey(key.keyHash), type: 'apikey-lookup', userId: key.userId, keyId: key.id, name: key.name }, NOT_EXISTS),
        ],
        labels,
      );
    },

    async listServerKeys() {
      const out = await t.query({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :p',
        ExpressionAttributeValues: { ':p': SERVER_KEYS_PARTITION },
      });
      const pointers = (out.Items ?? []) as { userId: string; keyId: string }[];
      if (!pointers.length) return [];
      const keys = (await t.getMany(pointers.map((p) => apiKeyKey(p.userId, p.keyId)))).map(toApiKey);
      return keys.sort((a, b) => a.id.localeCompare(b.id));
    },

    async findServerKey(keyId) {
      const item = await t.get(serverKeyKey(keyId));
      return item ? { userId: item.userId as string, name: item.name as string } : undefined;
    },

    async forgetServerKey(keyId, name) {
      await t.transact([t.remove(serverKeyKey(keyId)), t.remove(serverKeyNameKey(name)), countServerKeys(-1)]);
    },

    async findApiKey(keyHash) {
      const item = await t.get(apiKeyLookupKey(keyHash));
      return item ? { userId: item.userId as string, keyId: item.keyId as string, name: item.name as string } : undefined;
    },

    listApiKeys: listKeys,

    async getApiKey(userId, keyId) {
      const item = await t.get(apiKeyKey(userId, keyId));
      return item ? toApiKey(item) : undefined;
    },

    setApiKeyDisabled: (userId, keyId, disabled) => t.setIfExists(apiKeyKey(userId, keyId), { disabled }),

    async deleteApiKey(userId, keyId) {
      const item = await t.get(apiKeyKey(userId, keyId));
      if (!item) return false;
      const key = toApiKey(item);
      try {
        await t.transact(
          [
            t.remove(apiKeyKey(userId, keyId), EXISTS),
            t.remove(apiKeyNameKey(userId, key.name)),
            t.remove(apiKeyLookupKey(key.keyHash)),
            t.update({
              Key: userKey(userId),
              UpdateExpression: 'ADD #count :minus',
              ConditionExpression: EXISTS,
              ExpressionAttributeNames: { '#count': 'apiKeyCount' },
              ExpressionAttributeValues: { ':minus': -1 },
            }),
          ],
          ['key'],
        );
      } catch (error) {
        if (error instanceof ConditionFailed && error.what === 'key') return false;
        throw error;
      }
      return true;
    },
  };
}
