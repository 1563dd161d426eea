import { AppError } from './errors';
import { isObjectIdHex } from './ids';
import type { Runtime } from './runtime';
import type { User } from './store';
import { fireTriggers } from './triggers';

/** The profile document of protocol §6.3. */
export function profileOf(rt: Runtime, user: User) {
  return {
    user_id: user.id,
    domain_id: rt.config.domainId,
    identities: user.identities,
    data: user.data,
    type: user.type,
  };
}

/**
 * Deletes a user in one small write: the user item is marked deleted, which also revokes every
 * session (the authorizer refuses its tokens within its cache bound), and from then on the user is
 * gone for every read. The table's stream then removes everything that logs in as it — identities,
 * credentials, sessions, devices, API keys; the custom data document only when configured (App
 * Services keeps it) — in the background (lib/cleanup.ts). Throws InvalidSession if the user is already gone.
 */
export async function deleteUser(rt: Runtime, user: User): Promise<void> {
  if (!(await rt.store.markUserDeleted(user.id, rt.clock()))) throw new AppError('InvalidSession', 'invalid session');
  await fireTriggers(rt, 'DELETE', user, [...new Set(user.identities.map((i) => i.provider_type))]);
}

/**
 * Disables (or enables again) a user: a disabled user cannot log in (UserDisabled), refresh, or pass
 * the authorizer. Disabling ends every session with the marker of "revoke all sessions", in the same
 * write, so enabling (same user id) never revives an old refresh or access token. Throws UserNotFound.
 */
export async function setUserDisabled(rt: Runtime, userId: string, disabled: boolean): Promise<void> {
  if (!isObjectIdHex(userId) || !(await rt.store.setUserDisabled(userId, disabled, rt.clock()))) throw new AppError('UserNotFound', 'user not found');
}
