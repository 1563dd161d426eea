import { type DeviceInfo, deviceForLogin } from './devices';
import { AppError } from './errors';
import { derivedId, newObjectId } from './ids';
import type { Runtime } from './runtime';
import { newSession } from './sessions';
import { ConditionFailed, type Identity, type User, type UserType } from './store';

/** The login response every SDK reads (protocol §4.3). */
export interface AuthInfo {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

export interface NewAccount {
  type: UserType;
  identity: Omit<Identity, 'provider_id'>;
  data: Record<string, unknown>;
  /** Binds this unclaimed email/password credential to the new user in the same transaction. */
  claimEmail?: string;
}

/** The provider config id of a provider type; stable per app. */
export function providerId(rt: Runtime, providerType: string): string {
  return derivedId(`provider:${rt.config.appId}:${providerType}`);
}

/**
 * Creates a user with its first identity and opens its first session in one transaction: a failure
 * leaves nothing behind. Throws ConditionFailed when the identity or credential was taken meanwhile.
 */
export async function createUserAndLogIn(rt: Runtime, account: NewAccount, info: DeviceInfo): Promise<AuthInfo> {
  const now = rt.clock();
  const seconds = Math.floor(now / 1000);
  const identity: Identity = { ...account.identity, provider_id: providerId(rt, account.identity.provider_type) };
  const user: User = {
    id: newObjectId(),
    type: account.type,
    identities: [identity],
    data: account.data,
    creationDate: seconds,
    lastAuthenticationDate: seconds,
    disabled: false,
  };
  const device = deviceForLogin(user.id, info, undefined, now);
  const { session, refreshToken } = await newSession(rt, user.id, device.id);
  await rt.store.createUserWithSession({ user, session, device, claimEmail: account.claimEmail });
  return authInfo(rt, user.id, device.id, session.id, refreshToken);
}

/**
 * Opens a new session for an existing user, keeping a device id the user already has.
 * Throws UserDisabled, or AuthError when the user no longer exists.
 */
export async function logInUser(rt: Runtime, userId: string, info: DeviceInfo): Promise<AuthInfo> {
  const { user, device: known } = await rt.store.getUserAndDevice(userId, info.deviceId);
  if (!user) throw new AppError('AuthError', 'user not found');
  if (user.disabled) throw new AppError('UserDisabled', 'user disabled');
  const now = rt.clock();
  const device = deviceForLogin(userId, info, known, now);
  const { session, refreshToken } = await newSession(rt, userId, device.id);
  try {
    await rt.store.startSession({ session, device, authenticatedAt: Math.floor(now / 1000) });
  } catch (error) {
    if (error instanceof ConditionFailed) throw new AppError('AuthError', 'user not found');
    throw error;
  }
  return authInfo(rt, userId, device.id, session.id, refreshToken);
}

async function authInfo(rt: Runtime, userId: string, deviceId: string, sessionId: string, refreshToken: string) {
  const accessToken = await rt.tokens.signAccess({ userId, sessionId, deviceId });
  return { access_token: accessToken, refresh_token: refreshToken, user_id: userId, device_id: deviceId };
}
