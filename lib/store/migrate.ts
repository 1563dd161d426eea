import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from './errors';
import { userListItem } from './items';
import { LEGACY_PENDING_PARTITION, LEGACY_USERS_PARTITION, credentialKey, pendingListPartition, userKey } from './keys';
import { EXISTS, createTable } from './table';

/**
 * Moves a table written before the user list was sharded (docs/data-model.md, "Moving a deployed table"): each user
 * listed under GSI1 `USERS` gets its pointer item and loses its own GSI1 keys, in one transaction;
 * each pending registration under `PENDING` moves to a shard. Listing merges the old keys meanwhile, so
 * it can run while the stack serves; it only reads the old keys, so a second run finds nothing to do.
 * With `anonymousUserTtlSeconds`, an anonymous user written before expiry existed gets its `expiresAt`
 * (last login + that time) in the same transaction, as its next login would set it (docs/data-model.md, "Growth and deletion").
 */
export async function migrateListKeys(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: { anonymousUserTtlSeconds?: number } = {},
): Promise<{ users: number; pending: number }> {
  const t = createTable(doc, tableName);
  const moved = { users: 0, pending: 0 };
  for (const [partition, kind] of [
    [LEGACY_USERS_PARTITION, 'users'],
    [LEGACY_PENDING_PARTITION, 'pending'],
  ] as const) {
    // Each page is written before the next is read, and what is moved leaves the partition: always read from its start.
    for (let idle = 0; idle < 50; ) {
      const out = await t.query({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :p',
        ExpressionAttributeValues: { ':p': partition },
        Limit: 100,
      });
      const items = out.Items ?? [];
      if (!items.length) break;
      let progressed = 0;
      for (const item of items) {
        try {
          if (kind === 'users') {
            const id = item.GSI1SK as string;
            const identities = (item.identities ?? []) as { provider_type?: string }[];
            const anonymous = identities.length > 0 && identities.every((i) => i.provider_type === 'anon-user');
            const ttl = options.anonymousUserTtlSeconds;
            const expires = anonymous && ttl !== undefined && item.expiresAt === undefined && typeof item.lastAuthenticationDate === 'number';
            await t.transact([
              t.update({
                Key: userKey(id),
                UpdateExpression: expires ? 'REMOVE GSI1PK, GSI1SK SET expiresAt = if_not_exists(expiresAt, :exp)' : 'REMOVE GSI1PK, GSI1SK',
                ConditionExpression: `${EXISTS} AND GSI1PK = :old`,
                ExpressionAttributeValues: { ':old': partition, ...(expires ? { ':exp': (item.lastAuthenticationDate as number) + ttl! } : {}) },
              }),
              t.put(userListItem(id)),
            ]);
          } else {
            await t.updateOne(
              {
                Key: credentialKey((item.PK as string).slice('EMAIL#'.length)),
                UpdateExpression: 'SET GSI1PK = :shard',
                ConditionExpression: `${EXISTS} AND GSI1PK = :old`,
                ExpressionAttributeValues: { ':shard': pendingListPartition(), ':old': partition },
              },
              'credential',
            );
          }
          moved[kind] += 1;
          progressed += 1;
        } catch (error) {
          // Deleted, confirmed or moved meanwhile: nothing left to move for this item.
          if (!(error instanceof ConditionFailed)) throw error;
        }
      }
      // The index lags its table by a moment: what was just moved can show once more.
      idle = progressed ? 0 : idle + 1;
      if (!progressed) await new Promise((r) => setTimeout(r, 200));
    }
  }
  return moved;
}
