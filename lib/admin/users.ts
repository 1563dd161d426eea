import { type ApiKeyView, deleteApiKey, listApiKeys, setApiKeyDisabled } from '../api-keys';
import { USERPASS, readEmail } from '../emails';
import { AppError } from '../errors';
import { couldBeIdentity, cursor, isObjectIdHex, newObjectId } from '../ids';
import { withProviderId } from '../login';
import { checkPasswordPolicy, hashPassword } from '../passwords';
import type { Runtime } from '../runtime';
import { ConditionFailed, type User } from '../store';
import { sessionView } from '../sessions-list';
import { isSessionLive } from '../sessions';
import { isUserLive, liveDevice } from '../growth';
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

/**
 * Users in id order, 50 a page, filtered by status and provider types; `after` pages on. An email or
 * identity no account could have finds no one. Throws InvalidParameter (a malformed `after`).
 */
export async function listUsers(rt: Runtime, filter: UserFilter) {
  if (filter.email || filter.identity) {
    const [type, ...rest] = (filter.identity ?? '').split(':');
    const id = rest.join(':');
    if (!filter.email && !couldBeIdentity(type, id)) return [];
    const userId = filter.email
      ? (await rt.store.getCredential(readEmail(filter.email).key))?.userId
      : await rt.store.findIdentityOwner(type, id);
    const user = userId ? (await rt.store.getLoginState(userId)).user : undefined;
    return isUserLive(user, rt.clock()) ? [adminUserView(user)] : [];
  }
  const now = rt.clock();
  // A user being deleted, or expired, stays listed until the background removal (or TTL) takes its item.
  const matches = (u: User) =>
    isUserLive(u, now) &&
    (!filter.status || u.disabled === (filter.status === 'disabled')) &&
    (!filter.providerTypes?.length || u.identities.some((i) => filter.providerTypes!.includes(i.provider_type)));
  const found: User[] = [];
  let after = cursor('after', filter.after);
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
  if (!isUserLive(user, rt.clock())) throw new AppError('UserNotFound', 'user not found');
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

/**
 * Revokes every session: refresh tokens fail at once, access tokens at the authorizer within its bound;
 * with `disableApiKeys`, in the same write, every API key of the user too. Throws UserNotFound.
 */
export async function logOutUser(rt: Runtime, userId: string, options: { disableApiKeys?: boolean } = {}): Promise<void> {
  await getUser(rt, userId);
  if (!options.disableApiKeys) return rt.store.revokeSessions(userId, rt.clock());
  if (!(await rt.store.revokeAccess({ userId, at: rt.clock(), disableApiKeys: true }))) throw new AppError('UserNotFound', 'user not found');
}

function checkKeyId(keyId: string): void {
  if (!isObjectIdHex(keyId)) throw new AppError('APIKeyNotFound', 'API key not found');
}

/** The user's API keys in creation order, never with their secrets. Throws UserNotFound. */
export async function listUserApiKeys(rt: Runtime, userId: string): Promise<ApiKeyView[]> {
  return listApiKeys(rt, await getUser(rt, userId));
}

/** Disables or enables one of the user's API keys (idempotent). Throws UserNotFound, APIKeyNotFound. */
export async function setUserApiKeyDisabled(rt: Runtime, userId: string, keyId: string, disabled: boolean): Promise<void> {
  const user = await getUser(rt, userId);
  checkKeyId(keyId);
  await setApiKeyDisabled(rt, user, keyId, disabled);
}

/**
 * Deletes one of the user's API keys. Throws UserNotFound, APIKeyNotFound, BadRequest for a server
 * user's key (deleted with its user on the app's api_keys route).
 */
export async function deleteUserApiKey(rt: Runtime, userId: string, keyId: string): Promise<void> {
  const user = await getUser(rt, userId);
  checkKeyId(keyId);
  if (user.type === 'server') throw new AppError('BadRequest', 'a server API key is deleted on the app\'s api_keys route');
  await deleteApiKey(rt, user, keyId);
}

/** A page of an admin list: at most `limit` (1–100, 50 unless given) after the id `after`. */
export interface ListPage {
  after?: string;
  limit?: string;
}

const MAX_PAGE = 100;

function pageOf(page: ListPage): { after?: string; limit: number } {
  const raw = page.limit?.trim();
  const limit = raw === undefined || raw === '' ? PAGE : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new AppError('InvalidParameter', `expected "limit" to be a whole number from 1 to ${MAX_PAGE}`);
  return { after: cursor('after', page.after), limit };
}

/**
 * Collects up to `limit` items that pass `keep`, reading pages of the store after `after`: a page short
 * of `limit` is the last one. The next page starts after the id of the last item answered.
 */
async function collect<T extends { id: string }>(
  read: (page: { after?: string; limit: number }) => Promise<{ items: T[]; next?: string }>,
  page: { after?: string; limit: number },
  keep: (item: T) => boolean,
): Promise<T[]> {
  const found: T[] = [];
  let after = page.after;
  do {
    const out = await read({ after, limit: page.limit });
    for (const item of out.items) if (found.length < page.limit && keep(item)) found.push(item);
    after = found.length < page.limit ? out.next : undefined;
  } while (after);
  return found;
}

/**
 * The user's devices as protocol §13.3 describes them, in id order, a page at a time (`limit`,
 * `after` the last id seen); expired devices are left out. Throws UserNotFound, InvalidParameter.
 */
export async function listDevices(rt: Runtime, userId: string, page: ListPage = {}) {
  await getUser(rt, userId);
  const now = rt.clock();
  const devices = await collect((p) => rt.store.pageDevices(userId, p), pageOf(page), (d) => liveDevice(d, now) !== undefined);
  return devices.map((d) => ({
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

/**
 * The user's live sessions, newest first, a page at a time (`limit`, `after` the last id seen; an
 * extension of ours). Throws UserNotFound, InvalidParameter.
 */
export async function listUserSessions(rt: Runtime, userId: string, page: ListPage = {}) {
  const user = await getUser(rt, userId);
  const now = rt.clock();
  const sessions = await collect((p) => rt.store.pageSessions(userId, p), pageOf(page), (s) => isSessionLive(s, user, now));
  return sessions.map(sessionView);
}

/** The user's custom data document (`{}` when none). Throws UserNotFound, NotFound when custom data is off. */
export async function readUserCustomData(rt: Runtime, userId: string) {
  if (!rt.config.customData) throw new AppError('NotFound', 'custom user data is not enabled');
  await getUser(rt, userId);
  return (await rt.store.getCustomData(userId)) ?? {};
}
