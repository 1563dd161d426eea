import type { CustomDataTable } from './custom-data';
import { ConditionFailed } from './errors';
import { type Item, credentialItem, identityItem, toCredential, userItem, userListItem } from './items';
import { type Key, credentialKey, identityKey, userKey } from './keys';
import { NOT_EXISTS, type Table, type TransactItem } from './table';
import type { Credential, CustomData, User } from './types';

/** One user as an import writes it: the user, its email/password credentials, its custom data. */
export interface ImportRecord {
  user: User;
  credentials: { emailKey: string; credential: Credential }[];
  customData?: CustomData;
}

/** What already exists of a batch of records' keys. */
export interface ImportLookup {
  /** Ids of the records' users that exist. */
  users: Set<string>;
  /** `<provider type>#<identity id>` → owning user id. */
  identities: Map<string, string>;
  /** Email key → the credential's user id ('' when unclaimed). */
  credentials: Map<string, string>;
}

/** A record's write: done, or the label of the item whose condition failed ('user' | 'identity' | 'credential'). */
export type ImportWrite = { ok: true } | { ok: false; conflict: string };

export interface ImportStore {
  lookupImport(records: ImportRecord[]): Promise<ImportLookup>;
  /**
   * Writes the records, several to a transaction (at most 100 items), every item on the condition that
   * it does not exist yet; a transaction that fails a condition is retried record by record, so each
   * record answers its own outcome.
   */
  writeImport(records: ImportRecord[]): Promise<ImportWrite[]>;
  /** Credentials whose hash starts with `prefix`, about `limit` a page (a Scan, for one-off operator jobs); `next` is opaque. */
  scanCredentials(prefix: string, after: string | undefined, limit: number): Promise<{ credentials: Credential[]; next?: string }>;
}

/** Bulk writes for `gatehouse import users`, outside the request path; kept apart from the per-request Store. */
export function dynamoImportStore(t: Table, custom?: CustomDataTable): ImportStore {
  const items = (r: ImportRecord): { items: TransactItem[]; labels: string[] } => {
    // The user's list entry (docs/data-model.md, "No hot key") comes with it, as when a user signs up.
    const list = [t.put(userItem(r.user), NOT_EXISTS), t.put(userListItem(r.user.id), NOT_EXISTS), ...r.user.identities.map((i) => t.put(identityItem(i, r.user.id), NOT_EXISTS))];
    const labels = ['user', 'list', ...r.user.identities.map(() => 'identity')];
    for (const c of r.credentials) {
      list.push(t.put(credentialItem(c.emailKey, c.credential), NOT_EXISTS));
      labels.push('credential');
    }
    if (r.customData && custom) {
      list.push(t.putIn(custom.table, { ...r.customData, [custom.userIdField]: r.user.id }));
      labels.push('custom data');
    }
    return { items: list, labels };
  };

  async function writeOne(r: ImportRecord): Promise<ImportWrite> {
    const { items: list, labels } = items(r);
    try {
      await t.transact(list, labels);
      return { ok: true };
    } catch (error) {
      if (error instanceof ConditionFailed) return { ok: false, conflict: error.what };
      throw error;
    }
  }

  return {
    async lookupImport(records) {
      const keys: Key[] = [];
      for (const r of records) {
        keys.push(userKey(r.user.id), ...r.user.identities.map((i) => identityKey(i.provider_type, i.id)), ...r.credentials.map((c) => credentialKey(c.emailKey)));
      }
      const unique = [...new Map(keys.map((k) => [`${k.PK}|${k.SK}`, k])).values()];
      const found: Item[] = [];
      for (let i = 0; i < unique.length; i += 100) found.push(...(await t.getMany(unique.slice(i, i + 100))));
      const lookup: ImportLookup = { users: new Set(), identities: new Map(), credentials: new Map() };
      for (const item of found) {
        const pk = item.PK as string;
        if (item.type === 'user') lookup.users.add(item.userId as string);
        else if (item.type === 'identity') lookup.identities.set(pk.slice('IDENT#'.length), item.userId as string);
        else if (item.type === 'credential') lookup.credentials.set(pk.slice('EMAIL#'.length), (item.userId as string | undefined) ?? '');
      }
      return lookup;
    },

    async writeImport(records) {
      const outcomes: ImportWrite[] = new Array(records.length);
      const packs: number[][] = [];
      let pack: number[] = [];
      let size = 0;
      records.forEach((r, index) => {
        const n = items(r).items.length;
        if (size + n > 100 && pack.length) {
          packs.push(pack);
          pack = [];
          size = 0;
        }
        pack.push(index);
        size += n;
      });
      if (pack.length) packs.push(pack);
      await Promise.all(
        packs.map(async (indexes) => {
          const all = indexes.map((i) => items(records[i]));
          try {
            await t.transact(all.flatMap((a) => a.items));
            for (const i of indexes) outcomes[i] = { ok: true };
          } catch (error) {
            if (!(error instanceof ConditionFailed)) throw error;
            for (const i of indexes) outcomes[i] = await writeOne(records[i]);
          }
        }),
      );
      return outcomes;
    },

    async scanCredentials(prefix, after, limit) {
      const credentials: Credential[] = [];
      let start: Item | undefined = after ? (JSON.parse(after) as Item) : undefined;
      do {
        const out = await t.scan({
          FilterExpression: '#type = :credential AND begins_with(#hash, :prefix)',
          ExpressionAttributeNames: { '#type': 'type', '#hash': 'passwordHash' },
          ExpressionAttributeValues: { ':credential': 'credential', ':prefix': prefix },
          ExclusiveStartKey: start,
          Limit: 500,
        });
        credentials.push(...(out.Items ?? []).map(toCredential));
        start = out.LastEvaluatedKey;
      } while (start && credentials.length < limit);
      return { credentials, ...(start ? { next: JSON.stringify(start) } : {}) };
    },
  };
}
