import { timingSafeEqual } from 'node:crypto';
import { invalidSession, refreshTokenNotFound } from './errors';
import { hashSecret, newObjectId } from './ids';
import type { Runtime } from './runtime';
import { refreshTokenSeconds } from './app-settings';
import { embeddable } from './custom-data';
import type { CustomData, Session, User } from './store';
import type { VerifiedAccess } from './tokens';

/** A session ready to be stored, with the only copy of its refresh token. */
export interface NewSession {
  session: Session;
  refreshToken: string;
}

/** Mints a session and its refresh token; the caller stores the session with the login's other writes. */
export async function newSession(rt: Runtime, userId: string, deviceId: string): Promise<NewSession> {
  const now = rt.clock();
  const id = newObjectId();
  const expiresAt = Math.floor(now / 1000) + (await refreshTokenSeconds(rt));
  const refreshToken = await rt.tokens.signRefresh({ userId, sessionId: id }, expiresAt);
  return { session: { id, userId, deviceId, refreshHash: hashSecret(refreshToken), createdAt: now, expiresAt }, refreshToken };
}

/** A session counts while it exists, has not expired and was not revoked by the user's marker. */
export function isSessionLive(session: Session | undefined, user: User | undefined, now: number): boolean {
  if (!session || !user || user.disabled) return false;
  if (session.expiresAt * 1000 <= now) return false;
  return user.sessionsValidAfter === undefined || session.createdAt >= user.sessionsValidAfter;
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The live session and user of a refresh token (one DynamoDB round trip). Throws InvalidSession with
 * the message realm-web's logOut() knows.
 */
export async function authenticateRefresh(
  rt: Runtime,
  refreshToken: string,
  withCustomData = false,
): Promise<{ user: User; session: Session; customData?: CustomData }> {
  const claims = await rt.tokens.verifyRefresh(refreshToken);
  const { user, session, customData } = await rt.store.getUserAndSession(claims.userId, claims.sessionId, withCustomData);
  if (!session || !sameHash(session.refreshHash, hashSecret(refreshToken))) throw refreshTokenNotFound();
  if (user?.disabled) throw invalidSession('invalid session: user disabled');
  if (!user || !isSessionLive(session, user, rt.clock())) throw refreshTokenNotFound();
  return { user, session, customData };
}

/**
 * Issues a new access token for a refresh token (protocol §6.1), with the custom data as it is now;
 * the refresh token is not rotated.
 */
export async function refreshAccessToken(rt: Runtime, refreshToken: string): Promise<string> {
  const { user, session, customData } = await authenticateRefresh(rt, refreshToken, true);
  return rt.tokens.signAccess({ userId: user.id, sessionId: session.id, deviceId: session.deviceId, userData: embeddable(user.id, customData) });
}

/** Ends the session of a refresh token (protocol §6.2); throws InvalidSession if it is already gone. */
export async function logOut(rt: Runtime, refreshToken: string): Promise<void> {
  const claims = await rt.tokens.verifyRefresh(refreshToken);
  const deleted = await rt.store.deleteSession(claims.userId, claims.sessionId, hashSecret(refreshToken));
  if (!deleted) throw refreshTokenNotFound();
}

export interface Authenticated {
  claims: VerifiedAccess;
  user: User;
  customData?: CustomData;
}

/**
 * Verifies an access token and that its session and user are still live (one DynamoDB round trip).
 * Throws InvalidSession or UserAppDomainMismatch.
 */
export async function authenticate(rt: Runtime, accessToken: string, withCustomData = false): Promise<Authenticated> {
  const claims = await rt.tokens.verifyAccess(accessToken);
  const { user, session, customData } = await rt.store.getUserAndSession(claims.userId, claims.sessionId, withCustomData);
  if (!user || !isSessionLive(session, user, rt.clock())) throw invalidSession('invalid session');
  return { claims, user, customData };
}
