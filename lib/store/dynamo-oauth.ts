import type { Store } from './index';
import { ConditionFailed } from './errors';
import { oauthStateKey } from './keys';
import { EXISTS, NOT_EXISTS, type Table } from './table';
import type { OAuthState } from './types';

/** Browser OAuth flows in flight, expiring by TTL (and checked in code). */
export function oauthStateOperations(t: Table): Pick<Store, 'saveOAuthState' | 'takeOAuthState'> {
  return {
    async saveOAuthState(state) {
      await t.putOne({ ...oauthStateKey(state.id), type: 'oauth-state', ...state }, NOT_EXISTS, 'state');
    },

    async takeOAuthState(id) {
      try {
        const item = await t.deleteOne({ Key: oauthStateKey(id), ConditionExpression: EXISTS, ReturnValues: 'ALL_OLD' }, 'state');
        if (!item) return undefined;
        const { PK: _pk, SK: _sk, type: _type, ...state } = item;
        return state as unknown as OAuthState;
      } catch (error) {
        if (error instanceof ConditionFailed) return undefined;
        throw error;
      }
    },
  };
}
