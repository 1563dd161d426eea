import type { CustomDataTable, Store } from './index';
import { ConditionFailed } from './errors';
import { toUser } from './items';
import { type Key, apiKeyLookupKey, credentialKey, identityKey, userKey, userPartition } from './keys';
import type { Table } from './table';

type CleanupOperations = Pick<
  Store,
  'userItemsPage' | 'removeItems' | 'removeIdentityOf' | 'removeCredentialOf' | 'removeCustomDataOf' | 'removeDeletedUser' | 'sessionsBeyond' | 'devicesBeyond' | 'getUserItem'
>;

/**
 * What the background removal of a deleted user and the per-user caps are made of. Every write here
 * may be repeated after a crash at any point: deleting what is gone succeeds, and what another user
 * owns by now (an identity or email taken again after its first removal) is left alone.
 */
export function cleanupOperations(t: Table, custom?: CustomDataTable): CleanupOperations {
  /** Deletes an item unless it now belongs to someone else; false when it did. */
  async function removeIfOwned(key: Key, userId: string): Promise<boolean> {
    try {
      await t.deleteOne(
        {
          Key: key,
          ConditionExpression: 'attribute_not_exists(PK) OR #userId = :userId',
          ExpressionAttributeNames: { '#userId': 'userId' },
          ExpressionAttributeValues: { ':userId': userId },
        },
        'item',
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
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
      try {
        await t.deleteOne(
          {
            Key: userKey(userId),
            ConditionExpression: 'attribute_not_exists(PK) OR #deleted = :at',
            ExpressionAttributeNames: { '#deleted': 'deletedAt' },
            ExpressionAttributeValues: { ':at': deletedAt },
          },
          'user',
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionFailed) return false;
        throw error;
      }
    },

    async sessionsBeyond(userId, keep) {
      // Session ids are ObjectIds, so key order is creation order: newest first, skip the ones kept.
      const extra: Key[] = [];
      let seen = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const out = await t.query({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': userPartition(userId), ':prefix': 'SESSION#' },
          ProjectionExpression: 'PK, SK',
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        });
        for (const item of (out.Items ?? []) as Key[]) if (++seen > keep) extra.push({ PK: item.PK, SK: item.SK });
        start = out.LastEvaluatedKey;
      } while (start);
      return extra;
    },

    async devicesBeyond(userId, keep) {
      const all: (Key & { lastSeen?: number })[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await t.query({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': userPartition(userId), ':prefix': 'DEVICE#' },
          ProjectionExpression: 'PK, SK, lastSeen',
          ExclusiveStartKey: start,
        });
        all.push(...((out.Items ?? []) as (Key & { lastSeen?: number })[]));
        start = out.LastEvaluatedKey;
      } while (start);
      if (all.length <= keep) return [];
      // The least recently seen go first.
      all.sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
      return all.slice(keep).map(({ PK, SK }) => ({ PK, SK }));
    },
  };
}
