import { embeddable } from './custom-data';
import { type DeviceInfo, deviceForLogin } from './devices';
import { AppError } from './errors';
import { USERPASS } from './emails';
import { deviceExpiry, isUserLive, liveDevice, userExpiry } from './growth';
import { derivedId, newObjectId } from './ids';
import type { Runtime } from './runtime';
import { runUserCreationFunction } from './hooks';
import { newSession } from './sessions';
import { securityEvent } from './log';
import { fireTriggers } from './triggers';
import { ConditionFailed, type Identity, type LimitWrites, type User, type UserProfile, type UserType } from './store';
import type { AccessGrant } from './tokens';

/** The login response every SDK reads (protocol §4.3). */
export interface AuthInfo {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

/** An identity a provider vouched for, and what the provider says about its user. */
export interface ProvenIdentity {
  identity: Omit<Identity, 'provider_id'>;
  /** Merged into the user's `data`. */
  data: Record<string, unknown>;
  /** The owner when the provider already knows it (`null`: known to have none); otherwise looked up. */
  ownerId?: string | null;
  /** Binds this unclaimed email/password credential to the user in the same transaction. */
  claimEmail?: string;
  userType?: UserType;
  /** An API key login: the key must still exist and be enabled when the user is read. */
  apiKeyId?: string;
  /** Abuse-limit records written with the new session (lib/limits.ts). */
  limits?: LimitWrites;
}

/** The provider config id of a provider type; stable per app. */
export function providerId(rt: Runtime, providerType: string): string {
  return providerIdOf(rt.config.appId, providerType);
}

export function providerIdOf(appId: string, providerType: string): string {
  return derivedId(`provider:${appId}:${providerType}`);
}

export function withProviderId(rt: Runtime, identity: ProvenIdentity['identity']): Identity {
  return { ...identity, provider_id: providerId(rt, identity.provider_type) };
}

/**
 * Logs in the user owning the identity, creating user and identity on first login (one transaction;
 * a parallel first login of the same identity ends in the same user). Throws UserDisabled.
 */
export async function logInIdentity(rt: Runtime, proven: ProvenIdentity, device: DeviceInfo): Promise<AuthInfo> {
  const { provider_type: type, id } = proven.identity;
  const owner = proven.ownerId === undefined ? await rt.store.findIdentityOwner(type, id) : proven.ownerId;
  if (owner) return logInUser(rt, owner, device, proven);
  try {
    return await createUserAndLogIn(rt, proven, device);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    const winner = await rt.store.findIdentityOwner(type, id);
    if (!winner) throw error;
    return logInUser(rt, winner, device, proven);
  }
}

/** Creates a user with its first identity and opens its first session, all in one transaction. */
export async function createUserAndLogIn(rt: Runtime, proven: ProvenIdentity, info: DeviceInfo): Promise<AuthInfo> {
  const now = rt.clock();
  const seconds = Math.floor(now / 1000);
  const user: User = {
    id: newObjectId(),
    type: proven.userType ?? 'normal',
    identities: [withProviderId(rt, proven.identity)],
    data: proven.data,
    creationDate: seconds,
    lastAuthenticationDate: seconds,
    disabled: false,
  };
  const expiresAt = userExpiry(rt, user.identities, now);
  if (expiresAt !== undefined) user.expiresAt = expiresAt;
  const customData = await runUserCreationFunction(rt, user);
  const device = deviceForLogin(user.id, info, undefined, now, deviceExpiry(rt, now));
  const { session, refreshToken } = await newSession(rt, user.id, device.id);
  await rt.store.createUserWithSession({ user, session, device, claimEmail: proven.claimEmail, customData, limits: proven.limits });
  securityEvent('login.succeeded', { userId: user.id, provider: proven.identity.provider_type, created: true });
  await fireTriggers(rt, 'CREATE', user, [proven.identity.provider_type]);
  await fireTriggers(rt, 'LOGIN', user, [proven.identity.provider_type]);
  const claims = { userId: user.id, deviceId: device.id, sessionId: session.id };
  return authInfo(rt, { ...claims, userData: embeddable(rt, claims, customData) }, refreshToken);
}

/**
 * The user's identities and data after a login refreshed one identity's metadata (or added it: a user
 * API key joins its owner's identities at its first login), if anything changed.
 */
function refreshedProfile(rt: Runtime, user: User, proven: ProvenIdentity | undefined): UserProfile | undefined {
  if (!proven) return undefined;
  const { provider_type: type, id, provider_data } = proven.identity;
  const known = user.identities.some((i) => i.provider_type === type && i.id === id);
  const identities = known
    ? user.identities.map((i) =>
        i.provider_type === type && i.id === id && provider_data
          ? // Apple tells the name (and, with some flows, the email) only at the first authorization: keep what it said.
            { ...i, provider_data: type === 'oauth2-apple' ? { ...i.provider_data, ...provider_data } : provider_data }
          : i,
      )
    : [...user.identities, withProviderId(rt, proven.identity)];
  const profile = { identities, data: { ...user.data, ...proven.data } };
  return JSON.stringify(profile) === JSON.stringify({ identities: user.identities, data: user.data }) ? undefined : profile;
}

/**
 * Opens a new session for an existing user, keeping a device id the user already has and refreshing
 * the identity's metadata. Throws UserDisabled, or AuthError when the user no longer exists.
 */
export async function logInUser(rt: Runtime, userId: string, info: DeviceInfo, proven?: ProvenIdentity): Promise<AuthInfo> {
  const { user, device, apiKey, customData } = await rt.store.getLoginState(userId, info.deviceId, proven?.apiKeyId);
  const now = rt.clock();
  // A user being deleted (or expired) is gone: its identity lookups and keys only wait for the cleanup.
  const live = isUserLive(user, now);
  if (proven?.apiKeyId && (!apiKey || apiKey.disabled || !live)) throw new AppError('AuthError', 'invalid API key');
  // A password login of a user deleted before the cleanup removed its credential answers as a wrong
  // password does (only logins come here; a link keeps its own words, lib/providers/local-userpass/login.ts).
  if (!live) throw proven?.identity.provider_type === USERPASS ? new AppError('InvalidPassword', 'unauthorized') : new AppError('AuthError', 'user not found');
  if (user.disabled) throw new AppError('UserDisabled', 'user disabled');
  const known = liveDevice(device, now);
  const next = deviceForLogin(userId, info, known, now, deviceExpiry(rt, now));
  const { session, refreshToken } = await newSession(rt, userId, next.id);
  const profile = refreshedProfile(rt, user, proven);
  try {
    const userExpiresAt = userExpiry(rt, (profile ?? user).identities, now);
    await rt.store.startSession({ session, device: next, authenticatedAt: Math.floor(now / 1000), profile, limits: proven?.limits, userExpiresAt });
  } catch (error) {
    if (error instanceof ConditionFailed) throw new AppError('AuthError', 'user not found');
    throw error;
  }
  securityEvent('login.succeeded', { userId, provider: proven?.identity.provider_type });
  await fireTriggers(rt, 'LOGIN', { ...user, ...profile }, proven ? [proven.identity.provider_type] : []);
  const claims = { userId, deviceId: next.id, sessionId: session.id };
  return authInfo(rt, { ...claims, userData: embeddable(rt, claims, customData) }, refreshToken);
}

async function authInfo(rt: Runtime, grant: AccessGrant, refreshToken: string): Promise<AuthInfo> {
  const accessToken = await rt.tokens.signAccess(grant);
  return { access_token: accessToken, refresh_token: refreshToken, user_id: grant.userId, device_id: grant.deviceId };
}
