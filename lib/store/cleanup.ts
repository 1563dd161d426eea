import type { CustomDataTable } from './custom-data';
import { conditionMet } from './errors';
import { toUser } from './items';
import { type Key, apiKeyLookupKey, credentialKey, identityKey, userKey, userPartition } from './keys';
import type { Table } from './table';
import type { User } from './types';

/** The key of one table item, as the cleanup passes it back to removeItems. */
export interface ItemRef {
  PK: string;
  SK: string;
}

/** The background removal of a deleted or expired user (lib/cleanup.ts) and the per-user caps. */
export interface CleanupStore {
  /** The user item as it is, deleted or expired included (the cleanup reads it). */
  getUserItem(userId: string): Promise<User | undefined>;
  /**
   * One page of the keys under a user's partition, the user item left out, and the secret lookups of
   * the API keys among them; `start` is the `next` of the page before.
   */
  userItemsPage(userId: string, start?: string, limit?: number): Promise<{ keys: ItemRef[]; lookups: ItemRef[]; next?: string }>;
  /** Deletes items by key, 25 a request (what is already gone counts as deleted); `onWrite` runs before each request. */
  removeItems(keys: ItemRef[], onWrite?: () => void): Promise<void>;
  /** Deletes an identity lookup unless another user owns it by now; false when one does. */
  removeIdentityOf(userId: string, providerType: string, identityId: string): Promise<boolean>;
  /** Deletes an email/password credential unless another user owns it by now; false when one does. */
  removeCredentialOf(userId: string, emailKey: string): Promise<boolean>;
  /** Deletes the user's custom data document (when custom data is configured). */
  removeCustomDataOf(userId: string): Promise<void>;
  /** Deletes the user item if it is still the one deleted at `deletedAt` (or already gone). */
  removeDeletedUser(userId: string, deletedAt: number): Promise<boolean>;
  /** The keys of the user's sessions beyond the `keep` newest. */
  sessionsBeyond(userId: string, keep: number): Promise<ItemRef[]>;
  /** The keys of the user's devices beyond the `keep` most recently seen. */
  devicesBeyond(userId: string, keep: number): Promise<ItemRef[]>;
}

/**
 * What the background removal of a deleted user and the per-user caps are made of. Every write here
 * may be repeated after a crash at any point: deleting what is gone succeeds, and what another user
 * owns by now (an identity or email taken again after its first removal) is left alone.
 */
export function dynamoCleanupStore(t: Table, custom?: CustomDataTable): CleanupStore {
  /** Deletes an item unless it now belongs to someone else; false when it did. */
  async function removeIfOwned(key: Key, userId: string): Promise<boolean> {
    return conditionMet(t.deleteOne(
      {
        Key: key,
        ConditionExpression: 'attribute_not_exists(PK) OR #userId = :userId',
        ExpressionAttributeNames: { '#userId': 'userId' },
        ExpressionAttributeValues: { ':userId': userId },
      },
      'item',
    ));
  }

  return {
    async getUserItem(userId) {
      const item = await t.get(userKey(userId));
      return item ? toUser(item) : undefined;
    },

    async userItemsPage(userId, start, limit = 100) {
      const out = await t.query({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(userId) },
        ProjectionExpression: 'PK, SK, keyHash',
        Limit: limit,
        ExclusiveStartKey: start ? { PK: userPartition(userId), SK: start } : undefined,
      });
      const items = (out.Items ?? []) as (Key & { keyHash?: string })[];
      const owned = items.filter((i) => i.SK !== 'USER');
      return {
        keys: owned.map(({ PK, SK }) => ({ PK, SK })),
        // An API key's secret lookup lives outside the user's partition.
        lookups: owned.flatMap((i) => (i.keyHash ? [apiKeyLookupKey(i.keyHash)] : [])),
        next: out.LastEvaluatedKey ? (out.LastEvaluatedKey.SK as string) : undefined,
      };
    },

    removeItems: (keys, onWrite) => t.removeMany(keys, onWrite),

    removeIdentityOf: (userId, providerType, identityId) => removeIfOwned(identityKey(providerType, identityId), userId),

    removeCredentialOf: (userId, emailKey) => removeIfOwned(credentialKey(emailKey), userId),

    async removeCustomDataOf(userId) {
      if (custom) await t.removeOneIn(custom.table, { [custom.userIdField]: userId });
    },

    async removeDeletedUser(userId, deletedAt) {
      return conditionMet(t.deleteOne(
        {
          Key: userKey(userId),
          ConditionExpression: 'attribute_not_exists(PK) OR #deleted = :at',
          ExpressionAttributeNames: { '#deleted': 'deletedAt' },
          ExpressionAttributeValues: { ':at': deletedAt },
        },
        'user',
      ));
    },

    async sessionsBeyond(userId, keep) {
      // Session ids are ObjectIds, so key order is creation order: newest first, skip the ones kept.
      const all = await t.allUnder<Key>(userPartition(userId), 'SESSION#', { projection: 'PK, SK', forward: false });
      return all.slice(keep).map(({ PK, SK }) => ({ PK, SK }));
    },

    async devicesBeyond(userId, keep) {
      const all = await t.allUnder<Key & { lastSeen?: number }>(userPartition(userId), 'DEVICE#', { projection: 'PK, SK, lastSeen' });
      if (all.length <= keep) return [];
      // The least recently seen go first.
      all.sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
      return all.slice(keep).map(({ PK, SK }) => ({ PK, SK }));
    },
  };
}
