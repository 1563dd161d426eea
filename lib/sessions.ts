import { createHash } from 'node:crypto';
import { invalidSession, refreshTokenNotFound } from './errors';
import { hashSecret, newObjectId, sameHash } from './ids';
import { securityEvent } from './log';
import type { Runtime } from './runtime';
import { refreshTokenSeconds } from './app-settings';
import { embeddable } from './custom-data';
import { isUserLive } from './growth';
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
  // One clock reading for both ends: a second ticking over between them made a token one second short.
  const issuedAt = Math.floor(now / 1000);
  const expiresAt = issuedAt + (await refreshTokenSeconds(rt));
  const refreshToken = await rt.tokens.signRefresh({ userId, sessionId: id }, expiresAt, { issuedAt });
  return { session: { id, userId, deviceId, refreshHash: hashSecret(refreshToken), createdAt: now, expiresAt }, refreshToken };
}

/** A session counts while it and its (live) user exist, it has not expired and was not revoked by the user's marker. */
export function isSessionLive(session: Session | undefined, user: User | undefined, now: number): boolean {
  if (!session || !isUserLive(user, now) || user.disabled) return false;
  if (session.expiresAt * 1000 <= now) return false;
  return user.sessionsValidAfter === undefined || session.createdAt >= user.sessionsValidAfter;
}

/** How long a rotated-away refresh token still gets the same new pair: a retry of a lost response. */
export const ROTATION_RETRY_MS = 10_000;

interface RefreshState {
  user: User;
  session: Session;
  customData?: CustomData;
  /** The session's current token, or the one it replaced within the retry window. */
  match: 'current' | 'previous';
}

/**
 * Finds the session of a refresh token (one round trip). A token of this session that was rotated away
 * and is presented after the retry window is a replay: the whole session ends, with its access tokens.
 */
async function resolveRefresh(rt: Runtime, refreshToken: string, withCustomData: boolean): Promise<RefreshState> {
  const claims = await rt.tokens.verifyRefresh(refreshToken);
  const { user, session, customData } = await rt.store.getUserAndSession(claims.userId, claims.sessionId, withCustomData);
  if (!session) throw refreshTokenNotFound();
  const now = rt.clock();
  const hash = hashSecret(refreshToken);
  let match: RefreshState['match'];
  if (sameHash(session.refreshHash, hash)) match = 'current';
  else if (session.previousHash && sameHash(session.previousHash, hash) && now - (session.rotatedAt ?? 0) <= ROTATION_RETRY_MS) match = 'previous';
  else {
    if (session.rotatedAt !== undefined) {
      securityEvent('refresh.replayed', { userId: session.userId, sessionId: session.id });
      await rt.store.endSession(session.userId, session.id);
    }
    throw refreshTokenNotFound();
  }
  if (user?.disabled) throw invalidSession('invalid session: user disabled');
  if (!user || !isSessionLive(session, user, now)) throw refreshTokenNotFound();
  return { user, session, customData, match };
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
  const { match, ...state } = await resolveRefresh(rt, refreshToken, withCustomData);
  if (match !== 'current') throw refreshTokenNotFound();
  return state;
}

/**
 * Issues a new access token for a refresh token (protocol §6.1), with the custom data as it is now;
 * the refresh token is not rotated.
 */
export async function refreshAccessToken(rt: Runtime, refreshToken: string): Promise<string> {
  const { user, session, customData } = await authenticateRefresh(rt, refreshToken, true);
  const claims = { userId: user.id, sessionId: session.id, deviceId: session.deviceId };
  return rt.tokens.signAccess({ ...claims, userData: embeddable(rt, claims, customData) });
}

export interface RotatedPair {
  access_token: string;
  refresh_token: string;
}

/**
 * Refresh with rotation (opt-in, `?rotate=true`): a new refresh token replaces the presented one. The
 * successor is a function of its predecessor and the rotation time, so a retry within ROTATION_RETRY_MS,
 * and every parallel request that lost the race, gets the very same pair: one chain. The session keeps
 * its expiry. A rotated-away token presented later ends the session (resolveRefresh).
 */
export async function rotateRefreshToken(rt: Runtime, refreshToken: string): Promise<RotatedPair> {
  let state = await resolveRefresh(rt, refreshToken, true);
  const from = hashSecret(refreshToken);
  if (state.match === 'current') {
    const at = rt.clock();
    const next = await successor(rt, refreshToken, state.session, at);
    if (await rt.store.rotateRefreshHash(state.user.id, state.session.id, from, hashSecret(next), at)) return pair(rt, state, next, at);
    state = await resolveRefresh(rt, refreshToken, true);
    if (state.match !== 'previous') throw refreshTokenNotFound();
  }
  const at = state.session.rotatedAt ?? 0;
  const next = await successor(rt, refreshToken, state.session, at);
  if (!sameHash(state.session.refreshHash, hashSecret(next))) throw refreshTokenNotFound();
  return pair(rt, state, next, at);
}

function successor(rt: Runtime, refreshToken: string, session: Session, at: number): Promise<string> {
  const jti = createHash('sha256').update(`rotate\0${hashSecret(refreshToken)}`).digest('base64url').slice(0, 22);
  return rt.tokens.signRefresh({ userId: session.userId, sessionId: session.id }, session.expiresAt, { jti, issuedAt: Math.floor(at / 1000) });
}

async function pair(rt: Runtime, state: Omit<RefreshState, 'match'>, refreshToken: string, at: number): Promise<RotatedPair> {
  const { user, session, customData } = state;
  const claims = { userId: user.id, sessionId: session.id, deviceId: session.deviceId, issuedAt: Math.floor(at / 1000) };
  return { access_token: await rt.tokens.signAccess({ ...claims, userData: embeddable(rt, claims, customData) }), refresh_token: refreshToken };
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
