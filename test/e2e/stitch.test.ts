import { describe, expect, it } from 'vitest';
import {
  MemoryStorage,
  Stitch,
  StitchAppClientConfiguration,
  type StitchServiceError,
  UserApiKeyAuthProviderClient,
  UserPasswordAuthProviderClient,
  UserPasswordCredential,
} from 'mongodb-stitch-server-sdk';
import { uniqueEmail } from '../helpers/events';
import { E2E_APP, e2eStack } from './stack';

const stack = e2eStack();
const client = Stitch.initializeAppClient(
  E2E_APP,
  new StitchAppClientConfiguration.Builder().withBaseUrl(stack.baseUrl).withStorage(new MemoryStorage(E2E_APP)).build(),
);

describe('mongodb-stitch-server-sdk 4.9.0', () => {
  it('registers and logs in with the short, common passwords its own suite uses (app-services policy)', async () => {
    const userpass = client.auth.getProviderClient(UserPasswordAuthProviderClient.factory);
    const ids = new Set<string>();
    for (const password of ['password', 'hunter2', 'hunter1']) {
      const email = uniqueEmail('stitch-weak');
      await userpass.registerWithEmail(email, password);
      const user = await client.auth.loginWithCredential(new UserPasswordCredential(email, password));
      expect(user.profile.email).toBe(email);
      ids.add(user.id);
      await client.auth.logout();
    }
    expect(ids.size).toBe(3);
    const tooShort = (await userpass.registerWithEmail(uniqueEmail('stitch-weak'), 'pass1').catch((e: unknown) => e)) as StitchServiceError;
    // The SDK's enum has no BadRequest: it names the code Unknown and keeps the server's words.
    expect(tooShort.message).toBe('password must be between 6 and 128 characters');
  });

  it('check 23: user API keys round-trip their ObjectId through fetch, disable, enable and delete', async () => {
    const [email, password] = [uniqueEmail('stitch'), 'a long password'];
    await client.auth.getProviderClient(UserPasswordAuthProviderClient.factory).registerWithEmail(email, password);
    const user = await client.auth.loginWithCredential(new UserPasswordCredential(email, password));
    expect(user.loggedInProviderType).toBe('local-userpass');
    const keys = client.auth.getProviderClient(UserApiKeyAuthProviderClient.factory);
    const key = await keys.createApiKey('k2');
    expect(key.key).toEqual(expect.any(String));
    const id = key.id.toHexString();
    expect((await keys.fetchApiKey(key.id)).id.toHexString()).toBe(id);
    await keys.disableApiKey(key.id);
    expect((await keys.fetchApiKey(key.id)).disabled).toBe(true);
    await keys.enableApiKey(key.id);
    expect((await keys.fetchApiKeys()).map((k) => k.id.toHexString())).toEqual([id]);
    await keys.deleteApiKey(key.id);
    const error = (await keys.fetchApiKey(key.id).catch((e: unknown) => e)) as StitchServiceError;
    // The SDK's enum spells the wire code APIKeyNotFound as ApiKeyNotFound: recognised, not "Unknown".
    expect(error.errorCodeName).toBe('ApiKeyNotFound');
  });
});
