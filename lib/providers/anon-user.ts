import type { DeviceInfo } from '../devices';
import { newAnonymousIdentityId } from '../ids';
import { limitAddress } from '../limits';
import { type AuthInfo, type LinkInfo, signIn } from '../sign-in';
import type { Runtime } from '../runtime';
import { requireProvider } from '../config/providers';

/**
 * Every anonymous login creates a new user (protocol §4.4); reuse is the client's business, so they are
 * counted per client address (`anon.ip`). Throws TooManyRequests past the limit, AuthProviderNotFound.
 */
export async function logInAnonymously(rt: Runtime, device: DeviceInfo, source: string, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, 'anon-user');
  await limitAddress(rt, 'anon.ip', source);
  const identity = { id: newAnonymousIdentityId(), provider_type: 'anon-user' };
  return signIn(rt, { identity, data: {}, ownerId: null }, device, linkToken);
}
