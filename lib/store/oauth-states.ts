import { oauthStateKey } from './keys';
import { NOT_EXISTS, type Table } from './table';
import type { OAuthState } from './types';

/** Browser OAuth flows in flight between their start and the provider's callback: each used once. */
export interface OAuthStateStore {
  saveOAuthState(state: OAuthState): Promise<void>;
  /** Reads and deletes a flow's state in one step, so a callback can be used once. */
  takeOAuthState(id: string): Promise<OAuthState | undefined>;
}

/** Browser OAuth flows in flight, keyed by id (expiring by TTL, and checked in code). */
export function dynamoOAuthStateStore(t: Table): OAuthStateStore {
  return {
    async saveOAuthState(state) {
      await t.putOne({ ...oauthStateKey(state.id), type: 'oauth-state', ...state }, NOT_EXISTS, 'state');
    },

    async takeOAuthState(id) {
      return (await t.take(oauthStateKey(id))) as OAuthState | undefined;
    },
  };
}
