import { APP_SETTINGS_KEY } from './keys';
import type { Table } from './table';

export interface AppSettings {
  refreshTokenSeconds?: number;
}

/** The app's settings that operators change at run time (one item). */
export interface AppSettingsStore {
  /** Settings operators changed at run time; empty when none. */
  getAppSettings(): Promise<AppSettings>;
  setAppSettings(settings: AppSettings): Promise<void>;
}

/** The app's run-time settings, one item of the single table. */
export function dynamoAppSettingsStore(t: Table): AppSettingsStore {
  return {
    async getAppSettings() {
      const item = await t.get(APP_SETTINGS_KEY);
      return item?.refreshTokenSeconds ? { refreshTokenSeconds: item.refreshTokenSeconds as number } : {};
    },

    async setAppSettings(settings) {
      await t.putInOne(t.name, { ...APP_SETTINGS_KEY, type: 'app-settings', ...settings });
    },
  };
}
