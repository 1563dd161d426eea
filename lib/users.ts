import { AppError } from './errors';
import { isObjectIdHex } from './ids';
import { USERPASS, emailKey } from './emails';
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
 * Deletes a user with everything that logs in as it: identities, credentials, sessions, devices, API
 * keys; the custom data document only when configured (App Services keeps it).
 * Throws InvalidSession if the user is already gone.
 */
export async function deleteUser(rt: Runtime, user: User): Promise<void> {
  const emails = user.identities
    .filter((i) => i.provider_type === USERPASS && typeof i.provider_data?.email === 'string')
    .map((i) => emailKey(i.provider_data?.email as string));
  const customData = rt.config.customData?.deleteWithUser === true;
  if (!(await rt.store.deleteUser(user, emails, { customData }))) throw new AppError('InvalidSession', 'invalid session');
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
