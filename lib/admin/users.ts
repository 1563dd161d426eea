import { USERPASS, readEmail } from '../emails';
import { AppError } from '../errors';
import { isObjectIdHex, newObjectId } from '../ids';
import { withProviderId } from '../login';
import { checkPasswordPolicy, hashPassword } from '../passwords';
import type { Runtime } from '../runtime';
import { ConditionFailed, type User } from '../store';
import { liveSessionsOf } from '../sessions-list';
import { deleteUser } from '../users';

/** A user as the admin API shows it (protocol §14.3). */
export function adminUserView(user: User) {
  return {
    _id: user.id,
    identities: user.identities,
    type: user.type,
    creation_date: user.creationDate,
    last_authentication_date: user.lastAuthenticationDate,
    disabled: user.disabled,
    data: user.data,
  };
}

export interface UserFilter {
  /** Look up one user by email/password address instead of listing. */
  email?: string;
  /** Look up the owner of an identity, `<provider type>:<identity id>`, instead of listing. */
  identity?: string;
  after?: string;
  desc?: boolean;
  status?: 'enabled' | 'disabled';
  providerTypes?: string[];
}

const PAGE = 50;

/** Users in id order, 50 a page, filtered by status and provider types; `after` pages on. */
export async function listUsers(rt: Runtime, filter: UserFilter) {
  if (filter.email || filter.identity) {
    const [type, ...id] = (filter.identity ?? '').split(':');
    const userId = filter.email
      ? (await rt.store.getCredential(readEmail(filter.email).key))?.userId
      : await rt.store.findIdentityOwner(type, id.join(':'));
    const user = userId ? (await rt.store.getLoginState(userId)).user : undefined;
    return user ? [adminUserView(user)] : [];
  }
  const matches = (u: User) =>
    (!filter.status || u.disabled === (filter.status === 'disabled')) &&
    (!filter.providerTypes?.length || u.identities.some((i) => filter.providerTypes!.includes(i.provider_type)));
  const found: User[] = [];
  let after = filter.after;
  do {
    const page = await rt.store.listUsers({ after, limit: PAGE, desc: filter.desc });
    for (const user of page.users) if (found.length < PAGE && matches(user)) found.push(user);
    after = found.length < PAGE ? page.next : undefined;
  } while (after);
  return found.map(adminUserView);
}

/** Throws UserNotFound. */
export async function getUser(rt: Runtime, userId: string): Promise<User> {
  const user = isObjectIdHex(userId) ? (await rt.store.getLoginState(userId)).user : undefined;
  if (!user) throw new AppError('UserNotFound', 'user not found');
  return user;
}

/** Creates a confirmed email/password user at once. Throws BadRequest, AccountNameInUse. */
export async function createUser(rt: Runtime, email: string, password: string) {
  const { address, key } = readEmail(email);
  checkPasswordPolicy(password, rt.config);
  const seconds = Math.floor(rt.clock() / 1000);
  const identityId = newObjectId();
  const user: User = {
    id: newObjectId(),
    type: 'normal',
    identities: [withProviderId(rt, { id: identityId, provider_type: USERPASS, provider_data: { email: address } })],
    data: { email: address },
    creationDate: seconds,
    lastAuthenticationDate: seconds,
    disabled: false,
  };
  const credential = { email: address, identityId, passwordHash: await hashPassword(password), createdAt: rt.clock(), userId: user.id };
  try {
    await rt.store.createUserWithCredential(user, key, credential);
  } catch (error) {
    if (error instanceof ConditionFailed) throw new AppError('AccountNameInUse', 'name already in use');
    throw error;
  }
  return adminUserView(user);
}

/** Deletes a user as the user could (identities, sessions, API keys, devices). Throws UserNotFound. */
export async function removeUser(rt: Runtime, userId: string): Promise<void> {
  await deleteUser(rt, await getUser(rt, userId));
}

/** Revokes every session: refresh tokens fail at once, access tokens at the authorizer within its bound. */
export async function logOutUser(rt: Runtime, userId: string): Promise<void> {
  await getUser(rt, userId);
  await rt.store.revokeSessions(userId, rt.clock());
}

/** The user's devices as protocol §13.3 describes them. Throws UserNotFound. */
export async function listDevices(rt: Runtime, userId: string) {
  await getUser(rt, userId);
  return (await rt.store.listDevices(userId)).map((d) => ({
    _id: d.id,
    user_id: d.userId,
    platform: d.platform,
    platform_version: d.platformVersion,
    sdk_version: d.sdkVersion,
    app_id: d.appId,
    app_version: d.appVersion,
    last_seen: Math.floor(d.lastSeen / 1000),
  }));
}

/** The user's live sessions, newest first (an extension of ours). Throws UserNotFound. */
export async function listUserSessions(rt: Runtime, userId: string) {
  return liveSessionsOf(rt, await getUser(rt, userId));
}

/** The user's custom data document (`{}` when none). Throws UserNotFound, NotFound when custom data is off. */
export async function readUserCustomData(rt: Runtime, userId: string) {
  if (!rt.config.customData) throw new AppError('NotFound', 'custom user data is not enabled');
  await getUser(rt, userId);
  return (await rt.store.getCustomData(userId)) ?? {};
}
