import { ConditionFailed } from './errors';
import { limitItem, toCredential, toLimit } from './items';
import { credentialKey, limitKey } from './keys';
import type { Table, TransactItem } from './table';
import type { Credential, LimitCounter, LimitWrites } from './types';

/** Abuse-limit counters (docs/limits.md); a login's own limit writes go in its transaction (LimitWrites). */
export interface LimitStore {
  /** Limit counters by id (absent ones left out) and, with `emailKey`, that credential: one round trip. */
  readLimits(ids: string[], emailKey?: string): Promise<{ counters: Map<string, LimitCounter>; credential?: Credential }>;
  /**
   * Counts one event (atomic ADD) in the counter's window, starting a window that ends at
   * `windowEndsAt` when there is none or the last has ended; answers the counter afterwards.
   */
  countLimit(id: string, windowEndsAt: number, now: number): Promise<LimitCounter>;
}

/** Abuse-limit counters: one item each, counted with an atomic ADD, expired by TTL. */
export function dynamoLimitStore(t: Table): LimitStore {
  return {
    async readLimits(ids, emailKey) {
      const keys = ids.map(limitKey);
      if (emailKey) keys.push(credentialKey(emailKey));
      const items = keys.length ? await t.getMany(keys) : [];
      const counters = new Map<string, LimitCounter>();
      let credential;
      for (const item of items) {
        if (item.type === 'limit') counters.set(item.limitId as string, toLimit(item));
        else if (item.type === 'credential') credential = toCredential(item);
      }
      return { counters, credential };
    },

    async countLimit(id, windowEndsAt, now) {
      try {
        const out = await t.updateReturning({
          Key: limitKey(id),
          UpdateExpression:
            'ADD #count :one SET #last = :now, #type = :type, #id = :id, #end = if_not_exists(#end, :end), #exp = if_not_exists(#exp, :exp)',
          ConditionExpression: 'attribute_not_exists(PK) OR #end > :now',
          ExpressionAttributeNames: { '#count': 'count', '#last': 'last', '#type': 'type', '#id': 'limitId', '#end': 'windowEndsAt', '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':type': 'limit', ':id': id, ':end': windowEndsAt, ':exp': Math.ceil(windowEndsAt / 1000) },
        });
        return toLimit(out);
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        // The last window ended and TTL has not removed its item yet: start a new one.
        const fresh = { count: 1, windowEndsAt, last: now };
        await t.putOne(limitItem(id, fresh), 'attribute_not_exists(PK) OR #end <= :now', 'limit', { names: { '#end': 'windowEndsAt' }, values: { ':now': now } }).catch((e: unknown) => {
          if (!(e instanceof ConditionFailed)) throw e;
        });
        return fresh;
      }
    },
  };
}

/** The transaction items of a login's limit writes. */
export function limitWriteItems(t: Table, writes: LimitWrites | undefined, now: number): TransactItem[] {
  const items: TransactItem[] = [];
  if (writes?.mark) items.push(t.put(limitItem(writes.mark.id, { count: 1, windowEndsAt: writes.mark.windowEndsAt, last: now })));
  if (writes?.clear) items.push(t.remove(limitKey(writes.clear)));
  return items;
}
