import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { type CredentialStore, dynamoCredentialStore } from '../../../lib/store/credentials';
import { type LimitStore, dynamoLimitStore } from '../../../lib/store/limits';
import { ownTables, uniqueEmailKey } from './tables';

// The contract of LimitStore (lib/store/limits.ts).
let store: LimitStore;
let credentials: CredentialStore;

beforeAll(async () => {
  const own = await ownTables('limits');
  store = dynamoLimitStore(own.t);
  credentials = dynamoCredentialStore(own.t);
});

describe('LimitStore', () => {
  it('counts events in a window, and starts a new window once the last has ended', async () => {
    const id = `count-${newObjectId()}`;
    const now = Date.now();
    expect(await store.countLimit(id, now + 1000, now)).toEqual({ count: 1, windowEndsAt: now + 1000, last: now });
    // Within the window, its end stays the first one.
    expect(await store.countLimit(id, now + 5000, now + 10)).toEqual({ count: 2, windowEndsAt: now + 1000, last: now + 10 });
    expect(await store.countLimit(id, now + 3000, now + 2000)).toEqual({ count: 1, windowEndsAt: now + 3000, last: now + 2000 });
    expect(await store.countLimit(id, now + 9000, now + 2001)).toEqual({ count: 2, windowEndsAt: now + 3000, last: now + 2001 });
  });

  it('reads counters by id, leaving out absent ones, with a credential in the same round trip', async () => {
    const [a, b] = [`read-${newObjectId()}`, `read-${newObjectId()}`];
    const now = Date.now();
    await store.countLimit(a, now + 1000, now);
    await store.countLimit(b, now + 1000, now);
    await store.countLimit(b, now + 1000, now + 1);
    const email = uniqueEmailKey('limits');
    const credential = { email, identityId: newObjectId(), passwordHash: 'h', createdAt: 1 };
    await credentials.createCredential(email, credential);
    const read = await store.readLimits([a, b, `absent-${newObjectId()}`], email);
    expect([...read.counters.keys()].sort()).toEqual([a, b].sort());
    expect(read.counters.get(b)).toEqual({ count: 2, windowEndsAt: now + 1000, last: now + 1 });
    expect(read.credential).toEqual(credential);
    expect(await store.readLimits([])).toEqual({ counters: new Map(), credential: undefined });
    expect((await store.readLimits([a], uniqueEmailKey('none'))).credential).toBeUndefined();
  });
});
