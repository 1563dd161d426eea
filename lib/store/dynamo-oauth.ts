import type { Store } from './index';
import { oauthStateKey } from './keys';
import { NOT_EXISTS, type Table } from './table';
import type { OAuthState } from './types';

/** Browser OAuth flows in flight, expiring by TTL (and checked in code). */
export function oauthStateOperations(t: Table): Pick<Store, 'saveOAuthState' | 'takeOAuthState'> {
  return {
    async saveOAuthState(state) {
      await t.putOne({ ...oauthStateKey(state.id), type: 'oauth-state', ...state }, NOT_EXISTS, 'state');
    },

    async takeOAuthState(id) {
      return (await t.take(oauthStateKey(id))) as OAuthState | undefined;
    },
  };
}
