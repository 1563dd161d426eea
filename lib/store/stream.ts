import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Item, toUser } from './items';
import type { User } from './types';

/** A record of the table's stream as Lambda delivers it (NEW_AND_OLD_IMAGES). */
export interface StreamRecord {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: {
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber?: string;
  };
  /** Set by DynamoDB on the deletions its TTL makes: `{type: "Service", principalId: "dynamodb.amazonaws.com"}`. */
  userIdentity?: { type?: string; principalId?: string };
}

/** What a stream record means to Gatehouse; anything else is of no interest. */
export type TableChange =
  /** A deletion marked the user (lib/users.ts): its items go now. */
  | { kind: 'user-deleted'; user: User; deletedAt: number }
  /** The user item went without a deletion mark: TTL removed an expired (anonymous) user. */
  | { kind: 'user-expired'; user: User; byTtl: boolean }
  | { kind: 'session-started'; userId: string }
  | { kind: 'device-added'; userId: string };

const image = (raw: Record<string, unknown> | undefined): Item | undefined => (raw ? (unmarshall(raw as never) as Item) : undefined);

/** Reads one stream record (images in DynamoDB's attribute-value form). */
export function changeOf(record: StreamRecord): TableChange | undefined {
  const next = image(record.dynamodb?.NewImage);
  const old = image(record.dynamodb?.OldImage);
  const item = next ?? old;
  if (!item) return undefined;
  if (item.type === 'user') {
    if (record.eventName === 'REMOVE') {
      // Removed after its cleanup (the mark is on the old image): nothing left to do.
      if (!old || old.deletedAt !== undefined) return undefined;
      const byTtl = record.userIdentity?.type === 'Service' && record.userIdentity.principalId === 'dynamodb.amazonaws.com';
      return { kind: 'user-expired', user: toUser(old), byTtl };
    }
    if (next?.deletedAt !== undefined && next.deletedAt !== old?.deletedAt) return { kind: 'user-deleted', user: toUser(next), deletedAt: next.deletedAt as number };
    return undefined;
  }
  if (record.eventName !== 'INSERT') return undefined;
  if (item.type === 'session') return { kind: 'session-started', userId: item.userId as string };
  if (item.type === 'device') return { kind: 'device-added', userId: item.userId as string };
  return undefined;
}
