import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { ConditionFailed, type Credential } from '../../../lib/store';
import { type CredentialStore, dynamoCredentialStore } from '../../../lib/store/credentials';
import { ownTables, uniqueEmailKey } from './tables';

// The contract of CredentialStore (lib/store/credentials.ts), on tables of its own: the pending list is app-wide.
let store: CredentialStore;

beforeAll(async () => {
  store = dynamoCredentialStore((await ownTables('credentials')).t);
});

function credentialFor(email: string, extra: Partial<Credential> = {}): Credential {
  return { email, identityId: newObjectId(), passwordHash: 'hash-1', createdAt: 1, ...extra };
}

describe('CredentialStore', () => {
  it('creates a credential once per email and reads it back', async () => {
    const email = uniqueEmailKey('create');
    const credential = credentialFor(email);
    await store.createCredential(email, credential);
    expect(await store.getCredential(email)).toEqual(credential);
    await expect(store.createCredential(email, credentialFor(email))).rejects.toEqual(new ConditionFailed('credential'));
    expect(await store.getCredential(email)).toEqual(credential);
    expect(await store.getCredential(uniqueEmailKey('none'))).toBeUndefined();
  });

  it('lists pending registrations in registration-id order, pages after an id, and drops confirmed ones', async () => {
    const pending: Credential[] = [];
    for (let i = 0; i < 5; i++) {
      const email = uniqueEmailKey('pending');
      const credential = credentialFor(email, { confirmed: false });
      await store.createCredential(email, credential);
      pending.push(credential);
    }
    await store.createCredential(uniqueEmailKey('confirmed'), credentialFor('confirmed'));
    const all = await store.listPending(undefined, 100);
    expect(all.map((c) => c.identityId)).toEqual(pending.map((c) => c.identityId).sort());
    expect(all[0]).toEqual(pending.find((c) => c.identityId === all[0].identityId));
    const firstTwo = await store.listPending(undefined, 2);
    expect(firstTwo.map((c) => c.identityId)).toEqual(all.slice(0, 2).map((c) => c.identityId));
    expect((await store.listPending(firstTwo[1].identityId, 100)).map((c) => c.identityId)).toEqual(all.slice(2).map((c) => c.identityId));

    const confirmed = pending[2];
    expect(await store.confirmCredential(confirmed.email)).toBe(true);
    expect(await store.getCredential(confirmed.email)).toEqual({ ...confirmed, confirmed: true });
    expect((await store.listPending(undefined, 100)).map((c) => c.identityId)).not.toContain(confirmed.identityId);
    expect(await store.confirmCredential(uniqueEmailKey('none'))).toBe(false);
  });

  it('replaces a password hash, and only from the expected one with replacePasswordHash', async () => {
    const email = uniqueEmailKey('hash');
    await store.createCredential(email, credentialFor(email));
    expect(await store.setPasswordHash(email, 'hash-2')).toBe(true);
    expect((await store.getCredential(email))?.passwordHash).toBe('hash-2');
    expect(await store.setPasswordHash(uniqueEmailKey('none'), 'hash-2')).toBe(false);
    expect(await store.replacePasswordHash(email, 'hash-1', 'hash-3')).toBe(false);
    expect(await store.replacePasswordHash(email, 'hash-2', 'hash-3')).toBe(true);
    expect((await store.getCredential(email))?.passwordHash).toBe('hash-3');
    expect(await store.replacePasswordHash(uniqueEmailKey('none'), 'hash-2', 'hash-3')).toBe(false);
  });

  it('deletes a credential', async () => {
    const email = uniqueEmailKey('delete');
    await store.createCredential(email, credentialFor(email));
    await store.deleteCredential(email);
    expect(await store.getCredential(email)).toBeUndefined();
    await store.createCredential(email, credentialFor(email));
  });

  it('keeps a userpass token for one use', async () => {
    const token = { id: newObjectId(), purpose: 'confirm' as const, emailKey: uniqueEmailKey('token'), tokenHash: 'th', expiresAt: Math.floor(Date.now() / 1000) + 60 };
    await store.saveUserpassToken(token);
    await expect(store.saveUserpassToken(token)).rejects.toEqual(new ConditionFailed('token'));
    expect(await store.takeUserpassToken(token.id)).toEqual(token);
    expect(await store.takeUserpassToken(token.id)).toBeUndefined();
    expect(await store.takeUserpassToken(newObjectId())).toBeUndefined();
  });
});
