import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import type { ImportRecord } from '../../../lib/store';
import { type CredentialStore, dynamoCredentialStore } from '../../../lib/store/credentials';
import { type CustomDataStore, dynamoCustomDataStore } from '../../../lib/store/custom-data';
import { type ImportStore, dynamoImportStore } from '../../../lib/store/import';
import { type UserStore, dynamoUserStore } from '../../../lib/store/users';
import { newUser, ownTables, uniqueEmailKey } from './tables';

// The contract of ImportStore (lib/store/import.ts), on tables of its own: scanCredentials reads the whole table.
let store: ImportStore;
let users: UserStore;
let credentials: CredentialStore;
let customData: CustomDataStore;

beforeAll(async () => {
  const own = await ownTables('import');
  store = dynamoImportStore(own.t, own.custom);
  users = dynamoUserStore(own.t, own.custom);
  credentials = dynamoCredentialStore(own.t);
  customData = dynamoCustomDataStore(own.t, own.custom);
});

function recordOf(hash = 'imported$1', identityId = newObjectId()): ImportRecord {
  const user = newUser(identityId, 'local-userpass');
  const emailKey = uniqueEmailKey('import');
  return { user, credentials: [{ emailKey, credential: { email: emailKey, identityId, passwordHash: hash, createdAt: 1, userId: user.id } }], customData: { plan: 'gold' } };
}

describe('ImportStore', () => {
  it('writes records with their list entry, identities, credentials and custom data', async () => {
    const records = [recordOf(), recordOf()];
    expect(await store.writeImport(records)).toEqual([{ ok: true }, { ok: true }]);
    for (const r of records) {
      expect((await users.getLoginState(r.user.id)).user).toEqual(r.user);
      expect(await users.findIdentityOwner('local-userpass', r.user.identities[0].id)).toBe(r.user.id);
      expect(await credentials.getCredential(r.credentials[0].emailKey)).toEqual(r.credentials[0].credential);
      expect(await customData.getCustomData(r.user.id)).toMatchObject({ plan: 'gold' });
    }
    const listed = (await users.listUsers({ limit: 100 })).users.map((u) => u.id);
    for (const r of records) expect(listed).toContain(r.user.id);
  });

  it('answers each record its own outcome when a transaction fails a condition', async () => {
    const first = recordOf();
    await store.writeImport([first]);
    const clash = recordOf('imported$1', first.user.identities[0].id);
    const fine = recordOf();
    // One transaction for both, which fails on the clash: each is then written on its own.
    expect(await store.writeImport([fine, clash])).toEqual([{ ok: true }, { ok: false, conflict: 'identity' }]);
    expect(await store.writeImport([first])).toEqual([{ ok: false, conflict: 'user' }]);
    expect((await users.getLoginState(fine.user.id)).user).toEqual(fine.user);
    expect((await users.getLoginState(clash.user.id)).user).toBeUndefined();
  });

  it('looks up what exists of the records: users, identity owners and credentials', async () => {
    const written = recordOf();
    await store.writeImport([written]);
    const unclaimed = uniqueEmailKey('unclaimed');
    await credentials.createCredential(unclaimed, { email: unclaimed, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 });
    const fresh = recordOf();
    fresh.credentials.push({ emailKey: unclaimed, credential: { email: unclaimed, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 } });
    const lookup = await store.lookupImport([written, fresh]);
    expect([...lookup.users]).toEqual([written.user.id]);
    expect(lookup.identities).toEqual(new Map([[`local-userpass#${written.user.identities[0].id}`, written.user.id]]));
    expect(lookup.credentials).toEqual(
      new Map([
        [written.credentials[0].emailKey, written.user.id],
        [unclaimed, ''],
      ]),
    );
  });

  it('scans credentials by hash prefix, page by page', async () => {
    const prefix = `scan-${newObjectId()}$`;
    const records = [recordOf(`${prefix}a`), recordOf(`${prefix}b`), recordOf(`${prefix}c`)];
    await store.writeImport(records);
    const found: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.scanCredentials(prefix, after, 1);
      found.push(...page.credentials.map((c) => c.email));
      after = page.next;
    } while (after);
    expect(found.sort()).toEqual(records.map((r) => r.credentials[0].emailKey).sort());
    expect((await store.scanCredentials(`none-${newObjectId()}`, undefined, 10)).credentials).toEqual([]);
  });
});
