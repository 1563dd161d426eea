import type { DeviceInfo } from '../devices';
import { newAnonymousIdentityId } from '../ids';
import { type AuthInfo, createUserAndLogIn } from '../login';
import type { Runtime } from '../runtime';

/** Every anonymous login creates a new user (protocol §4.4); reuse is the client's business. */
export function logInAnonymously(rt: Runtime, device: DeviceInfo): Promise<AuthInfo> {
  return createUserAndLogIn(
    rt,
    { type: 'normal', identity: { id: newAnonymousIdentityId(), provider_type: 'anon-user' }, data: {} },
    device,
  );
}
