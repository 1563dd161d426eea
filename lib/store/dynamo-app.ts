import type { Store } from './index';
import { APP_SETTINGS_KEY, oauthStateKey } from './keys';
import { NOT_EXISTS, type Table } from './table';
import type { OAuthState } from './types';

/** Browser OAuth flows in flight (expiring by TTL, and checked in code), and the app's run-time settings. */
export function appOperations(t: Table): Pick<Store, 'saveOAuthState' | 'takeOAuthState' | 'getAppSettings' | 'setAppSettings'> {
  return {
    async getAppSettings() {
      const item = await t.get(APP_SETTINGS_KEY);
      return item?.refreshTokenSeconds ? { refreshTokenSeconds: item.refreshTokenSeconds as number } : {};
    },

    async setAppSettings(settings) {
      await t.putInOne(t.name, { ...APP_SETTINGS_KEY, type: 'app-settings', ...settings });
    },

    async saveOAuthState(state) {
      await t.putOne({ ...oauthStateKey(state.id), type: 'oauth-state', ...state }, NOT_EXISTS, 'state');
    },

    async takeOAuthState(id) {
      return (await t.take(oauthStateKey(id))) as OAuthState | undefined;
    },
  };
}
