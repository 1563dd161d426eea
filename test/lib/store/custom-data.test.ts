import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { type CustomDataStore, dynamoCustomDataStore } from '../../../lib/store/custom-data';
import { ownTables } from './tables';

// The contract of CustomDataStore (lib/store/custom-data.ts): with a custom data table, and without one.
let store: CustomDataStore;
let none: CustomDataStore;

beforeAll(async () => {
  const own = await ownTables('custom-data');
  store = dynamoCustomDataStore(own.t, own.custom);
  none = dynamoCustomDataStore(own.t);
});

describe('CustomDataStore', () => {
  it('replaces and reads a user document keyed by the user id field', async () => {
    const userId = newObjectId();
    expect(await store.getCustomData(userId)).toBeUndefined();
    await store.putCustomData(userId, { colour: 'green', size: 2 });
    expect(await store.getCustomData(userId)).toEqual({ colour: 'green', size: 2, userId });
    await store.putCustomData(userId, { colour: 'red' });
    expect(await store.getCustomData(userId)).toEqual({ colour: 'red', userId });
  });

  it('reads and writes nothing without a custom data table', async () => {
    const userId = newObjectId();
    await none.putCustomData(userId, { colour: 'green' });
    expect(await none.getCustomData(userId)).toBeUndefined();
    expect(await store.getCustomData(userId)).toBeUndefined();
  });
});
