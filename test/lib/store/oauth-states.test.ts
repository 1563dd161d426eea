import { beforeAll, describe, expect, it } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import { ConditionFailed, type OAuthState } from '../../../lib/store';
import { type OAuthStateStore, dynamoOAuthStateStore } from '../../../lib/store/oauth-states';
import { ownTables } from './tables';

// The contract of OAuthStateStore (lib/store/oauth-states.ts).
let store: OAuthStateStore;

beforeAll(async () => {
  store = dynamoOAuthStateStore((await ownTables('oauth-states')).t);
});

const stateOf = (): OAuthState => ({
  id: newObjectId(),
  provider: 'oauth2-google',
  clientRedirect: 'https://app.example.test/back',
  clientState: 'cs',
  callbackUrl: 'https://auth.example.test/callback',
  codeVerifier: 'cv',
  device: { platform: 'web' },
  link: { userId: newObjectId(), sessionId: newObjectId(), deviceId: newObjectId() },
  expiresAt: Math.floor(Date.now() / 1000) + 600,
});

describe('OAuthStateStore', () => {
  it('keeps a flow state for one use', async () => {
    const state = stateOf();
    await store.saveOAuthState(state);
    await expect(store.saveOAuthState(state)).rejects.toEqual(new ConditionFailed('state'));
    expect(await store.takeOAuthState(state.id)).toEqual(state);
    expect(await store.takeOAuthState(state.id)).toBeUndefined();
    expect(await store.takeOAuthState(newObjectId())).toBeUndefined();
  });
});
