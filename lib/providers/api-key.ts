import { API_KEY } from '../api-keys';
import { requireProvider } from '../config/providers';
import type { DeviceInfo } from '../devices';
import { AppError } from '../errors';
import { hashSecret } from '../ids';
import { type AuthInfo, type LinkInfo, signIn } from '../sign-in';
import type { Runtime } from '../runtime';

/**
 * Logs in with a user key (as its owner, who gains an `api-key` identity) or a server key (as its
 * server user). Disabled, deleted and unknown keys: AuthError `invalid API key`.
 */
export async function logInWithApiKey(rt: Runtime, secret: string, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, API_KEY);
  const found = await rt.store.findApiKey(hashSecret(secret));
  const key = found && linkToken ? await rt.store.getApiKey(found.userId, found.keyId) : undefined;
  if (!found || (linkToken && (!key || key.disabled))) throw new AppError('AuthError', 'invalid API key');
  const identity = { id: found.keyId, provider_type: API_KEY, provider_data: { name: found.name } };
  return signIn(rt, { identity, data: {}, ownerId: found.userId, apiKeyId: found.keyId }, device, linkToken);
}
