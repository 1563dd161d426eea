import type { Runtime } from './runtime';
import type { DeviceInfo } from './devices';
import { type LinkInfo, linkIdentity, linkToSession } from './linking';
import { type AuthInfo, type ProvenIdentity, logInIdentity } from './login';

/**
 * Where every provider (lib/providers/) enters the shared login: it proves an identity, and this
 * logs its user in or links the identity to another user. Providers import nothing else of
 * lib/login.ts and lib/linking.ts (test/architecture.test.ts keeps it so).
 */
export type { AuthInfo, LinkInfo, ProvenIdentity };

/** Logs in with a proven identity, or with `linkToken` (`?link=true`) attaches it to that token's user. */
export function signIn(rt: Runtime, proven: ProvenIdentity, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  return linkToken ? linkIdentity(rt, linkToken, proven) : logInIdentity(rt, proven, device);
}

/** Links to the user of a session that started a browser flow earlier (lib/providers/oauth-redirect/); throws as signIn. */
export function signInToSession(rt: Runtime, link: { userId: string; sessionId: string; deviceId: string }, proven: ProvenIdentity): Promise<LinkInfo> {
  return linkToSession(rt, link, proven);
}
