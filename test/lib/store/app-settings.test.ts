import { beforeAll, describe, expect, it } from 'vitest';
import { type AppSettingsStore, dynamoAppSettingsStore } from '../../../lib/store/app-settings';
import { ownTables } from './tables';

// The contract of AppSettingsStore (lib/store/app-settings.ts), on tables of its own: the settings are app-wide.
let store: AppSettingsStore;

beforeAll(async () => {
  store = dynamoAppSettingsStore((await ownTables('app-settings')).t);
});

describe('AppSettingsStore', () => {
  it('answers empty settings until some are set, then the last set', async () => {
    expect(await store.getAppSettings()).toEqual({});
    await store.setAppSettings({ refreshTokenSeconds: 3600 });
    expect(await store.getAppSettings()).toEqual({ refreshTokenSeconds: 3600 });
    await store.setAppSettings({ refreshTokenSeconds: 60 });
    expect(await store.getAppSettings()).toEqual({ refreshTokenSeconds: 60 });
    await store.setAppSettings({});
    expect(await store.getAppSettings()).toEqual({});
  });
});
